-- Files. A row is made with the upload slot, before the message exists, so message_id is empty until a message is
-- posted with it (and there is no foreign key to messages). purge_claimed_at marks a row a lifecycle worker is removing.
CREATE TABLE attachments (
    workspace_id     BLOB    NOT NULL,
    id               BLOB    NOT NULL,
    channel_id       BLOB    NOT NULL,
    uploader_id      BLOB    NOT NULL,
    message_id       BLOB,
    file_name        TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    size_bytes       INTEGER NOT NULL,
    storage_key      TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    purge_claimed_at INTEGER,
    PRIMARY KEY (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX attachments_by_message ON attachments (workspace_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
-- The lifecycle finds deleted messages' files from the few deleted messages, not by scanning every attachment.
CREATE INDEX messages_deleted ON messages (deleted_at) WHERE deleted_at IS NOT NULL;
