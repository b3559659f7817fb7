-- 0003: the /challenge log. Members log the technical challenges they hit; solutions hang under them, one may be
-- accepted, members mark solutions helpful. Numbers are per guild (#1, #2… for challenges; Solution 1, 2… for
-- solutions, as /challenge show displays them and /challenge accept takes them), allocated inside the insert's
-- transaction. Deleting is soft: deleted_at hides a challenge everywhere but keeps the row (and its numbers, which
-- are never reused). author_id NULL means curated content from data/challenges.toml (curated_slug says which one).

CREATE TABLE challenges (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    author_id    INTEGER,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    tags         TEXT NOT NULL DEFAULT '',      -- normalised tags joined by spaces (display and full-text search)
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'solved')),
    curated_slug TEXT,
    channel_id   INTEGER,                        -- where the "Challenge #N" message was posted (for chat capture)
    message_id   INTEGER,
    created_at   TEXT NOT NULL,
    deleted_at   TEXT,
    deleted_by   INTEGER,
    UNIQUE (guild_id, number)
);
CREATE UNIQUE INDEX challenges_curated ON challenges (guild_id, curated_slug) WHERE curated_slug IS NOT NULL;
CREATE INDEX challenges_status ON challenges (guild_id, status, number) WHERE deleted_at IS NULL;
CREATE INDEX challenges_author ON challenges (guild_id, author_id, number) WHERE deleted_at IS NULL;
CREATE INDEX challenges_channel ON challenges (guild_id, channel_id, number) WHERE deleted_at IS NULL;
-- Deleted challenges are few: counts and the leaderboard subtract them rather than filter every row.
CREATE INDEX challenges_deleted ON challenges (guild_id) WHERE deleted_at IS NOT NULL;

-- One row per tag, for the tag filters of /challenge list and /challenge search.
CREATE TABLE challenge_tags (
    guild_id     INTEGER NOT NULL,
    tag          TEXT NOT NULL,
    challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    PRIMARY KEY (guild_id, tag, challenge_id)
) WITHOUT ROWID;
CREATE INDEX challenge_tags_challenge ON challenge_tags (challenge_id);

-- author_id is who gets the credit; captured_by is who saved it from chat with "Add as solution" (NULL when the
-- author typed it), source_* point at that chat message.
CREATE TABLE challenge_solutions (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    number            INTEGER NOT NULL,
    challenge_id      INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    author_id         INTEGER,
    captured_by       INTEGER,
    source_channel_id INTEGER,
    source_message_id INTEGER,
    body              TEXT NOT NULL,
    accepted          INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
    accepted_at       TEXT,
    accepted_by       INTEGER,
    created_at        TEXT NOT NULL,
    UNIQUE (guild_id, number)
);
CREATE INDEX challenge_solutions_challenge ON challenge_solutions (challenge_id);
CREATE INDEX challenge_solutions_author ON challenge_solutions (guild_id, author_id);
CREATE INDEX challenge_solutions_accepted ON challenge_solutions (guild_id, author_id) WHERE accepted = 1;
-- At most one accepted solution per challenge, whatever the code does.
CREATE UNIQUE INDEX challenge_solutions_one_accepted ON challenge_solutions (challenge_id) WHERE accepted = 1;

-- One "Helpful" per member per solution. solution_author_id copies the solution's credited author (who never
-- changes), so the leaderboard counts votes per author from one index instead of joining every vote.
CREATE TABLE challenge_helpful (
    solution_id        INTEGER NOT NULL REFERENCES challenge_solutions (id) ON DELETE CASCADE,
    voter_id           INTEGER NOT NULL,
    guild_id           INTEGER NOT NULL,
    solution_author_id INTEGER,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (solution_id, voter_id)
) WITHOUT ROWID;
CREATE INDEX challenge_helpful_author ON challenge_helpful (guild_id, solution_author_id);

-- Full-text search over live challenges: rowid = challenges.id. It keeps its own copy of the text because the
-- `solutions` column concatenates every solution of the challenge, which no single table holds. The triggers keep it
-- in step: a deleted challenge leaves the index, so it can't be found any more.
CREATE VIRTUAL TABLE challenge_search USING fts5 (
    title, description, tags, solutions,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER challenges_search_insert AFTER INSERT ON challenges WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO challenge_search (rowid, title, description, tags, solutions)
    VALUES (new.id, new.title, new.description, new.tags, '');
END;

CREATE TRIGGER challenges_search_update AFTER UPDATE OF title, description, tags, deleted_at ON challenges BEGIN
    DELETE FROM challenge_search WHERE rowid = old.id;
    INSERT INTO challenge_search (rowid, title, description, tags, solutions)
    SELECT new.id, new.title, new.description, new.tags,
           COALESCE((SELECT group_concat(body, ' ') FROM challenge_solutions WHERE challenge_id = new.id), '')
    WHERE new.deleted_at IS NULL;
END;

CREATE TRIGGER challenges_search_delete AFTER DELETE ON challenges BEGIN
    DELETE FROM challenge_search WHERE rowid = old.id;
END;

CREATE TRIGGER challenge_solutions_search_insert AFTER INSERT ON challenge_solutions BEGIN
    UPDATE challenge_search
    SET solutions = (SELECT group_concat(body, ' ') FROM challenge_solutions WHERE challenge_id = new.challenge_id)
    WHERE rowid = new.challenge_id;
END;
