-- Slash commands (issue 14): "/name args" in a channel reaches the bot that registered the name in the workspace. The
-- secret signs the command's invocation ids (any node checks a reply against it; deleting the command voids them).
CREATE TABLE slash_commands (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    id           BLOB    NOT NULL,
    name         TEXT    NOT NULL,
    bot_user_id  BLOB    NOT NULL REFERENCES users (id),
    description  TEXT    NOT NULL,
    usage_hint   TEXT,
    secret       BLOB    NOT NULL,
    created_by   BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    -- One bot answers a name in a workspace.
    UNIQUE (workspace_id, name)
) WITHOUT ROWID;
