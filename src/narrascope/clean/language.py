"""Language identification with py3langid, whose model ships inside the wheel (no download)."""

from __future__ import annotations

from functools import lru_cache

MIN_CHARS = 20  # below this, language id is noise: say unknown
SAMPLE_CHARS = 1500  # a few paragraphs decide as well as a whole article, at a fraction of the cost


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when the text is too short or the call unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= min_confidence else None
