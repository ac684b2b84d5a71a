-- Incoming webhooks (issue 14): a secret URL that posts into one channel as the hook's own bot user. Only the token's
-- SHA-256 is kept. Channels are deleted softly: a deleted channel's hook finds no channel and answers 404.
CREATE TABLE incoming_webhooks (
    id           BLOB    NOT NULL PRIMARY KEY,
    workspace_id BLOB    NOT NULL,
    channel_id   BLOB    NOT NULL,
    bot_user_id  BLOB    NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    token_hash   BLOB    NOT NULL,
    created_by   BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id)
) WITHOUT ROWID;
-- A channel's hooks, oldest first.
CREATE INDEX incoming_webhooks_by_channel ON incoming_webhooks (workspace_id, channel_id, id);
