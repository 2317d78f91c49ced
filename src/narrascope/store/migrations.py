"""Named, versioned schema migrations, recorded in ``schema_migrations``.

Each migration has portable SQL (run on every back end) plus optional dialect-specific SQL (full-text
search differs: FTS5 on SQLite, tsvector on PostgreSQL). Migrations only ever append: a released
migration is never edited, a change is a new migration.

Column names avoid words reserved in PostgreSQL (``end``, ``user``, ``offset``) so one schema serves both.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

# SQLite's types as PostgreSQL spells them: REAL is 8 bytes in SQLite, 4 in PostgreSQL
_POSTGRES_TYPES = {"BLOB": "BYTEA", "REAL": "DOUBLE PRECISION"}


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    sql: str
    sqlite: str = ""
    postgres: str = ""

    def statements(self, dialect: str) -> list[str]:
        extra = {"sqlite": self.sqlite, "postgres": self.postgres}[dialect]
        portable = self.sql
        if dialect == "postgres":
            portable = re.sub(r"\b(BLOB|REAL)\b", lambda m: _POSTGRES_TYPES[m[1]], portable)
        return split_sql(portable + ";\n" + extra)


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

# The link stage's tables. 0001 held empty placeholders for claims, stories and narratives that nothing
# ever wrote; they are replaced by the real ones. ``seq`` columns are the integer keys of the vector
# indexes (usearch files beside the database, rebuilt from the ``vector`` columns when out of step).
_LINK = """
DROP TABLE narrative_claims;
DROP TABLE narratives;
DROP TABLE story_articles;
DROP TABLE stories;
DROP TABLE claim_statements;
DROP TABLE claims;
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    article_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stories_last_seen ON stories (last_seen);
CREATE TABLE article_links (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL UNIQUE,
    pipeline TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    signature BLOB NOT NULL,
    vector BLOB NOT NULL,
    copy_of TEXT,
    copy_score REAL,
    story_id TEXT REFERENCES stories (id) ON DELETE SET NULL,
    story_score REAL
);
CREATE INDEX article_links_copy_of ON article_links (copy_of);
CREATE INDEX article_links_story ON article_links (story_id);
CREATE TABLE article_bands (
    band INTEGER NOT NULL,
    bucket BIGINT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article_id)
);
CREATE INDEX article_bands_article ON article_bands (article_id);
CREATE TABLE media_citations (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    outlet TEXT NOT NULL,
    cue TEXT NOT NULL,
    text_start INTEGER NOT NULL,
    text_end INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    PRIMARY KEY (article_id, text_start)
);
CREATE INDEX media_citations_outlet ON media_citations (outlet);
CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    statement_id TEXT REFERENCES statements (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    text_start INTEGER NOT NULL,
    text_end INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    speaker TEXT,
    speaker_entity_id TEXT REFERENCES entities (id) ON DELETE SET NULL,
    stance TEXT NOT NULL,
    frames TEXT NOT NULL,
    entity_ids TEXT NOT NULL,
    place_ids TEXT NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX claims_article ON claims (article_id);
CREATE INDEX claims_statement ON claims (statement_id);
CREATE TABLE narratives (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    label_claim_id TEXT,
    frame TEXT,
    first_seen TEXT,
    last_seen TEXT,
    claim_count INTEGER NOT NULL DEFAULT 0,
    article_count INTEGER NOT NULL DEFAULT 0,
    outlet_count INTEGER NOT NULL DEFAULT 0,
    story_count INTEGER NOT NULL DEFAULT 0,
    denial_count INTEGER NOT NULL DEFAULT 0,
    recurring INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX narratives_recurring ON narratives (recurring, article_count);
CREATE INDEX narratives_frame ON narratives (frame);
CREATE TABLE narrative_claims (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    stance TEXT NOT NULL,
    score REAL NOT NULL,
    via TEXT NOT NULL,
    PRIMARY KEY (narrative_id, claim_id)
);
CREATE INDEX narrative_claims_claim ON narrative_claims (claim_id);
CREATE TABLE narrative_places (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    place_id TEXT NOT NULL,
    PRIMARY KEY (narrative_id, place_id)
);
CREATE INDEX narrative_places_place ON narrative_places (place_id);
CREATE TABLE watch_items (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    url TEXT,
    countries TEXT NOT NULL,
    keywords TEXT NOT NULL,
    languages TEXT NOT NULL,
    outlets TEXT NOT NULL,
    rating TEXT,
    claimant TEXT,
    reviewer TEXT,
    frames TEXT NOT NULL,
    places TEXT NOT NULL,
    vector BLOB NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE watch_frames (
    frame TEXT NOT NULL,
    item_id TEXT NOT NULL REFERENCES watch_items (id) ON DELETE CASCADE,
    PRIMARY KEY (frame, item_id)
);
CREATE TABLE watch_matches (
    item_id TEXT NOT NULL REFERENCES watch_items (id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    score REAL NOT NULL,
    stance TEXT NOT NULL,
    via TEXT NOT NULL,
    matched_at TEXT NOT NULL,
    PRIMARY KEY (item_id, claim_id)
);
CREATE INDEX watch_matches_article ON watch_matches (article_id);
CREATE INDEX watch_matches_matched ON watch_matches (matched_at);
CREATE TABLE watch_runs (
    id TEXT PRIMARY KEY,
    run_at TEXT NOT NULL,
    matches INTEGER NOT NULL
)
"""

# The PostgreSQL back end. Case-insensitive lookups compare LOWER() on both back ends, indexed here.
# PostgreSQL has no rowid: ``ingest_order`` numbers articles as they are stored. Its full-text search is
# a generated tsvector (configuration ``simple``, like FTS5's unicode61) over at most 150,000 characters,
# which keeps any article under PostgreSQL's 1 MB tsvector limit. ``store_meta.instance`` names this
# database, so that vector index caches (kept outside it) are never taken from another one.
_LOWER_INDEXES = """
CREATE INDEX articles_outlet_lower ON articles (LOWER(outlet));
CREATE INDEX entities_name_lower ON entities (LOWER(name));
CREATE INDEX entity_aliases_alias_lower ON entity_aliases (LOWER(alias))
"""

_POSTGRES = """
ALTER TABLE articles ADD COLUMN ingest_order BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX articles_ingest_order ON articles (ingest_order);
ALTER TABLE articles ADD COLUMN search_text TSVECTOR GENERATED ALWAYS AS
    (to_tsvector('simple'::regconfig, LEFT(COALESCE(title, '') || ' ' || text, 150000))) STORED;
CREATE INDEX articles_search_text ON articles USING GIN (search_text);
CREATE TABLE store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_meta (name, value) VALUES ('instance', gen_random_uuid()::text)
"""

# Work queues: what enrich and link have still to do. A run takes its next batch from these small tables
# by index, so its cost does not grow with the stored articles (scanning `articles` for the ones not yet
# enriched or linked took 9.8 ms per linked article at 200k stored; bench/link.py). ``stored_order`` is
# the article's insertion order (rowid, or ``ingest_order`` on PostgreSQL); articles are linked oldest
# publication first, undated ones last. The pipeline indexes find work left by an older pipeline version.
_QUEUES = """
CREATE TABLE enrich_queue (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    stored_order BIGINT NOT NULL
);
CREATE INDEX enrich_queue_order ON enrich_queue (stored_order);
CREATE TABLE link_queue (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    undated INTEGER NOT NULL,
    published TEXT,
    stored_order BIGINT NOT NULL
);
CREATE INDEX link_queue_order ON link_queue (undated, published, stored_order);
CREATE INDEX enrichments_pipeline ON enrichments (pipeline);
CREATE INDEX article_links_pipeline ON article_links (pipeline);
CREATE INDEX watch_matches_claim ON watch_matches (claim_id)
"""


def _queue_backfill(order: str) -> str:
    return f"""
INSERT INTO enrich_queue (article_id, stored_order)
    SELECT a.id, a.{order} FROM articles a
    WHERE NOT EXISTS (SELECT 1 FROM enrichments e WHERE e.article_id = a.id);
INSERT INTO link_queue (article_id, undated, published, stored_order)
    SELECT a.id, CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published, a.{order}
    FROM enrichments e JOIN articles a ON a.id = e.article_id
    WHERE NOT EXISTS (SELECT 1 FROM article_links l WHERE l.article_id = a.id)
"""


# Narrative counts kept as claims join, not recounted over every claim of a narrative each time one joins
# (a frame narrative at a million articles holds tens of thousands). ``narrative_facets`` holds the
# distinct originals (copies count once), outlets, stories and dates a narrative has reached, so a joining
# claim only asks whether its values are new. ``narrative_claims.claim_seq`` orders a narrative's claims
# by index (its label is drawn from the most recent ones).
_FACETS = """
CREATE TABLE narrative_facets (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (narrative_id, facet, value)
);
CREATE INDEX narrative_facets_value ON narrative_facets (facet, value);
INSERT INTO narrative_facets (narrative_id, facet, value)
    SELECT nc.narrative_id, 'article', COALESCE(l.copy_of, c.article_id)
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id
    LEFT JOIN article_links l ON l.article_id = c.article_id
    UNION SELECT nc.narrative_id, 'outlet', a.outlet
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id JOIN articles a ON a.id = c.article_id
    WHERE a.outlet IS NOT NULL
    UNION SELECT nc.narrative_id, 'story', l.story_id
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id JOIN article_links l ON l.article_id = c.article_id
    WHERE l.story_id IS NOT NULL
    UNION SELECT nc.narrative_id, 'date', a.published
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id JOIN articles a ON a.id = c.article_id
    WHERE a.published IS NOT NULL;
ALTER TABLE narrative_claims ADD COLUMN claim_seq BIGINT;
UPDATE narrative_claims SET claim_seq = (SELECT c.seq FROM claims c WHERE c.id = narrative_claims.claim_id);
CREATE INDEX narrative_claims_recent ON narrative_claims (narrative_id, claim_seq)
"""


# Listings in their display order straight from an index, so that a page at a million articles reads
# its 50 rows, not every row (sorting all articles by date took 6-13 s at 1M: each row's ``published``
# sits after its text). Statements carry their article's ``published`` for the same reason.
_LISTING = """
CREATE INDEX articles_listing ON articles ((published IS NULL), published DESC, ingested_at DESC, id);
ALTER TABLE statements ADD COLUMN published TEXT;
UPDATE statements SET published = (SELECT a.published FROM articles a WHERE a.id = statements.article_id);
CREATE INDEX statements_listing ON statements ((published IS NULL), published, article_id, cue_start, id)
"""


# A narrative's timeline (claims per day, outlet and stance) and its speakers kept as claims join, so its
# page reads a few summary rows rather than grouping every claim (seconds for 100k claims).
NARRATIVE_SUMMARIES = """
INSERT INTO narrative_days (narrative_id, day, outlet, stance, claims, first_published, last_published)
    SELECT nc.narrative_id, COALESCE(SUBSTR(a.published, 1, 10), ''), COALESCE(a.outlet, ''), nc.stance,
    COUNT(*), MIN(a.published), MAX(a.published)
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id JOIN articles a ON a.id = c.article_id
    WHERE {where} GROUP BY nc.narrative_id, COALESCE(SUBSTR(a.published, 1, 10), ''), COALESCE(a.outlet, ''),
    nc.stance;
INSERT INTO narrative_speakers (narrative_id, speaker, speaker_entity_id, asserts, denies)
    SELECT nc.narrative_id, COALESCE(c.speaker, ''), COALESCE(c.speaker_entity_id, ''),
    SUM(CASE WHEN nc.stance = 'denies' THEN 0 ELSE 1 END), SUM(CASE WHEN nc.stance = 'denies' THEN 1 ELSE 0 END)
    FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id
    WHERE {where} GROUP BY nc.narrative_id, COALESCE(c.speaker, ''), COALESCE(c.speaker_entity_id, '')
"""
_SUMMARIES = """
CREATE TABLE narrative_days (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    outlet TEXT NOT NULL,
    stance TEXT NOT NULL,
    claims INTEGER NOT NULL,
    first_published TEXT,
    last_published TEXT,
    PRIMARY KEY (narrative_id, day, outlet, stance)
);
CREATE TABLE narrative_speakers (
    narrative_id TEXT NOT NULL REFERENCES narratives (id) ON DELETE CASCADE,
    speaker TEXT NOT NULL,
    speaker_entity_id TEXT NOT NULL,
    asserts INTEGER NOT NULL,
    denies INTEGER NOT NULL,
    PRIMARY KEY (narrative_id, speaker, speaker_entity_id)
);
""" + NARRATIVE_SUMMARIES.format(where="TRUE")


# A narrative's claims in time order straight from an index: an evidence page and the first appearance
# read their rows instead of sorting every claim of the narrative (seconds a page at 100k claims). Each row
# carries the evidence order's keys: its article's date and id and the claim's place in the text.
_CLAIM_ORDER = """
ALTER TABLE narrative_claims ADD COLUMN published TEXT;
ALTER TABLE narrative_claims ADD COLUMN article_id TEXT;
ALTER TABLE narrative_claims ADD COLUMN text_start INTEGER;
UPDATE narrative_claims SET
    article_id = (SELECT c.article_id FROM claims c WHERE c.id = narrative_claims.claim_id),
    text_start = (SELECT c.text_start FROM claims c WHERE c.id = narrative_claims.claim_id),
    published = (SELECT a.published FROM claims c JOIN articles a ON a.id = c.article_id
                 WHERE c.id = narrative_claims.claim_id);
CREATE INDEX narrative_claims_time ON narrative_claims
    (narrative_id, (published IS NULL), published, article_id, text_start, claim_id);
CREATE INDEX narrative_claims_stance_time ON narrative_claims
    (narrative_id, stance, (published IS NULL), published, article_id, text_start, claim_id)
"""


# Statement and claim text searched by word, like articles, from a full-text index: a substring scan of a
# million statements took 0.4-3.6 s a count. FTS5 tables over the content on SQLite (kept by triggers), a
# generated tsvector with a GIN index on PostgreSQL.
def _sqlite_text_index(table: str, column: str) -> str:
    fts = f"{table}_fts"
    return f"""
CREATE VIRTUAL TABLE {fts} USING fts5 (
    {column}, content='{table}', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO {fts} ({fts}) VALUES ('rebuild');
CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO {fts} (rowid, {column}) VALUES (new.rowid, new.{column});
END;
CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
    INSERT INTO {fts} ({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column});
END;
CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN
    INSERT INTO {fts} ({fts}, rowid, {column}) VALUES ('delete', old.rowid, old.{column});
    INSERT INTO {fts} (rowid, {column}) VALUES (new.rowid, new.{column});
END;
"""


def _postgres_text_index(table: str, column: str) -> str:
    return f"""
ALTER TABLE {table} ADD COLUMN search_text TSVECTOR GENERATED ALWAYS AS
    (to_tsvector('simple'::regconfig, LEFT({column}, 150000))) STORED;
CREATE INDEX {table}_search_text ON {table} USING GIN (search_text);
"""


# An entity's articles read from the index alone: its article count (``COUNT(DISTINCT article_id)``) and
# its article list no longer fetch each mention row (7.7 s for the entity listing at 1M articles, whose
# most frequent entity has a million mentions). Replaces the entity-only index it extends.
_MENTION_ARTICLES = """
CREATE INDEX mentions_entity_article ON mentions (entity_id, article_id);
DROP INDEX mentions_entity
"""


# Each source's input as read (``model.input_hash``): a source read again unchanged is already stored and is
# not cleaned again, so cleaning that depends on the batch (repeated lines) cannot store it twice.
_SOURCE_INPUTS = """
ALTER TABLE article_sources ADD COLUMN input_hash TEXT
"""


# The story step's word check (``link/lexical.py``): in how many linked articles each word occurs, and for
# each join the article it matched and the two articles' shared-word (TF-IDF) cosine, shown as evidence.
_STORY_WORDS = """
CREATE TABLE link_terms (
    term TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
);
ALTER TABLE article_links ADD COLUMN story_via TEXT;
ALTER TABLE article_links ADD COLUMN story_word_score REAL
"""

# Whom a frame narrative accuses (``link/actors.py``): "the US seeks to partition Syria" and "Turkey seeks
# to partition Syria" are two narratives. A key (``country:<Name>`` or an entity id) and its name as shown;
# NULL where no claim of it named one (and for narratives linked before this column).
_NARRATIVE_ACCUSED = """
ALTER TABLE narratives ADD COLUMN accused TEXT;
ALTER TABLE narratives ADD COLUMN accused_name TEXT
"""

# The matching rules each watchlist item was read under (``link.watch.rules_version``: the matching code
# and the frames): an item read under other rules has its frames and places read again and its matches
# made again, so an upgrade or a new frames file never leaves matches the rules no longer make. Items
# stored before this column read '' and are read again on the next link or import.
_WATCH_RULES = """
ALTER TABLE watch_items ADD COLUMN rules TEXT NOT NULL DEFAULT '';
CREATE INDEX watch_items_rules ON watch_items (rules)
"""

# the pieces of a content its own attribution interrupts (``Statement.content_parts``); statements enriched
# before keep '' and read as one piece
_STATEMENT_PARTS = """
ALTER TABLE statements ADD COLUMN content_parts TEXT NOT NULL DEFAULT ''
"""


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _INITIAL, sqlite=_SQLITE_FTS),
    Migration("0002_link", _LINK),
    Migration("0003_postgres", _LOWER_INDEXES, postgres=_POSTGRES),
    Migration(
        "0004_work_queues",
        _QUEUES,
        sqlite=_queue_backfill("rowid"),
        postgres=_queue_backfill("ingest_order"),
    ),
    Migration("0005_narrative_facets", _FACETS),
    Migration("0006_listing_indexes", _LISTING),
    Migration("0007_narrative_summaries", _SUMMARIES),
    Migration("0008_narrative_claim_order", _CLAIM_ORDER),
    Migration(
        "0009_statement_search",
        "",
        sqlite=_sqlite_text_index("statements", "content") + _sqlite_text_index("claims", "text"),
        postgres=_postgres_text_index("statements", "content") + _postgres_text_index("claims", "text"),
    ),
    Migration("0010_mention_articles", _MENTION_ARTICLES),
    Migration("0011_source_inputs", _SOURCE_INPUTS),
    Migration("0012_story_words", _STORY_WORDS),
    Migration("0013_narrative_accused", _NARRATIVE_ACCUSED),
    Migration("0014_watch_rules", _WATCH_RULES),
    Migration("0015_statement_parts", _STATEMENT_PARTS),
)
