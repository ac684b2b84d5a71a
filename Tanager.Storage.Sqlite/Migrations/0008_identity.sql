-- Identity: account kinds (people and bots), host/provisioning identities, server administrators, deactivation; stored
-- credentials of several kinds (logins, bot tokens, gateway tickets) with ids, scopes and last use; server API keys.
-- Enum columns hold the C# enum's number (UserKind, CredentialKind) and carry no CHECK: SQLite cannot change a CHECK
-- without rebuilding the table (see 0007), and a new kind must not need that.
ALTER TABLE users ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
-- A bot's owner. SQLite allows REFERENCES on an added column whose default is NULL.
ALTER TABLE users ADD COLUMN owner_id BLOB REFERENCES users (id);
ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE users ADD COLUMN is_server_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
-- External ids are compared exactly (BINARY collation) and unique when present.
CREATE UNIQUE INDEX users_external_id ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_bots ON users (owner_id, id) WHERE owner_id IS NOT NULL;

-- sessions keeps token_hash as its primary key (every request looks a credential up by it); id names a credential for
-- listing and revocation. SQLite cannot add a NOT NULL column without a constant default, so id is nullable in the
-- schema and always written by the store; existing rows get a ULID of their creation time (6 bytes of Unix
-- milliseconds, 10 random bytes), so that newest-first by id still holds for them.
ALTER TABLE sessions ADD COLUMN id BLOB;
ALTER TABLE sessions ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN name TEXT;
-- JSON array of strings; NULL grants every scope, '[]' none.
ALTER TABLE sessions ADD COLUMN scopes TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip_address TEXT;
-- The session or token a gateway ticket was issued under. No foreign key: revoking the parent must not be blocked by
-- its tickets (the service revokes them with it).
ALTER TABLE sessions ADD COLUMN parent_id BLOB;
UPDATE sessions SET
    -- Concatenated as hex text and converted once: || on blobs yields TEXT. unhex needs SQLite 3.41 (the bundled
    -- e_sqlite3 has it).
    id = unhex(printf('%012X', (created_at - 621355968000000000) / 10000) || hex(randomblob(10))),
    last_used_at = created_at;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
-- A user's credentials of one kind, newest first; also serves "every credential of this user".
CREATE INDEX sessions_by_user ON sessions (user_id, kind, id);
-- The purge: anything past its expiry, and logins idle too long.
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_idle_logins ON sessions (last_used_at) WHERE kind = 0;

-- Server API keys for provisioning backends. Only the SHA-256 of a key is stored. created_by has no foreign key: keys
-- made by the `tanager admin api-key` command line record the all-zero id, which is no account.
CREATE TABLE api_keys (
    id         BLOB    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    key_hash   BLOB    NOT NULL UNIQUE,
    created_by BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
