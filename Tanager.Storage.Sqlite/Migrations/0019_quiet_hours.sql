-- Quiet hours (issue 14): a person's daily window without notification email, stored as 'HH:mm HH:mm zone'
-- (QuietHours.ToString), or NULL for none.
ALTER TABLE notification_preferences ADD COLUMN quiet_hours TEXT;
