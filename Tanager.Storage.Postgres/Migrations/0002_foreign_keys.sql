-- Added after distribution (Citus rejects a CREATE TABLE that references both a reference and a distributed table).
-- Distributed tables reference reference tables (users) and each other through workspace_id, never the reverse.
ALTER TABLE sessions ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE workspaces ADD FOREIGN KEY (owner_id) REFERENCES users (id);
ALTER TABLE workspace_members ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE workspace_members ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE channels ADD FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
ALTER TABLE channel_members ADD FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id);
ALTER TABLE channel_members ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE messages ADD FOREIGN KEY (workspace_id, channel_id) REFERENCES channels (workspace_id, id);
ALTER TABLE messages ADD FOREIGN KEY (author_id) REFERENCES users (id);
