-- Files. A row is made with the upload slot, before the message exists, so message_id is empty until a message is
-- posted with it (and there is no foreign key to messages). purge_claimed_at marks a row a lifecycle worker is removing.
-- Distributed by workspace_id like every workspace-scoped table (created after citus.sql ran, so a Citus database
-- distributes it here).
CREATE TABLE attachments (
    workspace_id     uuid        NOT NULL,
    id               uuid        NOT NULL,
    channel_id       uuid        NOT NULL,
    uploader_id      uuid        NOT NULL,
    message_id       uuid,
    file_name        text        NOT NULL,
    content_type     text        NOT NULL,
    size_bytes       bigint      NOT NULL,
    storage_key      text        NOT NULL,
    created_at       timestamptz NOT NULL,
    purge_claimed_at timestamptz,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX attachments_by_message ON attachments (workspace_id, message_id) WHERE message_id IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE message_id IS NULL;
-- The lifecycle finds deleted messages' files from the few deleted messages, not by scanning every attachment.
CREATE INDEX messages_deleted ON messages (deleted_at) WHERE deleted_at IS NOT NULL;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('attachments', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
