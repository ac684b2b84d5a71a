-- Images: the displayed size read when the message is posted (null for other files), and the thumbnail the worker
-- makes (thumbnail_state 0 none, 1 pending, 2 ready, 3 failed; thumbnail_claimed_at marks the worker making it).
ALTER TABLE attachments ADD COLUMN width integer;
ALTER TABLE attachments ADD COLUMN height integer;
ALTER TABLE attachments ADD COLUMN thumbnail_state integer NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN thumbnail_width integer;
ALTER TABLE attachments ADD COLUMN thumbnail_height integer;
ALTER TABLE attachments ADD COLUMN thumbnail_claimed_at timestamptz;
-- The worker reads only the few pending rows.
CREATE INDEX attachments_thumbnail_pending ON attachments (id) WHERE thumbnail_state = 1;
