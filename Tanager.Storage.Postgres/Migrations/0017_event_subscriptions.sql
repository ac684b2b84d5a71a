-- Outgoing webhooks (issue 14): a workspace's events POSTed to a URL, signed with the subscription's secret (kept as
-- is: the server signs with it). events and channel_ids are comma-separated; no channel_ids means every channel the
-- owner can see. event_deliveries is the durable queue: one row per event per subscription, deleted once delivered,
-- dead letters keep dead_at; channel_id is the ordering key (all zeros for workspace events). Both are distributed by
-- workspace_id and colocated with workspaces; every statement but the worker's scan for due deliveries names the
-- workspace, so it is routed to one shard.
CREATE TABLE event_subscriptions (
    workspace_id uuid        NOT NULL,
    id           uuid        NOT NULL,
    owner_id     uuid        NOT NULL,
    url          text        NOT NULL,
    events       text        NOT NULL,
    channel_ids  text        NOT NULL,
    secret       bytea       NOT NULL,
    created_by   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE TABLE event_deliveries (
    workspace_id    uuid        NOT NULL,
    id              uuid        NOT NULL,
    subscription_id uuid        NOT NULL,
    channel_id      uuid        NOT NULL,
    sequence        bigint      NOT NULL,
    event_type      text        NOT NULL,
    body            bytea       NOT NULL,
    attempts        integer     NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    dead_at         timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX event_deliveries_by_order ON event_deliveries (workspace_id, subscription_id, channel_id, sequence, id) WHERE dead_at IS NULL;
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE dead_at IS NULL;
-- How far each subscription's message deliveries of a channel were queued: the highest message sequence whose creation
-- was queued, moved in the transaction that queues the delivery (issue 14; see IEventSubscriptionStore).
CREATE TABLE event_message_cursors (
    workspace_id    uuid   NOT NULL,
    subscription_id uuid   NOT NULL,
    channel_id      uuid   NOT NULL,
    sequence        bigint NOT NULL,
    PRIMARY KEY (workspace_id, subscription_id, channel_id)
);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('event_subscriptions', 'workspace_id', colocate_with => 'workspaces');
        PERFORM create_distributed_table('event_deliveries', 'workspace_id', colocate_with => 'workspaces');
        PERFORM create_distributed_table('event_message_cursors', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
-- Added after distribution, as citus.sql's rules ask (colocated workspaces; users is a reference table).
ALTER TABLE event_subscriptions ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE event_subscriptions ADD FOREIGN KEY (owner_id) REFERENCES users (id);
ALTER TABLE event_deliveries ADD FOREIGN KEY (workspace_id, subscription_id) REFERENCES event_subscriptions (workspace_id, id) ON DELETE CASCADE;
ALTER TABLE event_message_cursors ADD FOREIGN KEY (workspace_id, subscription_id) REFERENCES event_subscriptions (workspace_id, id) ON DELETE CASCADE;
