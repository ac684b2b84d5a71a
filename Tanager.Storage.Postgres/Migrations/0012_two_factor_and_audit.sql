-- Sign-in security (issue 12): authenticators for two-factor sign-in, their one-use recovery codes, and the security
-- audit log. All three are global like users (Citus reference tables), created after citus.sql ran, so a Citus database
-- makes them reference tables here; their foreign keys to users are added after that, in the order a Citus cluster needs.
-- secret is the TOTP secret in base32, kept as it is: the server computes codes from it at every sign-in, so a hash would
-- not do, and the server has no key of its own to encrypt it with (see docs/security.md). enabled_at is NULL while
-- enrolment waits for its first code. last_used_step is the last 30-second step whose code was accepted (RFC 6238 §5.2).
CREATE TABLE two_factor (
    user_id        uuid        NOT NULL PRIMARY KEY,
    secret         text        NOT NULL,
    created_at     timestamptz NOT NULL,
    enabled_at     timestamptz,
    last_used_step bigint      NOT NULL DEFAULT 0
);

-- Only the SHA-256 of each code (80 random bits): a code is used by deleting its row.
CREATE TABLE two_factor_recovery_codes (
    user_id   uuid  NOT NULL,
    code_hash bytea NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Rows are only added. No foreign keys: an event names an account that may be unknown (a login for an unknown email has
-- none), and the command line acts as the all-zero id, which is no account. Newest first is id order (ULIDs).
CREATE TABLE audit_events (
    id          uuid        NOT NULL PRIMARY KEY,
    kind        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor_id    uuid,
    user_id     uuid,
    ip_address  text,
    user_agent  text,
    detail      text
);
CREATE INDEX audit_events_by_user ON audit_events (user_id, id) WHERE user_id IS NOT NULL;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('two_factor');
        PERFORM create_reference_table('two_factor_recovery_codes');
        PERFORM create_reference_table('audit_events');
        -- Foreign keys added in the transaction that distributed the tables need sequential mode (ARCHITECTURE §2).
        PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    END IF;
END
$$;
ALTER TABLE two_factor ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE two_factor_recovery_codes ADD FOREIGN KEY (user_id) REFERENCES users (id);
