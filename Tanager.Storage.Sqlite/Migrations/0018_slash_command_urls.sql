-- Slash commands routed to a URL (issue 14): a command is answered by a bot (bot_user_id) or POSTed to a URL (url),
-- exactly one of the two. SQLite cannot drop a NOT NULL, so the table is rebuilt; nothing refers to it.
CREATE TABLE slash_commands_0018 (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    id           BLOB    NOT NULL,
    name         TEXT    NOT NULL,
    bot_user_id  BLOB    REFERENCES users (id),
    url          TEXT,
    description  TEXT    NOT NULL,
    usage_hint   TEXT,
    secret       BLOB    NOT NULL,
    created_by   BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    -- One bot or URL answers a name in a workspace.
    UNIQUE (workspace_id, name),
    CHECK ((bot_user_id IS NULL) <> (url IS NULL))
) WITHOUT ROWID;
INSERT INTO slash_commands_0018 (workspace_id, id, name, bot_user_id, url, description, usage_hint, secret, created_by, created_at, updated_at)
    SELECT workspace_id, id, name, bot_user_id, NULL, description, usage_hint, secret, created_by, created_at, updated_at FROM slash_commands;
DROP TABLE slash_commands;
ALTER TABLE slash_commands_0018 RENAME TO slash_commands;
