-- Pins, reactions and threads. Every change of a message takes its channel's next sequence number (channels.last_sequence)
-- as the message's change_sequence; reply counts are derived from the replies when read, never stored on the parent.
ALTER TABLE messages ADD COLUMN pinned_at INTEGER;
ALTER TABLE messages ADD COLUMN pinned_by BLOB;
CREATE INDEX messages_thread ON messages (workspace_id, thread_id, sequence) WHERE thread_id IS NOT NULL;
CREATE INDEX messages_pins ON messages (workspace_id, channel_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- created_at orders the users of one emoji, and the emoji of one message by their first use.
CREATE TABLE message_reactions (
    workspace_id BLOB    NOT NULL,
    message_id   BLOB    NOT NULL,
    emoji        TEXT    NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, message_id, emoji, user_id),
    FOREIGN KEY (workspace_id, message_id) REFERENCES messages (workspace_id, id)
) WITHOUT ROWID;
CREATE INDEX message_reactions_by_user ON message_reactions (workspace_id, user_id, message_id);

-- A row records a choice: following = 0 is an explicit unfollow, which automatic follows do not override.
CREATE TABLE thread_follows (
    workspace_id BLOB    NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id),
    thread_id    BLOB    NOT NULL,
    channel_id   BLOB    NOT NULL,
    following    INTEGER NOT NULL,
    followed_at  INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id, thread_id),
    FOREIGN KEY (workspace_id, thread_id) REFERENCES messages (workspace_id, id)
) WITHOUT ROWID;
