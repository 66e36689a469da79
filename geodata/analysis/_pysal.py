"""Small helpers shared by the esda wrappers (clusters, hot spots); private.

esda's permutation engine seeds NumPy's *global* legacy generator
(``numpy.random.seed``) and, without an explicit ``alternative``, emits a
DeprecationWarning on every call.  :func:`quiet_seeded` keeps both effects inside the
call: the global generator state is restored afterwards, so an analysis never changes
random numbers drawn elsewhere in the process.

**numba.**  When numba is installed, esda compiles its permutation kernels on the first
call in every process.  Measured on the project's 2-core machine that first call takes
about 30 s (Local Moran) plus 4 s (Gi*), while the compiled kernels are no faster than
the plain-Python ones on ~2,900 counties (0.3-0.6 s either way, serial).  So by default
:func:`use_python_kernels` swaps esda's numba dispatchers for the Python functions they
wrap (``dispatcher.py_func``), which is exactly what esda runs when numba is absent.
Set the environment variable ``ATLAS_ESDA_NUMBA=1`` to keep numba (long-lived servers
that can afford the warm-up).  numba re-implements NumPy's legacy Mersenne Twister
with the same seeding, and both paths gave identical pseudo p-values in our checks.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_PATCH_LOCK = threading.Lock()
_PATCHED = False


def numba_enabled() -> bool:
    """True when esda's numba kernels are kept (``ATLAS_ESDA_NUMBA=1``)."""
    return os.environ.get("ATLAS_ESDA_NUMBA", "").strip().lower() in {"1", "true", "yes"}


def use_python_kernels() -> bool:
    """Replace esda's numba dispatchers by their Python functions, once per process.

    Returns True if esda now runs plain-Python kernels (numba absent, or swapped), False
    if numba kernels are kept.
    """
    global _PATCHED
    try:
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # numba absent: esda already runs Python kernels
        return True
    if numba_enabled():
        return False
    with _PATCH_LOCK:
        if _PATCHED:
            return True
        import esda  # noqa: F401  (loads the submodules that hold the kernels)
        import esda.crand

        for name, mod in list(sys.modules.items()):
            if not (name == "esda" or name.startswith("esda.")) or mod is None:
                continue
            for attr, value in list(vars(mod).items()):
                if isinstance(value, Dispatcher):
                    setattr(mod, attr, value.py_func)
        # Globals the kernels use that only make sense under numba.
        esda.crand.boolean = bool
        esda.crand.prange = range
        _PATCHED = True
    return True


@contextmanager
def quiet_seeded(seed: int | None = None) -> Iterator[None]:
    """Run esda code with warnings silenced and the global NumPy RNG restored after.

    ``seed`` (when given) also seeds the legacy global generator for statistics that
    take no seed argument (``esda.Moran``).
    """
    use_python_kernels()
    state = np.random.get_state()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            # Expected on the county layer (Hainan, Zhoushan ... are separate components).
            warnings.filterwarnings("ignore", message=".*not fully connected")
            if seed is not None:
                np.random.seed(seed)
            yield
    finally:
        np.random.set_state(state)


def significance_threshold(p: np.ndarray, alpha: float, fdr: bool) -> float:
    """The p-value cut-off: ``alpha``, or the Benjamini-Hochberg FDR cut-off.

    Uses :func:`esda.fdr`, which returns ``alpha / n`` (the Bonferroni bound) when no
    test passes the FDR step-up rule.
    """
    if not fdr:
        return float(alpha)
    import esda

    p = np.asarray(p, dtype=float)
    p = p[np.isfinite(p)]
    if p.size == 0:
        return float(alpha)
    return float(esda.fdr(p, alpha))
