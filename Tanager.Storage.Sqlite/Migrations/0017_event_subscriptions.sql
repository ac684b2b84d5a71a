-- Outgoing webhooks (issue 14): a workspace's events POSTed to a URL, signed with the subscription's secret (kept as
-- is: the server signs with it). events and channel_ids are comma-separated; no channel_ids means every channel the
-- owner can see.
CREATE TABLE event_subscriptions (
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id),
    id           BLOB    NOT NULL,
    owner_id     BLOB    NOT NULL REFERENCES users (id),
    url          TEXT    NOT NULL,
    events       TEXT    NOT NULL,
    channel_ids  TEXT    NOT NULL,
    secret       BLOB    NOT NULL,
    created_by   BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
) WITHOUT ROWID;
-- The durable delivery queue: one row per event per subscription, deleted once delivered; dead letters keep dead_at.
-- channel_id is the ordering key (an all-zero id for workspace events), sequence the channel's change sequence.
CREATE TABLE event_deliveries (
    workspace_id    BLOB    NOT NULL,
    id              BLOB    NOT NULL,
    subscription_id BLOB    NOT NULL,
    channel_id      BLOB    NOT NULL,
    sequence        INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    dead_at         INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, subscription_id) REFERENCES event_subscriptions (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- The worker's question, "the first live delivery of each subscription and channel", walks this index.
CREATE INDEX event_deliveries_by_order ON event_deliveries (workspace_id, subscription_id, channel_id, sequence, id) WHERE dead_at IS NULL;
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE dead_at IS NULL;
-- How far each subscription's message deliveries of a channel were queued (issue 14): the highest message sequence whose
-- creation was queued. A send moves it in the transaction that queues the delivery, and first queues the channel's
-- messages between it and the new one that are not queued yet (committed, then a crash before queueing).
CREATE TABLE event_message_cursors (
    workspace_id    BLOB    NOT NULL,
    subscription_id BLOB    NOT NULL,
    channel_id      BLOB    NOT NULL,
    sequence        INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, subscription_id, channel_id),
    FOREIGN KEY (workspace_id, subscription_id) REFERENCES event_subscriptions (workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
