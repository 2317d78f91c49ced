"""The one application object: owns the store and settings; used alike by the CLI, the web layer and tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope import pipeline
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions
from narrascope.link.narratives import (
    Evidence,
    NarrativeDetail,
    first_appearance,
    narrative_detail,
    to_evidence,
)
from narrascope.model import Article, Entity, IngestError, IngestReport, Mention, Narrative, Story
from narrascope.store import ArticleQuery, SQLStore, open_store
from narrascope.store.browse import (
    ArticleEntity,
    ArticleSummary,
    CitationEdge,
    ClaimRow,
    Filters,
    StoryJoinRow,
)
from narrascope.store.query import EntityQuery, StatementQuery
from narrascope.store.records import EntityRow, SourceRecord, StatementRow, StoredError

if TYPE_CHECKING:
    from narrascope.link.linker import LinkReport
    from narrascope.link.watch import WatchImport, WatchRecheck
    from narrascope.scale.load import LoadReport
    from narrascope.store.views import (
        ArticleBrief,
        ArticleRelations,
        ClaimCard,
        MentionView,
        SpeakerCount,
        SpreadCount,
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
        return pipeline.enrich(self.store, enricher, redo=redo, progress=progress, on_total=on_total)

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
        places: str | Path | None = None,
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
        from narrascope.places import load_gazetteer

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
            load_gazetteer(Path(places) if places else None),
        )
        return pipeline.link(self.store, linker, redo=redo, progress=progress, on_total=on_total)

    def narratives(self, *, all_groups: bool = False, limit: int = 50, offset: int = 0) -> list[Narrative]:
        return self.store.list_narratives(recurring_only=not all_groups, limit=limit, offset=offset)

    def count_narratives(self, *, all_groups: bool = False) -> int:
        return self.store.count_narratives(recurring_only=not all_groups)

    def narrative(self, id_or_prefix: str, *, limit: int = 500, offset: int = 0) -> NarrativeDetail:
        """One narrative: timeline, speakers and outlets over all its claims; a page of its evidence and
        of its denials (``limit`` each, evidence from ``offset``)."""
        found = self.store.get_narrative(id_or_prefix)
        if found is None:
            raise NarrascopeError("E106", f"no narrative {id_or_prefix!r}: see `narrascope narratives`")
        s = self.store
        return narrative_detail(
            found,
            first=first_appearance(*s.narrative_firsts(found.id), dated=lambda r: r["published"] is not None),
            timeline=s.narrative_timeline(found.id),
            speakers=s.narrative_speakers(found.id),
            outlets=s.narrative_outlets(found.id),
            denials=s.narrative_evidence_page(found.id, "denies", limit, 0),
            evidence=s.narrative_evidence_page(found.id, None, limit, offset),
            evidence_offset=offset,
        )

    def stories(self, limit: int = 50, offset: int = 0) -> list[Story]:
        return self.store.list_stories(limit, offset)

    def story(self, story_id: str) -> list[Article]:
        return self.store.story_articles(story_id)

    def similar(
        self, article_id_or_prefix: str, limit: int = 10, *, rerank: bool = True
    ) -> list[tuple[Article, float | None, float]]:
        """Stored articles most similar to one: (article, similarity 0–1, vector cosine), copies included;
        without ``rerank``, by vector cosine alone (similarity ``None``: no model runs on the candidates).
        The vector index is opened once per process and shared (for a server)."""
        from narrascope.link.semantic import similar_articles

        article = self.article(article_id_or_prefix)
        return similar_articles(self.store, article, limit, rerank=rerank)

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
        rechecked = watcher.recheck(now())
        added, matches = watcher.add_items(items, now())
        return WatchImport(len(items), added, matches, problems, rechecked)

    def watch_recheck(self, *, frames: str | Path | None = None) -> WatchRecheck:
        """Read every watchlist item again under the current matching rules (``frames``: a frames file
        extending the shipped one) and make its matches again. ``link`` and ``watch_import`` do this for
        the items read under other rules (an upgrade, another frames file)."""
        from narrascope.link.embed import shared_encoder
        from narrascope.link.frames import load_frames
        from narrascope.link.watch import Watcher, now

        watcher = Watcher(self.store, load_frames(Path(frames) if frames else None), shared_encoder())
        return watcher.recheck(now(), every=True)

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

    def citation_page(
        self,
        *,
        outlet: str | None = None,
        cited: str | None = None,
        limit: int = 50,
        offset: int = 0,
        examples: int = 3,
    ) -> list[CitationEdge]:
        """A page of ``citations`` (the same edges in the same order), of one citing outlet or cited medium
        when given, each with its first ``examples`` citations (dated first) as evidence."""
        edges = self.store.citation_edge_page(outlet, cited, limit, offset)
        found = self.store.citation_examples([(e.citing, e.cited) for e in edges], examples)
        return [replace(e, examples=tuple(found.get((e.citing, e.cited), ()))) for e in edges]

    def count_citation_edges(self, *, outlet: str | None = None, cited: str | None = None) -> int:
        return self.store.count_citation_edges(outlet, cited)

    # -- the web layer: pages of everything, with their totals -----------------------------------------
    def counts(self) -> dict[str, int]:
        """Rows per kind of record: articles, statements, entities, claims, stories, narratives, watch items."""
        return self.store.table_counts()

    def find_articles(self, filters: Filters) -> tuple[list[ArticleSummary], int]:
        """A page of the articles passing ``filters`` (newest first) and how many pass."""
        return self.store.find_articles(filters), self.store.count_found_articles(filters)

    def find_statements(self, filters: Filters) -> tuple[list[StatementRow], int]:
        rows = [StatementRow(**dict(r)) for r in self.store.find_statements(filters)]
        return rows, self.store.count_found_statements(filters)

    def find_claims(self, filters: Filters) -> tuple[list[ClaimRow], int]:
        return self.store.find_claims(filters), self.store.count_found_claims(filters)

    def search_semantic(
        self, kind: str, text: str, filters: Filters, min_score: float = 0.0
    ) -> list[tuple[ArticleSummary | StatementRow | ClaimRow, float]]:
        """Articles, statements or claims by meaning (multilingual sentence vectors), best first: the page
        ``filters.offset`` .. ``+ filters.limit`` of those with cosine at least ``min_score`` that pass the
        filters. Articles are matched by their title and lead vector, claims by their sentence, statements
        by their best claim."""
        from narrascope.link.semantic import open_index, query_vector, ranked

        store = self.store
        fetch: Callable[[Sequence[int]], Mapping[int, ArticleSummary | StatementRow | ClaimRow]]
        if kind == "articles":
            index = open_index(
                store.vector_index_path("articles"), store.article_vectors, store.count_article_vectors
            )
            fetch = lambda seqs: store.articles_at(seqs, filters)  # noqa: E731
        else:
            index = open_index(store.vector_index_path("claims"), store.claim_vectors, store.count_claims)
            if kind == "claims":
                fetch = lambda seqs: store.claims_at(seqs, filters)  # noqa: E731
            else:
                fetch = lambda seqs: {  # noqa: E731
                    seq: StatementRow(**{k: v for k, v in dict(row).items() if k != "claim_seq"})
                    for seq, row in store.statements_at(seqs, filters).items()
                }
        wanted = filters.offset + filters.limit
        return ranked(index, query_vector(text), wanted, min_score, fetch)[filters.offset :]

    def article_entities(self, article_id: str, limit: int, offset: int) -> tuple[list[ArticleEntity], int]:
        """The entities one article mentions, most mentioned first."""
        return (
            self.store.article_entities(article_id, limit, offset),
            self.store.count_article_entities(article_id),
        )

    def article_mentions(self, article_id: str, limit: int, offset: int) -> tuple[list[Mention], int]:
        """One article's entity mentions in text order."""
        return (
            self.store.article_mentions(article_id, limit, offset),
            self.store.count_article_mentions(article_id),
        )

    def entity_summary(self, name: str) -> tuple[Entity, tuple[int, int, int]]:
        """One entity by id, name or alias, and its (mentions, articles, statements) counts."""
        ids = self.entity_ids(name)
        if not ids:
            raise NarrascopeError("E109", f"no entity named {name!r}")
        if len(ids) > 1:
            raise NarrascopeError("E110", f"{name!r} names several entities: {', '.join(ids)}; give an id")
        entity = self.store.get_entity(ids[0])
        assert entity is not None
        return entity, self.store.entity_counts(entity.id)

    def entity_articles(self, entity_id: str, limit: int, offset: int) -> list[ArticleSummary]:
        return self.store.entity_article_page(entity_id, limit, offset)

    def entity_mentions(self, entity_id: str, limit: int, offset: int) -> list[Mention]:
        return self.store.entity_mentions(entity_id, limit, offset)

    def entity_page(self, query: EntityQuery) -> tuple[list[dict], int]:
        """``entities`` (most mentioned first) and how many match, for a server: mentions are counted in
        one pass over the index, statements for the page's entities only, articles not at all (the
        entity's own counts have them)."""
        rows = self.store.entity_page(query.name, query.type, query.limit, query.offset)
        return [dict(r) for r in rows], self.store.count_entity_rows(query.name, query.type)

    def count_stories(self) -> int:
        return self.store.count_stories()

    def story_info(self, id_or_prefix: str) -> Story:
        found = self.store.get_story(id_or_prefix)
        if found is None:
            raise NarrascopeError("E120", f"no story {id_or_prefix!r}: see `narrascope stories`")
        return found

    def story_page(self, story_id: str, limit: int = 20, offset: int = 0) -> list[ArticleSummary]:
        """A page of one story's articles, oldest first."""
        return self.store.story_article_page(story_id, limit, offset)

    def story_joins(self, article_ids: Sequence[str]) -> list[StoryJoinRow]:
        """Why each of these articles is in its story: the article it joined through, with the cosines."""
        return self.store.story_joins(article_ids)

    def narrative_evidence(
        self, narrative_id: str, *, stance: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[Evidence], int]:
        """A page of one narrative's evidence in time order (only its denials with ``stance="denies"``)
        and how many there are."""
        found = self.store.get_narrative(narrative_id)
        if found is None:
            raise NarrascopeError("E106", f"no narrative {narrative_id!r}: see `narrascope narratives`")
        rows = self.store.narrative_evidence_page(found.id, stance, limit, offset)
        return [to_evidence(r) for r in rows], self.store.count_narrative_claims(found.id, stance)

    def watch_items(self, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
        """Watchlist items in the order they were added, each with its number of matches."""
        return [dict(r) for r in self.store.watch_item_page(limit, offset)], self.store.count_watch_items()

    def watch_matches(
        self, *, since: str | None = None, item_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[dict], int]:
        """Watchlist matches recorded after ``since`` (all without it), of one item or all; best first.
        Unlike ``watch``, this records no run."""
        rows = self.store.watch_match_page(since, item_id, limit, offset)
        return [dict(r) for r in rows], self.store.count_watch_match_rows(since, item_id)

    def delete_watch_item(self, item_id: str) -> None:
        """Remove one watchlist item and its matches."""
        with self.store.transaction():
            if not self.store.delete_watch_item(item_id):
                raise NarrascopeError("E121", f"no watchlist item {item_id!r}")

    def delete_article(self, article_id: str) -> None:
        """Remove one article (its full id) and everything derived from it, in one transaction: sources,
        mentions, statements, enrichment, links, claims, watch matches. Its stories and narratives are
        recounted (a narrative left without claims goes; one that lost its label claim is relabelled as
        the linker labels it), and its copies take the earliest of them as their original. The vector
        index files keep the removed keys until the next ``link`` rebuilds them; searches skip them."""
        from narrascope.link.linker import forget_words, relabel

        with self.store.transaction():
            forget_words(self.store, article_id)
            removed = self.store.delete_article_rows(article_id)
            if removed is None:
                raise NarrascopeError("E106", f"no article with id {article_id!r} (give the full id)")
            self.store.refresh_stories(removed.stories)
            for story_id in removed.stories:
                self.store.drop_empty_story(story_id)
            self.store.recount_narratives(removed.narratives)
            for narrative_id in removed.narratives:
                label = self.store.narrative_label(narrative_id)  # deletes one left without claims
                if label is not None and label[1] is None:  # its label claim went: the linker's choice
                    relabel(self.store, narrative_id)

    def ingest_named(self, named: Mapping[str, str], options: IngestOptions | None = None) -> IngestReport:
        """``ingest`` of inputs recorded under other names: ``named`` maps each input (a file in a
        temporary folder, say) to the name its articles and errors keep as their source (``upload:...``);
        record locators (``#line-3``) follow the name."""
        renamed = _Renamed(self.store, named)
        report = pipeline.ingest(renamed, list(named), options)  # type: ignore[arg-type]
        report.errors = [replace(e, source=renamed.name(e.source)) for e in report.errors]
        return report

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

    def narrative_first_claim(self, narrative_id: str) -> ClaimCard | None:
        """The narrative's first appearance as a claim card, by the rule of ``narrative``'s ``first``
        (``link.narratives.first_appearance``)."""
        asserting, denying = (
            next(iter(self.narrative_claims(narrative_id, stance=stance, limit=1)), None)
            for stance in ("asserts", "denies")
        )
        return first_appearance(asserting, denying, dated=lambda c: c.published is not None)

    def overview_counts(self) -> dict[str, int]:
        """Articles, statements, entities, recurring narratives, stories and watch items stored."""
        stored = self.counts()
        return {
            "articles": stored["articles"],
            "statements": stored["statements"],
            "entities": stored["entities"],
            "narratives": self.count_narratives(),
            "stories": stored["stories"],
            "watch items": stored["watch_items"],
        }

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

    def watch_counts(self) -> tuple[int, int]:
        """(watch items, matches)."""
        return self.store.count_watch_items(), self.store.count_watch_matches()


class _Renamed:
    """The store as ``pipeline.ingest`` writes to it, with every source under its given name."""

    def __init__(self, store: SQLStore, names: Mapping[str, str]) -> None:
        self.store = store
        self.names = names

    def name(self, source: str) -> str:
        for path, name in self.names.items():
            if source == path or source.startswith(path + "#"):
                return name + source[len(path) :]
        return source

    def start_run(self, inputs: Sequence[str]) -> str:
        return self.store.start_run([self.name(i) for i in inputs])

    def finish_run(self, run_id: str, status: str = "done") -> None:
        self.store.finish_run(run_id, status)

    def stored_inputs(self, inputs: Mapping[str, str]) -> dict[str, str]:
        named = {self.name(source): source for source in inputs}
        found = self.store.stored_inputs({name: inputs[source] for name, source in named.items()})
        return {named[name]: article for name, article in found.items()}

    def write_batch(
        self,
        run_id: str,
        articles: Sequence[Article],
        errors: Sequence[IngestError],
        seen: int,
        *,
        inputs: Mapping[str, str] | None = None,
        unchanged: Sequence[str] = (),
    ) -> object:
        return self.store.write_batch(
            run_id,
            [replace(a, source=self.name(a.source)) for a in articles],
            [replace(e, source=self.name(e.source)) for e in errors],
            seen,
            inputs={self.name(source): hash_ for source, hash_ in (inputs or {}).items()},
            unchanged=unchanged,
        )
