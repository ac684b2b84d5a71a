-- Profiles, channel settings (description, archive, deletion, per-role permission overrides) and invite links.
-- Independent of 0004 (messages): either may be applied first.
ALTER TABLE users ADD COLUMN avatar_url text;
ALTER TABLE users ADD COLUMN status_text text;
ALTER TABLE users ADD COLUMN status_emoji text;

ALTER TABLE channels ADD COLUMN description text;
ALTER TABLE channels ADD COLUMN archived_at timestamptz;
-- A deleted channel keeps its row (its messages refer to it), renamed to its id so that the name is free again.
ALTER TABLE channels ADD COLUMN deleted_at timestamptz;
-- JSON: [{"role":"member","allow":["…"],"deny":["…"]}], read with the channel on every access check.
ALTER TABLE channels ADD COLUMN overrides text NOT NULL DEFAULT '[]';

-- Only the SHA-256 of an invite code is stored. The code names its workspace, so every lookup filters by workspace_id
-- (one shard under Citus); the unique key includes workspace_id as Citus requires.
CREATE TABLE workspace_invites (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    code_hash    bytea       NOT NULL,
    role         text        NOT NULL CHECK (role IN ('member', 'guest')),
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    max_uses     integer,
    uses         integer     NOT NULL DEFAULT 0,
    revoked_at   timestamptz,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, code_hash)
);

-- Create, distribute (when Citus is installed), then add foreign keys: the order citus.sql and 0002 follow.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('workspace_invites', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
ALTER TABLE workspace_invites ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE workspace_invites ADD FOREIGN KEY (created_by) REFERENCES users (id);
