-- Tanager schema, SQLite dialect. Identifiers are 16-byte ULIDs (BLOB, so memcmp order is time order); times are
-- UTC ticks (INTEGER, 100 ns, truncated to microseconds by the engine).
CREATE TABLE users (
    id            BLOB    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    metadata      TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash BLOB    NOT NULL PRIMARY KEY,
    user_id    BLOB    NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE workspaces (
    id         BLOB    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    owner_id   BLOB    NOT NULL REFERENCES users (id),
    metadata   TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE workspace_members (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    user_id      BLOB    NOT NULL REFERENCES users (id),
    role         TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
    joined_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;
CREATE INDEX workspace_members_by_user ON workspace_members (user_id, workspace_id);

CREATE TABLE channels (
    workspace_id  BLOB    NOT NULL REFERENCES workspaces (id),
    id            BLOB    NOT NULL,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('public', 'private')),
    topic         TEXT,
    last_sequence INTEGER NOT NULL DEFAULT 0,
    metadata      TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
) WITHOUT ROWID;

CREATE TABLE channel_members (
    workspace_id BLOB    NOT NULL,
    channel_id   BLOB    NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id),
    joined_at    INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, channel_id, user_id),
    FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX channel_members_by_user ON channel_members (workspace_id, user_id);

-- A rowid table, so FTS5 can index it as external content.
CREATE TABLE messages (
    workspace_id    BLOB    NOT NULL,
    id              BLOB    NOT NULL,
    channel_id      BLOB    NOT NULL,
    author_id       BLOB    NOT NULL REFERENCES users (id),
    content         TEXT    NOT NULL,
    sequence        INTEGER NOT NULL,
    change_sequence INTEGER NOT NULL,
    thread_id       BLOB,
    metadata        TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    edited_at       INTEGER,
    deleted_at      INTEGER,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, channel_id, sequence),
    FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id)
);
CREATE INDEX messages_changes ON messages (workspace_id, channel_id, change_sequence);

CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
END;
