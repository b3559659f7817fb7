-- 0002: /concept. Curated concepts live in data/concepts.toml and are never copied here as data of record: the
-- database holds what moderators wrote per guild (community concepts, and overrides/hides of curated ones) plus a
-- derived search index over both, so that FTS5 ranks curated and community concepts together.

-- Concepts a guild's moderators added with /concept add.
CREATE TABLE community_concepts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    category    TEXT NOT NULL,
    summary     TEXT NOT NULL,
    details     TEXT NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  INTEGER,
    updated_at  TEXT,
    UNIQUE (guild_id, slug)
);

-- A guild's changes to a curated concept: /concept edit stores the fields that differ from the curated file (NULL
-- means "as curated", so a fix to the file still reaches untouched fields); /concept remove sets hidden = 1 and keeps
-- the edits, so that unhiding brings back exactly what the guild had.
CREATE TABLE concept_overrides (
    guild_id    INTEGER NOT NULL,
    slug        TEXT NOT NULL,
    hidden      INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    name        TEXT,
    aliases     TEXT,  -- JSON array of strings
    category    TEXT,
    summary     TEXT,
    details     TEXT,
    updated_by  INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, slug)
) WITHOUT ROWID;

-- The searchable text of every concept, derived (rebuildable) from the curated file and the two tables above:
-- guild_id 0 holds the curated text, refreshed at every start; guild_id N holds guild N's community concepts and its
-- visible edited curated ones (whose guild-0 row that guild's searches skip). `scope` repeats the guild as a token
-- ('g0', 'g123') so that a search restricts itself to "curated or this guild" inside the FTS index, instead of ranking
-- every guild's matches and filtering afterwards.
CREATE TABLE concept_documents (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    slug      TEXT NOT NULL,
    scope     TEXT NOT NULL,
    name      TEXT NOT NULL,
    aliases   TEXT NOT NULL,  -- space-separated, for the tokenizer
    summary   TEXT NOT NULL,
    details   TEXT NOT NULL,
    UNIQUE (guild_id, slug)
);

-- porter: "caching" finds "cache", "queries" finds "query" (English stems), on top of unicode61 without accents.
CREATE VIRTUAL TABLE concept_fts USING fts5(
    scope, name, aliases, summary, details,
    content = 'concept_documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER concept_documents_ai AFTER INSERT ON concept_documents BEGIN
    INSERT INTO concept_fts (rowid, scope, name, aliases, summary, details)
    VALUES (new.id, new.scope, new.name, new.aliases, new.summary, new.details);
END;

CREATE TRIGGER concept_documents_ad AFTER DELETE ON concept_documents BEGIN
    INSERT INTO concept_fts (concept_fts, rowid, scope, name, aliases, summary, details)
    VALUES ('delete', old.id, old.scope, old.name, old.aliases, old.summary, old.details);
END;

CREATE TRIGGER concept_documents_au AFTER UPDATE ON concept_documents BEGIN
    INSERT INTO concept_fts (concept_fts, rowid, scope, name, aliases, summary, details)
    VALUES ('delete', old.id, old.scope, old.name, old.aliases, old.summary, old.details);
    INSERT INTO concept_fts (rowid, scope, name, aliases, summary, details)
    VALUES (new.id, new.scope, new.name, new.aliases, new.summary, new.details);
END;
