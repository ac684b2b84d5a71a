-- Direct and group messages are channels. As in the SQLite schema, their kind column says 'private' (anything that
-- knows only public and private treats them as members-only) and dm_kind says what they are. dm_key is the sorted
-- pair of a direct message; its unique index includes workspace_id (Citus: every unique index of a distributed table
-- holds the distribution column) and keeps one direct message per pair when both people open it at the same moment.
-- The constraint is named (PostgreSQL's own name for it, so databases migrated before are alike): Citus refuses an
-- unnamed CHECK in ADD COLUMN on a distributed table.
ALTER TABLE channels ADD COLUMN dm_kind text CONSTRAINT channels_dm_kind_check CHECK (dm_kind IN ('direct', 'group'));
ALTER TABLE channels ADD COLUMN dm_key text;
CREATE UNIQUE INDEX channels_dm_key ON channels (workspace_id, dm_key) WHERE dm_key IS NOT NULL;
