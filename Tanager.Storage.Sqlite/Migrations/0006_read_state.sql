-- What each member has read in each channel. Unread and mention counts are computed from messages, so they always
-- agree with edits and deletes.
CREATE TABLE read_states (
    workspace_id       BLOB    NOT NULL,
    channel_id         BLOB    NOT NULL,
    user_id            BLOB    NOT NULL,
    last_read_sequence INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, channel_id, user_id)
) WITHOUT ROWID;
