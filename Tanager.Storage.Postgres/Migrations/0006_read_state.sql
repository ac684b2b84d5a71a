-- What each member has read in each channel. Unread and mention counts are computed from messages, so they always
-- agree with edits and deletes. Distributed by workspace_id like every workspace-scoped table (created after
-- citus.sql ran, so a Citus database distributes it here).
CREATE TABLE read_states (
    workspace_id       uuid        NOT NULL,
    channel_id         uuid        NOT NULL,
    user_id            uuid        NOT NULL,
    last_read_sequence bigint      NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, channel_id, user_id)
);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('read_states', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
