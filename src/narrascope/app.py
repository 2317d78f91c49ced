"""The one application object: owns the store and settings; used alike by the CLI, the web layer and tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope import pipeline
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions
from narrascope.link.narratives import NarrativeDetail, narrative_detail
from narrascope.model import Article, Entity, IngestReport, Mention, Narrative, Story
from narrascope.store import ArticleQuery, SQLStore, open_store
from narrascope.store.query import EntityQuery, StatementQuery
from narrascope.store.records import EntityRow, SourceRecord, StatementRow, StoredError

if TYPE_CHECKING:
    from narrascope.link.linker import LinkReport
    from narrascope.link.watch import WatchImport
    from narrascope.scale.load import LoadReport
    from narrascope.store.views import (
        ArticleBrief,
        ArticleRelations,
        ClaimCard,
        MentionView,
        SpeakerCount,
        SpreadCount,
        WatchItemRow,
        Window,
    )

DEFAULT_DB = "narrascope.db"


class Narrascope:
    def __init__(self, db: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.db = str(db)
        self.readonly = readonly
        self.store: SQLStore = open_store(self.db, readonly=readonly)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Narrascope:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        inputs: Sequence[str],
        options: IngestOptions | None = None,
        *,
        progress: Callable[[str], None] | None = None,
        on_sources: Callable[[int], None] | None = None,
    ) -> IngestReport:
        return pipeline.ingest(self.store, inputs, options, progress=progress, on_sources=on_sources)

    def articles(self, query: ArticleQuery | None = None) -> list[Article]:
        return self.store.list_articles(query or ArticleQuery())

    def count_articles(self, query: ArticleQuery | None = None) -> int:
        return self.store.count_articles(query or ArticleQuery())

    def article(self, id_or_prefix: str) -> Article:
        found = self.store.get_article(id_or_prefix)
        if found is None:
            raise NarrascopeError("E106", f"no article with id {id_or_prefix!r}")
        return found

    def sources(self, article_id: str) -> list[SourceRecord]:
        return self.store.article_sources(article_id)

    def errors(self, limit: int = 100, offset: int = 0) -> list[StoredError]:
        return self.store.list_errors(limit, offset)

    def enrich(
        self,
        *,
        model: str | None = None,
        aliases: str | Path | None = None,
        processes: int = 1,
        parse: str = "selective",
        redo: bool = False,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> pipeline.EnrichReport:
        """Find entities and attributed statements in every stored article not yet enriched."""
        from narrascope.enrich.enricher import Enricher
        from narrascope.enrich.entities import EntityResolver, load_aliases

        resolver = EntityResolver(load_aliases(aliases), known=self.store.known_entities())
        enricher = Enricher(resolver, model=model, parse=parse, processes=processes)
        if on_total:
            on_total(
                self.store.count_articles(ArticleQuery())
                if redo
                else self.store.count_to_enrich(enricher.pipeline)
            )
        return pipeline.enrich(self.store, enricher, redo=redo, progress=progress)

    def load(self, path: str | Path) -> LoadReport:
        """Bring a Spark run's Parquet results (``spark-enrich``) into the store, as ``ingest`` + ``enrich``
        would have stored them; loading twice adds nothing."""
        from narrascope.scale.load import load

        return load(self.store, path)

    def statements(self, query: StatementQuery | None = None) -> list[StatementRow]:
        return self.store.list_statements(self._with_entity_ids(query or StatementQuery()))

    def count_statements(self, query: StatementQuery | None = None) -> int:
        return self.store.count_statements(self._with_entity_ids(query or StatementQuery()))

    def _with_entity_ids(self, query: StatementQuery) -> StatementQuery:
        if query.entity and query.entity_ids is None:
            return replace(query, entity_ids=tuple(self.entity_ids(query.entity)))
        return query

    def entity_ids(self, name: str) -> list[str]:
        """Ids of the stored entities ``name`` refers to: an id, canonical name or stored alias, else
        whatever the resolver's rules make of it ("Minister Lavrov", "Ryabkov", "President Assad")."""
        ids = self.store.entity_ids(name)
        if ids:
            return ids
        from narrascope.enrich.entities import EntityResolver, load_aliases

        found = EntityResolver(load_aliases(), known=self.store.known_entities()).lookup(name)
        return [found.id] if found is not None and self.store.get_entity(found.id) else []

    def entities(self, query: EntityQuery | None = None) -> list[EntityRow]:
        return self.store.list_entities(query or EntityQuery())

    def entity(self, name: str) -> tuple[Entity, list[Mention], list[Article], list[StatementRow]]:
        """One entity by id, name or alias: itself, its mentions, its articles, and its statements."""
        ids = self.entity_ids(name)
        if not ids:
            raise NarrascopeError("E109", f"no entity named {name!r}")
        if len(ids) > 1:
            names = ", ".join(f"{e.name} ({e.id})" for e in map(self.store.get_entity, ids) if e)
            raise NarrascopeError("E110", f"{name!r} names several entities: {names}; give an id")
        entity = self.store.get_entity(ids[0])
        assert entity is not None
        return (
            entity,
            self.store.entity_mentions(entity.id),
            self.store.entity_articles(entity.id),
            self.store.list_statements(StatementQuery(entity_ids=(entity.id,), limit=1000)),
        )

    # -- link ---------------------------------------------------------------------------------------
    def link(
        self,
        *,
        frames: str | Path | None = None,
        media: str | Path | None = None,
        redo: bool = False,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> LinkReport:
        """Link every enriched article not yet linked: copies, citations, stories, claims, narratives,
        and watchlist matches."""
        from narrascope.link.citations import MediaList, load_media
        from narrascope.link.embed import shared_encoder
        from narrascope.link.frames import load_frames
        from narrascope.link.linker import Linker

        try:
            known = load_media(Path(media) if media else None)
        except (OSError, ValueError) as exc:
            raise NarrascopeError("E402", f"cannot use the media list {media}: {exc}") from exc
        # outlets the corpus itself holds are media other articles can cite ("Harbor Gazette reports:")
        forms = dict(known.forms)
        for outlet in self.store.outlet_names():
            forms.setdefault(outlet, outlet)
            if outlet.startswith("The "):
                forms.setdefault(outlet[4:], outlet)
        linker = Linker(
            self.store,
            load_frames(Path(frames) if frames else None),
            MediaList(forms),
            shared_encoder(),
        )
        if on_total:
            on_total(self.store.count_to_link(linker.pipeline) if not redo else self.count_articles())
        return pipeline.link(self.store, linker, redo=redo, progress=progress)

    def narratives(self, *, all_groups: bool = False, limit: int = 50, offset: int = 0) -> list[Narrative]:
        return self.store.list_narratives(recurring_only=not all_groups, limit=limit, offset=offset)

    def count_narratives(self, *, all_groups: bool = False) -> int:
        return self.store.count_narratives(recurring_only=not all_groups)

    def narrative(self, id_or_prefix: str) -> NarrativeDetail:
        found = self.store.get_narrative(id_or_prefix)
        if found is None:
            raise NarrascopeError("E106", f"no narrative {id_or_prefix!r}: see `narrascope narratives`")
        return narrative_detail(found, self.store.narrative_evidence(found.id))

    def stories(self, limit: int = 50, offset: int = 0) -> list[Story]:
        return self.store.list_stories(limit, offset)

    def story(self, story_id: str) -> list[Article]:
        return self.store.story_articles(story_id)

    def similar(self, article_id_or_prefix: str, limit: int = 10) -> list[tuple[Article, float, float]]:
        """Stored articles most similar to one: (article, similarity 0–1, vector cosine), copies included."""
        from narrascope.link.similar import similar_articles

        article = self.article(article_id_or_prefix)
        return similar_articles(self.store, article, limit)

    # -- watchlist ----------------------------------------------------------------------------------
    def watch_import(self, path: str | Path, *, frames: str | Path | None = None) -> WatchImport:
        """Add a watchlist file (EUvsDisinfo-style CSV, ClaimReview JSON-LD or pages, Fact Check API
        export) and match its new items against the claims already linked."""
        from narrascope.link.embed import shared_encoder
        from narrascope.link.frames import load_frames
        from narrascope.link.watch import Watcher, WatchImport, now
        from narrascope.link.watchlist import read_watchlist

        items, problems = read_watchlist(Path(path))
        watcher = Watcher(self.store, load_frames(Path(frames) if frames else None), shared_encoder())
        added, matches = watcher.add_items(items, now())
        return WatchImport(len(items), added, matches, problems)

    def watch(
        self, *, all_matches: bool = False, limit: int = 100, offset: int = 0
    ) -> tuple[list[dict], int]:
        """Watchlist matches new since the last ``watch`` run (all with ``all_matches``); records this run."""
        from narrascope.link.watch import now

        since = None if all_matches else self.store.last_watch_run()
        found = [dict(r) for r in self.store.list_watch_matches(since, limit, offset)]
        total = self.store.count_watch_matches(since)
        if not self.readonly:
            with self.store.transaction():
                self.store.add_watch_run(uuid.uuid4().hex[:12], now(), total)
        return found, total

    def copies(self, limit: int = 50, offset: int = 0) -> list[dict]:
        return [dict(r) for r in self.store.copy_groups(limit, offset)]

    def citations(self) -> list[tuple[str, str, int]]:
        """The outlet citation graph: (citing outlet, cited medium, citations), most cited first."""
        from narrascope.link.citations import citation_edges

        return citation_edges(self.store.citation_pairs())

    # -- reads for the web pages: each one page of rows, or one record's aggregates ----------------
    def article_mention_spans(self, article_id: str) -> list[MentionView]:
        """An article's entity mentions with the canonical name of each, in text order."""
        return self.store.ui_article_mentions(article_id)

    def article_relations(self, article_id: str) -> ArticleRelations:
        """An article's story, the original it copies, its text's copy count and its narratives."""
        return self.store.ui_article_relations(article_id)

    def article_copies(self, original_id: str, limit: int = 20, offset: int = 0) -> list[ArticleBrief]:
        return self.store.ui_copies(original_id, limit, offset)

    def statement_windows(self, statement_ids: Sequence[str]) -> dict[str, Window]:
        """The text around each statement's sentences, by statement id."""
        return self.store.ui_statement_windows(statement_ids)

    def narrative_info(self, id_or_prefix: str) -> Narrative:
        """One narrative's record (label, frame, dates, counts) without reading its evidence."""
        found = self.store.get_narrative(id_or_prefix)
        if found is None:
            raise NarrascopeError("E106", f"no narrative {id_or_prefix!r}")
        return found

    def narrative_spread(self, narrative_id: str, prefix: int = 10) -> list[SpreadCount]:
        """A narrative's claims counted by outlet, date (cut to ``prefix`` characters: 10 a day, 7 a
        month, 4 a year) and stance: what its timeline and outlet spread are drawn from."""
        return self.store.ui_narrative_spread(narrative_id, prefix)

    def narrative_speakers(self, narrative_id: str, limit: int = 20, offset: int = 0) -> list[SpeakerCount]:
        return self.store.ui_narrative_speakers(narrative_id, limit, offset)

    def narrative_claims(
        self,
        narrative_id: str,
        *,
        stance: str | None = None,
        outlet: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[ClaimCard]:
        return self.store.ui_narrative_claims(
            narrative_id, stance=stance, outlet=outlet, limit=limit, offset=offset
        )

    def overview_counts(self) -> dict[str, int]:
        """Articles, statements, entities, recurring narratives, stories and watch items stored."""
        return self.store.ui_overview_counts()

    def recent_narratives(
        self, *, all_groups: bool = False, limit: int = 20, offset: int = 0
    ) -> list[Narrative]:
        """Like ``narratives``, last seen most recently first."""
        return self.store.ui_recent_narratives(recurring_only=not all_groups, limit=limit, offset=offset)

    def entity_by_id(self, entity_id: str) -> Entity:
        found = self.store.get_entity(entity_id)
        if found is None:
            raise NarrascopeError("E140", f"no entity with id {entity_id!r}")
        return found

    def entity_statements(
        self, entity_id: str, *, about: bool = False, limit: int = 20, offset: int = 0
    ) -> list[StatementRow]:
        """Statements an entity made, or (``about``) others' statements naming it in their content."""
        return self.store.ui_entity_statements(entity_id, about=about, limit=limit, offset=offset)

    def entity_article_page(self, entity_id: str, limit: int = 20, offset: int = 0) -> list[Article]:
        return self.store.ui_entity_articles(entity_id, limit, offset)

    def story_info(self, story_id: str) -> Story:
        found = self.store.ui_story(story_id)
        if found is None:
            raise NarrascopeError("E141", f"no story with id {story_id!r}")
        return found

    def story_article_page(self, story_id: str, limit: int = 20, offset: int = 0) -> list[Article]:
        return self.store.ui_story_articles(story_id, limit, offset)

    def watchlist_items(self, limit: int = 20, offset: int = 0) -> list[WatchItemRow]:
        """Watchlist items in the order they were added, each with its match count."""
        return self.store.ui_watch_items(limit, offset)

    def watchlist_matches(self, item_id: str | None = None, limit: int = 20, offset: int = 0) -> list[dict]:
        """Watchlist matches, best first, of one item or all (unlike ``watch``, records no run)."""
        return self.store.ui_watch_matches(item_id, limit, offset)

    def watch_counts(self) -> tuple[int, int]:
        """(watch items, matches)."""
        return self.store.count_watch_items(), self.store.count_watch_matches()
