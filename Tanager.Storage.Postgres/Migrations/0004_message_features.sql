-- Pins, reactions and threads. Every change of a message takes its channel's next sequence number (channels.last_sequence)
-- as the message's change_sequence; reply counts are derived from the replies when read, never stored on the parent.
ALTER TABLE messages ADD COLUMN pinned_at timestamptz;
ALTER TABLE messages ADD COLUMN pinned_by uuid;
CREATE INDEX messages_thread ON messages (workspace_id, thread_id, sequence) WHERE thread_id IS NOT NULL;
CREATE INDEX messages_pins ON messages (workspace_id, channel_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- created_at orders the users of one emoji, and the emoji of one message by their first use.
CREATE TABLE message_reactions (
    workspace_id uuid        NOT NULL,
    message_id   uuid        NOT NULL,
    emoji        text        NOT NULL,
    user_id      uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, message_id, emoji, user_id)
);
CREATE INDEX message_reactions_by_user ON message_reactions (workspace_id, user_id, message_id);

-- A row records a choice: following = false is an explicit unfollow, which automatic follows do not override.
CREATE TABLE thread_follows (
    workspace_id uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    thread_id    uuid        NOT NULL,
    channel_id   uuid        NOT NULL,
    following    boolean     NOT NULL,
    followed_at  timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id, thread_id)
);

-- Under Citus: distribute the new tables by workspace_id with the rest (ARCHITECTURE §2), then add the foreign keys.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_distributed_table('message_reactions', 'workspace_id', colocate_with => 'workspaces');
        PERFORM create_distributed_table('thread_follows', 'workspace_id', colocate_with => 'workspaces');
    END IF;
END
$$;
ALTER TABLE message_reactions ADD FOREIGN KEY (workspace_id, message_id) REFERENCES messages (workspace_id, id);
ALTER TABLE message_reactions ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE thread_follows ADD FOREIGN KEY (workspace_id, thread_id) REFERENCES messages (workspace_id, id);
ALTER TABLE thread_follows ADD FOREIGN KEY (user_id) REFERENCES users (id);
