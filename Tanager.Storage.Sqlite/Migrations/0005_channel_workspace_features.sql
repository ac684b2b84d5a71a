-- Profiles, channel settings (description, archive, deletion, per-role permission overrides) and invite links.
-- Independent of 0004 (messages): either may be applied first.
ALTER TABLE users ADD COLUMN avatar_url TEXT;
ALTER TABLE users ADD COLUMN status_text TEXT;
ALTER TABLE users ADD COLUMN status_emoji TEXT;

ALTER TABLE channels ADD COLUMN description TEXT;
ALTER TABLE channels ADD COLUMN archived_at INTEGER;
-- A deleted channel keeps its row (its messages refer to it), renamed to its id so that the name is free again.
ALTER TABLE channels ADD COLUMN deleted_at INTEGER;
-- JSON: [{"role":"member","allow":["…"],"deny":["…"]}], read with the channel on every access check.
ALTER TABLE channels ADD COLUMN overrides TEXT NOT NULL DEFAULT '[]';

-- Only the SHA-256 of an invite code is stored. The code names its workspace, so lookups are by (workspace_id, code_hash).
CREATE TABLE workspace_invites (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    id           BLOB    NOT NULL,
    code_hash    BLOB    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('member', 'guest')),
    created_by   BLOB    NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    max_uses     INTEGER,
    uses         INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER,
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, code_hash)
) WITHOUT ROWID;
