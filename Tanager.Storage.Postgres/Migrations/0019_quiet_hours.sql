-- Quiet hours (issue 14): a person's daily window without notification email, stored as 'HH:mm HH:mm zone'
-- (QuietHours.ToString), or NULL for none. A column on a reference table: Citus applies it on every node.
ALTER TABLE notification_preferences ADD COLUMN quiet_hours text;
