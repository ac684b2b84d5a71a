-- Slash commands (issue 14): "/name args" in a channel reaches the bot that registered the name in the workspace. The
-- secret signs the command's invocation ids (any node checks a reply against it; deleting the command voids them).
-- Distributed by workspace_id like every workspace-scoped table; every statement names the workspace, so each is
-- routed to one shard, and the unique key includes it as Citus requires.
CREATE TABLE slash_commands (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    bot_user_id  uuid        NOT NULL,
    description  text        NOT NULL,
    usage_hint   text,
    secret       bytea       NOT NULL,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, name)
);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('slash_commands', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
-- Added after distribution, as citus.sql's rules ask (colocated workspaces; users is a reference table).
ALTER TABLE slash_commands ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE slash_commands ADD FOREIGN KEY (bot_user_id) REFERENCES users (id);
