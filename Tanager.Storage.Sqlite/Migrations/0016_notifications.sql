-- Notifications (issue 14): each person's email level ('all', 'mentions', 'none') and muted channels (comma-separated
-- ids), and the email notifier's one shared row: how far through the messages it has got and the key that signs
-- unsubscribe links. Numbered 0016: 0015 is taken on the slash-commands branch.
CREATE TABLE notification_preferences (
    user_id        BLOB NOT NULL PRIMARY KEY REFERENCES users (id),
    email_level    TEXT NOT NULL,
    muted_channels TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE notification_state (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor      BLOB    NOT NULL,
    signing_key BLOB    NOT NULL
);
-- The notifier reads new messages of every workspace in id order.
CREATE INDEX messages_by_id ON messages (id);
