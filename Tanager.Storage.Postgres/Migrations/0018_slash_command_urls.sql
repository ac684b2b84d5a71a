-- Slash commands routed to a URL (issue 14): a command is answered by a bot (bot_user_id) or POSTed to a URL (url),
-- exactly one of the two. No new table: Citus applies these to the distributed table's shards (citus.sql's rules hold).
ALTER TABLE slash_commands ALTER COLUMN bot_user_id DROP NOT NULL;
ALTER TABLE slash_commands ADD COLUMN url text;
ALTER TABLE slash_commands ADD CONSTRAINT slash_commands_bot_or_url CHECK ((bot_user_id IS NULL) <> (url IS NULL));
