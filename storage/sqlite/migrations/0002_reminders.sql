-- Reminders: per-round switch, per-colleague pause/snooze/unreachable, and durable claims.
ALTER TABLE rounds ADD COLUMN reminders_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE participants ADD COLUMN paused_until TEXT;      -- ISO date, inclusive
ALTER TABLE participants ADD COLUMN snoozed_until TEXT;     -- ISO datetime (UTC)
ALTER TABLE participants ADD COLUMN unreachable_at TEXT;    -- set when Telegram says 403

-- A reminder slot is claimed here before it is sent: the primary key makes sending twice
-- impossible, across restarts and across two bot processes on one database.
CREATE TABLE reminder_claims (
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    slot_key       TEXT NOT NULL,
    claimed_at     TEXT NOT NULL,
    outcome        TEXT NOT NULL,         -- claimed | sent | superseded | unreachable | failed
    PRIMARY KEY (participant_id, slot_key)
);
