-- Single sign-on: identities at outside providers (OpenID Connect, GitHub) linked to users. Global like users: a Citus
-- reference table, so it may reference users and be read from any node. (provider, subject) is the identity: OpenID
-- Connect's sub is unique only within its issuer, and provider names the configured issuer. Exact comparison (text).
-- One-time sign-in codes and link tickets are rows in sessions (kinds 7 and 8), stored hashed like every credential.
CREATE TABLE external_logins (
    provider   text        NOT NULL,
    subject    text        NOT NULL,
    user_id    uuid        NOT NULL,
    email      text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (provider, subject)
);
-- A user's linked identities, oldest first.
CREATE INDEX external_logins_by_user ON external_logins (user_id, created_at);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('external_logins');
    END IF;
END
$$;
-- Added after distribution, as citus.sql's rules ask (reference table to reference table).
ALTER TABLE external_logins ADD FOREIGN KEY (user_id) REFERENCES users (id);
