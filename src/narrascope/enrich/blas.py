"""Matrix products for the spaCy model through numpy's BLAS instead of thinc's bundled ``blis``.

thinc's ``NumpyOps.gemm`` multiplies with cython-blis. On the 2-core AMD EPYC machine this project is
measured on, blis runs a (12800 x 288) x (288 x 288) float32 product at 24 GFLOP/s on one core, numpy's
OpenBLAS at 90. Matrix products are most of the model's time (the CNN layers of ``tok2vec``), so
``use_numpy_matmul`` makes the models' layers call ``numpy.matmul``: the same float32 products, and
identical entities, tags and parses on the PolNeAR texts (``tests/test_enrich_blas.py``). Models on other ops
(a GPU, Apple's) are left as they are.

Worker processes call ``one_blas_thread``: the process pool is the parallelism, and BLAS threads in
every worker would only fight over the same cores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from thinc.api import NumpyOps

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MatmulOps", "one_blas_thread", "use_numpy_matmul"]


class MatmulOps(NumpyOps):
    """``NumpyOps`` whose ``gemm`` is ``numpy.matmul``."""

    def gemm(
        self,
        x: np.ndarray,
        y: np.ndarray,
        out: np.ndarray | None = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> np.ndarray:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return np.matmul(a, b)
        np.matmul(a, b, out=out)
        return out


def use_numpy_matmul(nlp: Language) -> None:
    """Point every layer of ``nlp`` that runs on plain ``NumpyOps`` at ``MatmulOps``."""
    ops = MatmulOps()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


_LIMITS: list[Any] = []


def one_blas_thread() -> None:
    """Limit this process's BLAS to one thread (for the rest of the process)."""
    from threadpoolctl import threadpool_limits

    _LIMITS.append(threadpool_limits(limits=1, user_api="blas"))
