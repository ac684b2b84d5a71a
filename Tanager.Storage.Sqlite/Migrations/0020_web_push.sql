-- Web Push (issue 14): the browsers each person subscribed (the push service's endpoint and the keys the browser made
-- for encrypting to it, RFC 8291), and the push notifier's one shared row: how far through the messages it has got and
-- its VAPID private key (RFC 8292), made by the first node, so every node signs as the same application server.
CREATE TABLE web_push_subscriptions (
    id         BLOB    NOT NULL PRIMARY KEY,
    user_id    BLOB    NOT NULL REFERENCES users (id),
    endpoint   TEXT    NOT NULL UNIQUE,
    p256dh     BLOB    NOT NULL,
    auth       BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_push_subscriptions_by_user ON web_push_subscriptions (user_id, id);
CREATE TABLE web_push_state (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    cursor    BLOB    NOT NULL,
    vapid_key BLOB    NOT NULL
);
