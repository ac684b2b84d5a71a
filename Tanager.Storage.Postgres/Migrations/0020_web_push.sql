-- Web Push (issue 14): the browsers each person subscribed (the push service's endpoint and the keys the browser made
-- for encrypting to it, RFC 8291), and the push notifier's one shared row: how far through the messages it has got and
-- its VAPID private key (RFC 8292), made by the first node, so every node signs as the same application server.
-- Keyed by user or by nothing: reference tables under Citus, like notification_preferences.
CREATE TABLE web_push_subscriptions (
    id         uuid        NOT NULL PRIMARY KEY,
    user_id    uuid        NOT NULL,
    endpoint   text        NOT NULL,
    p256dh     bytea       NOT NULL,
    auth       bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT web_push_subscriptions_endpoint_key UNIQUE (endpoint)
);
CREATE INDEX web_push_subscriptions_by_user ON web_push_subscriptions (user_id, id);
CREATE TABLE web_push_state (
    id        integer NOT NULL,
    cursor    uuid    NOT NULL,
    vapid_key bytea   NOT NULL,
    CONSTRAINT web_push_state_pkey PRIMARY KEY (id),
    CONSTRAINT web_push_state_single_row CHECK (id = 1)
);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('web_push_subscriptions');
        PERFORM create_reference_table('web_push_state');
    END IF;
END
$$;
ALTER TABLE web_push_subscriptions ADD CONSTRAINT web_push_subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
