-- Notifications (issue 14): each person's email level ('all', 'mentions', 'none') and muted channels (comma-separated
-- ids), and the email notifier's one shared row: how far through the messages it has got and the key that signs
-- unsubscribe links. Both are keyed by user or by nothing, so under Citus they are reference tables like users.
-- Numbered 0016: 0015 is taken on the slash-commands branch.
CREATE TABLE notification_preferences (
    user_id        uuid NOT NULL PRIMARY KEY,
    email_level    text NOT NULL,
    muted_channels text NOT NULL
);
CREATE TABLE notification_state (
    id          integer NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor      uuid    NOT NULL,
    signing_key bytea   NOT NULL
);
-- The notifier reads new messages of every workspace in id order (under Citus, on every shard).
CREATE INDEX messages_by_id ON messages (id);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('notification_preferences');
        PERFORM create_reference_table('notification_state');
    END IF;
END
$$;
ALTER TABLE notification_preferences ADD FOREIGN KEY (user_id) REFERENCES users (id);
