-- Personal invitations (issue 9) and channel creators. Independent of 0008: either may be applied first.

-- Who created a channel: they may manage it as an admin would (docs/permissions.md). NULL for channels created before
-- this migration and for direct messages, which have no creator in that sense. users is a reference table, so a
-- distributed table may refer to it (ARCHITECTURE §2).
ALTER TABLE channels ADD COLUMN created_by uuid;
ALTER TABLE channels ADD FOREIGN KEY (created_by) REFERENCES users (id);

-- An invitation is addressed to an email key (users.email_key's form), so an address with no account yet can be
-- invited, and its holder finds it on registering. One per address and workspace: the unique key holds workspace_id
-- as Citus requires, and inviting again refreshes the one row.
CREATE TABLE workspace_invitations (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    email_key    text        NOT NULL,
    user_id      uuid,
    role         text        NOT NULL CHECK (role IN ('admin', 'member', 'guest')),
    invited_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, email_key)
);
-- The invitee lists theirs by address, across workspaces (under Citus, a query to every shard; invitations are few).
CREATE INDEX workspace_invitations_by_email ON workspace_invitations (email_key);

-- Create, distribute (when Citus is installed), then add foreign keys: the order citus.sql, 0002 and 0005 follow.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('workspace_invitations', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
ALTER TABLE workspace_invitations ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE workspace_invitations ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE workspace_invitations ADD FOREIGN KEY (invited_by) REFERENCES users (id);
