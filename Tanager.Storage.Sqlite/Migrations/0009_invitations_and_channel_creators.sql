-- Personal invitations (issue 9) and channel creators. Independent of 0008: either may be applied first.

-- Who created a channel: they may manage it as an admin would (docs/permissions.md). NULL for channels created before
-- this migration and for direct messages, which have no creator in that sense.
ALTER TABLE channels ADD COLUMN created_by BLOB REFERENCES users (id);

-- An invitation is addressed to an email key (users.email_key's form), so an address with no account yet can be
-- invited, and its holder finds it on registering. One per address and workspace: inviting again refreshes it.
CREATE TABLE workspace_invitations (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    id           BLOB    NOT NULL,
    email_key    TEXT    NOT NULL,
    user_id      BLOB    REFERENCES users (id),
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'member', 'guest')),
    invited_by   BLOB    NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, email_key)
) WITHOUT ROWID;
-- The invitee lists theirs by address, across workspaces.
CREATE INDEX workspace_invitations_by_email ON workspace_invitations (email_key);
