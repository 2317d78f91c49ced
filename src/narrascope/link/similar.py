"""``narrascope similar ARTICLE``: candidates from the article vector index, ranked by the article
similarity that ``narrascope eval similarity`` measures (SemEval-2022 Task 8)."""

from __future__ import annotations

from narrascope.errors import NarrascopeError
from narrascope.link.embed import from_bytes, shared_encoder
from narrascope.link.similarity import ArticleSimilarity, ArticleText
from narrascope.model import Article
from narrascope.store.vectors import VectorIndex

CANDIDATES_PER_RESULT = 3  # nearest neighbours read per result asked, then re-ranked


def similar_articles(store, article: Article, limit: int = 10) -> list[tuple[Article, float, float]]:
    """(article, similarity in [0, 1], cosine of title+lead vectors), most similar first, itself left out."""
    blob = store.article_vector(article.id)
    if blob is None:
        raise NarrascopeError("E112", f"article {article.id} is not linked yet: run `narrascope link` first")
    index = VectorIndex(
        store.vector_index_path("articles"), store.article_vectors, store.count_article_vectors(), view=True
    )
    hits = index.search(from_bytes(blob), limit * CANDIDATES_PER_RESULT + 1)
    rows = store.linked_by_seq([seq for seq, _ in hits])
    candidates: list[tuple[Article, float]] = []
    for seq, cosine in hits:
        row = rows.get(seq)
        found = store.get_article(row[0]) if row is not None and row[0] != article.id else None
        if found is not None:
            candidates.append((found, cosine))
    if not candidates:
        return []
    me = ArticleText(article.title or "", article.text, article.language)
    pairs = [(me, ArticleText(a.title or "", a.text, a.language)) for a, _ in candidates]
    scores = ArticleSimilarity(shared_encoder()).score_pairs(pairs)
    ranked = sorted(
        ((a, round(float(s), 4), round(c, 4)) for (a, c), s in zip(candidates, scores, strict=True)),
        key=lambda t: (-t[1], t[0].id),
    )
    return ranked[:limit]
