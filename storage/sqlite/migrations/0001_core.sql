-- Rounds, invites, participants and their answers with the history of every edit.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    template_json TEXT NOT NULL,          -- snapshot: editing the file never changes the round
    deadline      TEXT,                   -- ISO date, last day to answer
    created_at    TEXT NOT NULL
);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES rounds(id),
    token_hash  TEXT NOT NULL UNIQUE,     -- sha256 of the token; the token itself is never stored
    name        TEXT NOT NULL,
    theme_keys  TEXT NOT NULL,            -- JSON list
    coordinator INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER
);

CREATE TABLE participants (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES rounds(id),
    invite_id       INTEGER NOT NULL UNIQUE REFERENCES invites(id),
    user_id         INTEGER NOT NULL,
    chat_id         INTEGER NOT NULL,
    name            TEXT NOT NULL,
    language        TEXT NOT NULL,
    mode            TEXT NOT NULL,
    cursor_theme    TEXT,
    cursor_question TEXT,
    submitted_at    TEXT,
    joined_at       TEXT NOT NULL,
    last_active_at  TEXT NOT NULL,
    withdrawn       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (round_id, user_id)
);
CREATE INDEX participants_user ON participants(user_id, last_active_at);

CREATE TABLE assignments (
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    theme_key      TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (participant_id, theme_key)
);

CREATE TABLE answers (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    theme_key      TEXT NOT NULL,
    question_key   TEXT NOT NULL,
    parts          TEXT NOT NULL,         -- JSON list: one item per message that makes up the answer
    text           TEXT NOT NULL,         -- the parts joined by newlines
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (participant_id, theme_key, question_key)
);

CREATE TABLE answer_versions (
    id         INTEGER PRIMARY KEY,
    answer_id  INTEGER NOT NULL REFERENCES answers(id),
    text       TEXT NOT NULL,
    source     TEXT NOT NULL,             -- answer | append | edit | choice
    created_at TEXT NOT NULL
);
CREATE INDEX answer_versions_answer ON answer_versions(answer_id);

-- Which Telegram message gave which part of an answer, so an edited message updates it.
CREATE TABLE answer_messages (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    answer_id  INTEGER NOT NULL REFERENCES answers(id),
    part       INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- Updates already handled: Telegram redelivers those whose offset was not confirmed before a crash.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);
