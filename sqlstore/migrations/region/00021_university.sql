-- +goose Up
-- Seller University: what each account did with the courses (package
-- university; the courses themselves ship in the binary). An account holds
-- at most one certificate per course.
CREATE TABLE university_lessons_done (
    account_id TEXT NOT NULL,
    course_id  TEXT NOT NULL,
    lesson_id  TEXT NOT NULL,
    done_at    {{TIMESTAMP}} NOT NULL,
    PRIMARY KEY (account_id, course_id, lesson_id)
);

CREATE TABLE university_attempts (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    course_id     TEXT NOT NULL,
    right_answers INTEGER NOT NULL,
    questions     INTEGER NOT NULL CHECK (questions > 0 AND right_answers BETWEEN 0 AND questions),
    passed        BOOLEAN NOT NULL,
    at            {{TIMESTAMP}} NOT NULL
);
CREATE INDEX university_attempts_account ON university_attempts (account_id, course_id, at);

CREATE TABLE university_certificates (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL,
    holder_name    TEXT NOT NULL,
    course_id      TEXT NOT NULL,
    course_title   TEXT NOT NULL,
    course_version INTEGER NOT NULL,
    score_percent  INTEGER NOT NULL,
    issued_at      {{TIMESTAMP}} NOT NULL,
    UNIQUE (account_id, course_id)
);

-- +goose Down
DROP TABLE university_certificates;
DROP TABLE university_attempts;
DROP TABLE university_lessons_done;
