-- 0005: /tip. A weekly schedule per guild, members' suggestions awaiting review, and one record per post.
-- The post record is what makes the weekly post exactly-once: the scheduled post of a week is claimed by inserting
-- its (guild_id, slot) row BEFORE the message is sent, so a restart, a reconnect or a second loop finds the row and
-- does not post again. The same table drives the rotation (least recently posted tip first).

CREATE TABLE tip_schedules (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday … 6 = Sunday
    at_time    TEXT NOT NULL,                                       -- local wall-clock time, "HH:MM"
    timezone   TEXT NOT NULL,                                       -- IANA name
    since      TEXT NOT NULL,  -- ISO instant the schedule was set: occurrences at or before it are not owed
    set_by     INTEGER NOT NULL
);

CREATE TABLE tip_suggestions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    number      INTEGER NOT NULL,  -- per guild, shown to moderators; rotation key "community:<number>"
    author_id   INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category    TEXT NOT NULL,
    concept     TEXT,
    link        TEXT,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at  TEXT NOT NULL,
    reviewed_by INTEGER,
    reviewed_at TEXT,
    UNIQUE (guild_id, number)
);
-- /tip review takes the oldest pending suggestion; the rotation reads the approved ones in approval order.
CREATE INDEX tip_suggestions_status ON tip_suggestions (guild_id, status, id);
-- The per-member daily limit on suggestions.
CREATE INDEX tip_suggestions_author ON tip_suggestions (guild_id, author_id, created_at);

CREATE TABLE tip_posts (
    id          INTEGER PRIMARY KEY,  -- grows with every post: the rotation's "how recently"
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('scheduled', 'now')),
    slot        TEXT,     -- the schedule's week ("2026-W02") for scheduled posts; NULL for /tip now
    due_at      TEXT,     -- the occurrence a scheduled post was for
    tip_key     TEXT,     -- NULL when skipped
    title       TEXT,     -- the tip's title at the time, for /tip status even if the tip changes later
    channel_id  INTEGER,
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
    error       TEXT,     -- why a post failed or was skipped, for moderators
    message_id  INTEGER,
    created_at  TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (guild_id, slot)  -- NULL slots (/tip now) never collide
);
-- The rotation's "when did each tip last go out" (covering: guild, tip, status, id).
CREATE INDEX tip_posts_rotation ON tip_posts (guild_id, tip_key, status, id);
-- The weekly loop asks once per pass which guilds already have this week's record.
CREATE INDEX tip_posts_slot ON tip_posts (slot, guild_id);
