"""Named, versioned schema migrations, recorded in ``schema_migrations``.

Each migration has portable SQL (run on every back end) plus optional dialect-specific SQL (full-text
search differs: FTS5 on SQLite, tsvector on PostgreSQL). Migrations only ever append: a released
migration is never edited, a change is a new migration.

Column names avoid words reserved in PostgreSQL (``end``, ``user``, ``offset``) so one schema serves both.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    sql: str
    sqlite: str = ""
    postgres: str = ""

    def statements(self, dialect: str) -> list[str]:
        extra = {"sqlite": self.sqlite, "postgres": self.postgres}[dialect]
        return split_sql(self.sql + ";\n" + extra)


def split_sql(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (``BEGIN ... END``) whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip().rstrip(";").strip()
            if statement:
                statements.append(statement)
            buffer = ""
    if buffer.strip(" ;\n"):
        statements.append(buffer.strip().rstrip(";"))
    return statements


_INITIAL = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    url TEXT,
    outlet TEXT,
    title TEXT,
    author TEXT,
    published TEXT,
    date_source TEXT,
    language TEXT,
    text TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    source TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_language ON articles (language);
CREATE INDEX articles_ingested ON articles (ingested_at, id);
CREATE TABLE article_sources (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, source)
);
CREATE INDEX article_sources_source ON article_sources (source);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inputs TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL
);
CREATE TABLE ingest_errors (
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    run_id TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (source, reason)
);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL
);
CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_alias ON entity_aliases (alias);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (article_id, start_char, end_char)
);
CREATE INDEX mentions_entity ON mentions (entity_id);
CREATE TABLE statements (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    speaker TEXT NOT NULL,
    speaker_entity_id TEXT REFERENCES entities (id) ON DELETE SET NULL,
    speaker_name TEXT,
    role TEXT,
    cue TEXT NOT NULL,
    content TEXT NOT NULL,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    cue_start INTEGER NOT NULL,
    cue_end INTEGER NOT NULL,
    speaker_start INTEGER,
    speaker_end INTEGER,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    stance TEXT
);
CREATE INDEX statements_article ON statements (article_id);
CREATE INDEX statements_speaker ON statements (speaker_entity_id);
CREATE INDEX entities_name ON entities (name);
CREATE TABLE enrichments (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    pipeline TEXT NOT NULL,
    enriched_at TEXT NOT NULL
);
CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
CREATE TABLE claim_statements (
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    statement_id TEXT NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    score REAL,
    PRIMARY KEY (claim_id, statement_id)
);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
CREATE TABLE story_articles (
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, article_id)
);
CREATE TABLE narratives (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    first_seen TEXT
);
CREATE TABLE narrative_claims (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    PRIMARY KEY (narrative_id, claim_id)
)
"""

_SQLITE_FTS = """
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END
"""

MIGRATIONS: tuple[Migration, ...] = (Migration("0001_initial", _INITIAL, sqlite=_SQLITE_FTS),)
