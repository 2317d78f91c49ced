"""``narrascope similar ARTICLE``: the stored articles nearest to one, from the article vector index."""

from __future__ import annotations

from narrascope.errors import NarrascopeError
from narrascope.link.embed import from_bytes
from narrascope.model import Article
from narrascope.store.vectors import VectorIndex


def similar_articles(store, article: Article, limit: int = 10) -> list[tuple[Article, float]]:
    """(article, cosine of title+lead vectors), best first, the article itself left out."""
    blob = store.article_vector(article.id)
    if blob is None:
        raise NarrascopeError("E112", f"article {article.id} is not linked yet: run `narrascope link` first")
    index = VectorIndex(
        store.vector_index_path("articles"), store.article_vectors, store.count_article_vectors()
    )
    hits = index.search(from_bytes(blob), limit + 1)
    rows = store.linked_by_seq([seq for seq, _ in hits])
    out = []
    for seq, score in hits:
        row = rows.get(seq)
        if row is None or row[0] == article.id:
            continue
        found = store.get_article(row[0])
        if found is not None:
            out.append((found, round(score, 4)))
    return out[:limit]
