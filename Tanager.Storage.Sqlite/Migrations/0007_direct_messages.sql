-- Direct and group messages are channels. Their kind column says 'private' (changing the CHECK on kind would mean
-- rebuilding the table that messages refer to), so anything that knows only public and private treats them as
-- members-only; dm_kind says what they are. dm_key is the sorted pair of a direct message, unique per workspace:
-- it is what keeps one direct message per pair when both people open it at the same moment.
ALTER TABLE channels ADD COLUMN dm_kind TEXT CHECK (dm_kind IN ('direct', 'group'));
ALTER TABLE channels ADD COLUMN dm_key TEXT;
CREATE UNIQUE INDEX channels_dm_key ON channels (workspace_id, dm_key) WHERE dm_key IS NOT NULL;
