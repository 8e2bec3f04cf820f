-- Coordinators who joined through an invite, their active round, and partner merges per round.
CREATE TABLE coordinators (
    user_id         INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    name            TEXT NOT NULL,
    active_round_id INTEGER REFERENCES rounds(id),
    invite_id       INTEGER REFERENCES invites(id),
    joined_at       TEXT NOT NULL
);

CREATE TABLE partner_merges (
    round_id   INTEGER NOT NULL REFERENCES rounds(id),
    alias      TEXT NOT NULL,             -- normalised partner name
    canonical  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (round_id, alias)
);
