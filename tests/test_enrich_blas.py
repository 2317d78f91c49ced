"""The model's matrix products go through numpy's BLAS (enrich/blas.py): the same entities, tags and
parses as with thinc's own ops, on fictional texts and on PolNeAR's; workers run one BLAS thread."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacy
from thinc.api import NumpyOps

from narrascope.enrich.blas import MatmulOps
from narrascope.enrich.nlp import choose_model, load_nlp

TEXTS = [
    "Anya Korvin, the Velorian Foreign Minister, told reporters in Port Arden on Monday that the "
    "Northern Compact wanted to divide the country. “Their presence on our soil is illegal,” she said.",
    "The Compact envoy Mark Ellison denied the accusation. According to the Velorian Energy Agency, "
    "output from the Tessaly dam fell by 12 per cent in April.",
]


def _reading(nlp: spacy.Language, texts: list[str]) -> list[tuple]:
    return [
        (
            [(e.start_char, e.end_char, e.label_) for e in doc.ents],
            [(t.tag_, t.dep_, t.head.i) for t in doc],
        )
        for doc in nlp.pipe(texts)
    ]


@pytest.fixture(scope="module")
def models() -> tuple[spacy.Language, spacy.Language]:
    return load_nlp(), spacy.load(choose_model())


def test_loaded_model_multiplies_through_numpy(models):
    ours, shipped = models
    layers = [node for _, pipe in ours.pipeline if getattr(pipe, "model", None) for node in pipe.model.walk()]
    assert layers and all(isinstance(node.ops, MatmulOps) for node in layers)
    assert any(type(node.ops) is NumpyOps for _, p in shipped.pipeline if p.model for node in p.model.walk())


def test_gemm_matches_thinc_in_every_transpose():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((7, 5), dtype=np.float32), rng.standard_normal((5, 3), dtype=np.float32)
    ours, thinc = MatmulOps(), NumpyOps()
    for t1, t2, a, b in ((False, False, x, y), (True, False, x.T.copy(), y), (False, True, x, y.T.copy())):
        expected = thinc.gemm(a, b, trans1=t1, trans2=t2)
        assert np.allclose(ours.gemm(a, b, trans1=t1, trans2=t2), expected, atol=1e-5)
        out = np.empty_like(expected)
        assert ours.gemm(a, b, out=out, trans1=t1, trans2=t2) is out and np.allclose(out, expected, atol=1e-5)


def test_same_entities_and_parses_as_thincs_ops(models):
    ours, shipped = models
    assert _reading(ours, TEXTS) == _reading(shipped, TEXTS)


def test_same_entities_and_parses_on_polnear(models, shared: Path):
    ours, shipped = models
    paths = sorted((shared / "eval" / "polnear" / "dev" / "text").glob("*.txt"))[:12]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(texts) == 12
    assert _reading(ours, texts) == _reading(shipped, texts)


def test_a_worker_runs_one_blas_thread():
    code = (
        "from threadpoolctl import threadpool_info\n"
        "from narrascope.enrich.blas import one_blas_thread\n"
        "import numpy\n"
        "one_blas_thread()\n"
        "print(max(i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
