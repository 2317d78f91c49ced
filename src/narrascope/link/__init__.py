"""Link stage: what connects articles — near-duplicates, media citations, claims, stories, narratives,
and the watchlist of known narratives."""
