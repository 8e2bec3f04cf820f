-- Telegram reuses update ids (after a week without updates the next id is random, and another
-- bot token has its own ids), so an id alone cannot tell a redelivery from a new update.
ALTER TABLE processed_updates ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
