-- The inbox: every update Telegram handed over, written down before its offset is confirmed,
-- so a kill -9 can lose none; it is handled from here, each chat in order. A handled update
-- keeps its row (without its content) for two days: that is how a redelivery is recognised.
-- Telegram reuses update ids, so a delivery is its id plus a fingerprint (chat, message, query).
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,      -- arrival order
    update_id   INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    chat_id     INTEGER,                  -- NULL for updates outside any chat
    payload     TEXT,                     -- the update as Telegram sent it; NULL once handled
    received_at TEXT NOT NULL,
    handled_at  TEXT
);
CREATE UNIQUE INDEX inbox_delivery ON inbox(update_id, fingerprint);
CREATE INDEX inbox_open ON inbox(id) WHERE handled_at IS NULL;
CREATE INDEX inbox_handled ON inbox(handled_at);

INSERT INTO inbox (update_id, fingerprint, received_at, handled_at)
    SELECT update_id, fingerprint, processed_at, processed_at FROM processed_updates;
DROP TABLE processed_updates;

-- The outbox: messages to send, written in the same transaction as what they confirm, so a
-- crash between the commit and the send delays a reply instead of losing it. Replies go
-- before bulk messages (reminders, announcements the CLI queues for the running bot).
CREATE TABLE outbox (
    -- Sending order within a chat and lane. AUTOINCREMENT: an id is never given out again,
    -- so "this message was sent" can never be mistaken for a newer message with its id.
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    lane       TEXT NOT NULL,             -- reply | bulk
    text       TEXT NOT NULL,             -- Telegram HTML
    keyboard   TEXT,                      -- JSON: rows of [label, callback data]
    created_at TEXT NOT NULL,
    not_before TEXT,                      -- bulk: not before this moment (UTC)
    attempts   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_lane ON outbox(lane, id);
