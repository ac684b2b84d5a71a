-- Idempotent sends: an author's nonce is unique within a channel (the key includes workspace_id, as Citus requires).
ALTER TABLE messages ADD COLUMN nonce text;
CREATE UNIQUE INDEX messages_nonce ON messages (workspace_id, channel_id, author_id, nonce) WHERE nonce IS NOT NULL;
