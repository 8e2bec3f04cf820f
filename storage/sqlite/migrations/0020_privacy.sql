-- Privacy by design: a round is closed, and later purged (its personal data erased, anonymous
-- counts kept); withdrawing erases a colleague's input; what coordinators do to it is recorded.
ALTER TABLE rounds ADD COLUMN closed_at TEXT;        -- nobody answers or edits after this
ALTER TABLE rounds ADD COLUMN retention_days INTEGER; -- purged this many days after closing
ALTER TABLE rounds ADD COLUMN purged_at TEXT;        -- names, ids and answers erased
ALTER TABLE rounds ADD COLUMN kept_colleagues INTEGER; -- after a purge: how many took part
ALTER TABLE rounds ADD COLUMN kept_submitted INTEGER;  -- ... and how many of them submitted

ALTER TABLE participants ADD COLUMN withdrawn_at TEXT;

-- What is left of a purged round: per theme and question, how many answered. Nobody's name.
CREATE TABLE kept_counts (
    round_id     INTEGER NOT NULL REFERENCES rounds(id),
    theme_key    TEXT NOT NULL,
    question_key TEXT NOT NULL,
    answers      INTEGER NOT NULL,
    PRIMARY KEY (round_id, theme_key, question_key)
);

-- The audit trail: who withdrew, closed or purged what, when. A purge keeps the action and
-- the role of each entry of its round and erases who it was about and who did it.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES rounds(id),
    at             TEXT NOT NULL,
    action         TEXT NOT NULL,         -- withdraw | withdraw_self | close | purge | retention
    role           TEXT NOT NULL,         -- coordinator | colleague | command_line | bot
    actor_user_id  INTEGER,               -- a Telegram user (chat), else NULL
    actor_name     TEXT,                  -- their name, or the login name on the command line
    subject_name   TEXT,                  -- whom it was about (a withdrawn colleague)
    subject_invite INTEGER,               -- their invite number (#12)
    detail         TEXT NOT NULL DEFAULT '{}'  -- JSON: numbers (answers erased, colleagues told)
);
CREATE INDEX audit_log_round ON audit_log(round_id, id);
