-- Incoming webhooks (issue 14): a secret URL that posts into one channel as the hook's own bot user. Only the token's
-- SHA-256 is kept. Distributed by workspace_id like every workspace-scoped table; a post names its hook by id alone,
-- which under Citus asks every shard (hooks are few, and the id is unique across them). Channels are deleted softly: a
-- deleted channel's hook finds no channel and answers 404.
CREATE TABLE incoming_webhooks (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    channel_id   uuid        NOT NULL,
    bot_user_id  uuid        NOT NULL,
    name         text        NOT NULL,
    token_hash   bytea       NOT NULL,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX incoming_webhooks_by_id ON incoming_webhooks (id);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('incoming_webhooks', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
-- Added after distribution, as citus.sql's rules ask (colocated channels; users is a reference table).
ALTER TABLE incoming_webhooks ADD FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id);
ALTER TABLE incoming_webhooks ADD FOREIGN KEY (bot_user_id) REFERENCES users (id);
