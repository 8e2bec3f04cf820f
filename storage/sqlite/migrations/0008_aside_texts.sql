-- Texts kept aside: what a colleague typed where it was no answer (the review was shown, the
-- themes were being picked, the answers were final, an edited message no longer gave one).
-- Nothing typed is thrown away: it waits here until the colleague says where it belongs.
CREATE TABLE aside_texts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    text           TEXT NOT NULL,
    chat_id        INTEGER,
    message_id     INTEGER,
    created_at     TEXT NOT NULL,
    placed_at      TEXT
);
CREATE INDEX aside_waiting ON aside_texts(participant_id) WHERE placed_at IS NULL;
