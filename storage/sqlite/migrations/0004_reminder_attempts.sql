-- How often a reminder slot was tried: a send that failed (network, flood control) is tried
-- again at a later check, but only a few times, so a chat that always fails cannot loop.
ALTER TABLE reminder_claims ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
