-- Identity: account kinds (people and bots), host/provisioning identities, server administrators, deactivation; stored
-- credentials of several kinds (logins, bot tokens, gateway tickets) with ids, scopes and last use; server API keys.
-- users, sessions and api_keys are global (Citus reference tables). Enum columns hold the C# enum's number (UserKind,
-- CredentialKind) and carry no CHECK, as in the SQLite schema, so that a new kind needs no migration.
ALTER TABLE users ADD COLUMN kind smallint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN owner_id uuid;
ALTER TABLE users ADD COLUMN external_id text;
ALTER TABLE users ADD COLUMN is_server_admin boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
ALTER TABLE users ADD FOREIGN KEY (owner_id) REFERENCES users (id);
-- External ids are compared exactly and unique when present (a reference table may have any unique index).
CREATE UNIQUE INDEX users_external_id ON users (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_bots ON users (owner_id, id) WHERE owner_id IS NOT NULL;

-- sessions keeps token_hash as its primary key (every request looks a credential up by it); id names a credential for
-- listing and revocation. Existing rows get a ULID-shaped id: 6 bytes of their creation time in Unix milliseconds (so
-- newest-first by id still holds for them), then 10 bytes of the SHA-256 of their token hash. The UPDATE uses only
-- immutable functions on purpose: Citus rejects volatile functions (gen_random_uuid) in an UPDATE, and STABLE ones
-- called with column references (extract from a timestamptz), which is why the epoch comes from an interval.
ALTER TABLE sessions ADD COLUMN id uuid;
ALTER TABLE sessions ADD COLUMN kind smallint NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN name text;
-- NULL grants every scope, '{}' none.
ALTER TABLE sessions ADD COLUMN scopes text[];
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
ALTER TABLE sessions ADD COLUMN user_agent text;
-- text, not inet: kept exactly as the server saw it.
ALTER TABLE sessions ADD COLUMN ip_address text;
-- The session or token a gateway ticket was issued under. No foreign key: revoking the parent must not be blocked by
-- its tickets (the service revokes them with it).
ALTER TABLE sessions ADD COLUMN parent_id uuid;
UPDATE sessions SET
    id = encode(
        substring(int8send(floor(extract(epoch FROM (created_at - timestamptz '1970-01-01 00:00:00+00')) * 1000)::bigint) FROM 3 FOR 6)
            || substring(sha256(token_hash) FROM 1 FOR 10),
        'hex')::uuid,
    last_used_at = created_at;
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
ALTER TABLE sessions ALTER COLUMN last_used_at SET NOT NULL;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
-- A user's credentials of one kind, newest first; also serves "every credential of this user".
CREATE INDEX sessions_by_user ON sessions (user_id, kind, id);
-- The purge: anything past its expiry, and logins idle too long.
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_idle_logins ON sessions (last_used_at) WHERE kind = 0;

-- Server API keys for provisioning backends. Only the SHA-256 of a key is stored. Created here, after citus.sql ran
-- (it runs once, after 0001), so a Citus database makes it a reference table here. created_by has no foreign key:
-- keys made by the `tanager admin api-key` command line record the all-zero id, which is no account.
CREATE TABLE api_keys (
    id         uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    key_hash   bytea       NOT NULL UNIQUE,
    created_by uuid        NOT NULL,
    created_at timestamptz NOT NULL
);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('api_keys');
    END IF;
END
$$;
