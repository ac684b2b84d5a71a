-- Sign-in security (issue 12): authenticators for two-factor sign-in, their one-use recovery codes, and the security
-- audit log.
-- secret is the TOTP secret in base32, kept as it is: the server computes codes from it at every sign-in, so a hash would
-- not do, and the server has no key of its own to encrypt it with (see docs/security.md). enabled_at is NULL while
-- enrolment waits for its first code. last_used_step is the last 30-second step whose code was accepted (RFC 6238 §5.2).
CREATE TABLE two_factor (
    user_id        BLOB    NOT NULL PRIMARY KEY REFERENCES users (id),
    secret         TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    enabled_at     INTEGER,
    last_used_step INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Only the SHA-256 of each code (80 random bits): a code is used by deleting its row.
CREATE TABLE two_factor_recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id),
    code_hash BLOB NOT NULL,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- Rows are only added. No foreign keys: an event names an account that may be unknown (a login for an unknown email has
-- none), and the command line acts as the all-zero id, which is no account. Newest first is id order (ULIDs).
CREATE TABLE audit_events (
    id          BLOB    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    actor_id    BLOB,
    user_id     BLOB,
    ip_address  TEXT,
    user_agent  TEXT,
    detail      TEXT
) WITHOUT ROWID;
CREATE INDEX audit_events_by_user ON audit_events (user_id, id) WHERE user_id IS NOT NULL;
