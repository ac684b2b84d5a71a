-- Single sign-on: identities at outside providers (OpenID Connect, GitHub) linked to users. (provider, subject) is the
-- identity: OpenID Connect's sub is unique only within its issuer, and provider names the configured issuer. Exact
-- comparison (BINARY collation). One-time sign-in codes and link tickets are rows in sessions (kinds 7 and 8).
CREATE TABLE external_logins (
    provider   TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    user_id    BLOB    NOT NULL REFERENCES users (id),
    email      TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
) WITHOUT ROWID;
-- A user's linked identities, oldest first.
CREATE INDEX external_logins_by_user ON external_logins (user_id, created_at);
