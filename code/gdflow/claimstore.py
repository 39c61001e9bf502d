"""Results of claim checks kept for the rest of a build.

A chapter runs its claims' checks while the book builds, and the claims ledger
runs every registered claim once more. When both run the same check with the same
arguments and the same package, the second run can only repeat the first: the
checks are deterministic (seeded generators, fixed grids). This module lets the
first run leave its result where the ledger finds it.

The store is a folder named by the environment variable ``GDFLOW_CLAIM_STORE``
(the book's Sphinx extension sets it to a folder inside the build's execution
cache; without it nothing is stored or read). One JSON file holds the checks of
one run; it records the package fingerprint and the run's arguments, bound to the
check function's signature with its defaults filled in, and is used only when
both match the current package and the requested run. A stored check's verdict is
not stored: it is decided again from the measured value, the prediction and the
tolerance when the file is read.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import math
import numbers
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["STORE_ENV", "store_folder", "run_key", "save", "load"]

#: Environment variable naming the folder of stored results.
STORE_ENV = "GDFLOW_CLAIM_STORE"


def store_folder() -> Path | None:
    """The folder named by ``GDFLOW_CLAIM_STORE``, or None when storing is off."""
    value = os.environ.get(STORE_ENV, "").strip()
    return Path(value) if value else None


def _plain(value):
    """``value`` as JSON-ready plain data, or raise TypeError for anything else."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise TypeError("non-finite numbers are not keyed")
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    try:  # numpy arrays of numbers
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        np = None
    if np is not None and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return [_plain(v) for v in value.tolist()]
    raise TypeError(f"{type(value).__name__} arguments are not keyed")


def run_key(function, options: dict) -> dict | None:
    """The arguments of ``function(**options)`` with defaults filled in, as plain data.

    None when an argument is not plain data (an objective object, say): such a run
    is not stored, because equal-looking objects need not give equal results.

    Examples
    --------
    >>> def check(num_points=100, radius=1.0):
    ...     pass
    >>> run_key(check, {}) == run_key(check, {"num_points": 100})
    True
    >>> run_key(check, {"radius": 2.0})
    {'num_points': 100, 'radius': 2.0}
    >>> run_key(check, {"radius": object()}) is None
    True
    """
    bound = inspect.signature(function).bind(**options)
    bound.apply_defaults()
    try:
        return {name: _plain(value) for name, value in bound.arguments.items()}
    except TypeError:
        return None


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    from .builds import package_fingerprint

    return package_fingerprint()


def _path(folder: Path, claim_id: str, key: dict) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
    return folder / f"{claim_id}-{digest}.json"


def save(claim_id: str, key: dict | None, checks) -> Path | None:
    """Store the checks of one run of ``claim_id``; return the file, or None if nothing was stored.

    Only runs whose every check passed are stored (a run that failed stops the
    build anyway; a deliberately failing demonstration is no result to reuse).
    """
    folder = store_folder()
    if folder is None or key is None or not checks or not all(c.passed for c in checks):
        return None
    record = {
        "claim": claim_id,
        "fingerprint": _fingerprint(),
        "arguments": key,
        "checks": [
            {"claim": c.claim, "quantity": c.quantity, "observed": c.observed,
             "predicted": c.predicted, "relation": c.relation, "tolerance": c.tolerance,
             "why_tolerance": c.why_tolerance}
            for c in checks
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(folder, claim_id, key)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)  # readers see a whole file or none
    return path


def load(claim_id: str, key: dict | None):
    """The stored checks of ``claim_id`` run with arguments ``key`` by this package, or None."""
    from .claims import Check

    folder = store_folder()
    if folder is None or key is None:
        return None
    try:
        record = json.loads(_path(folder, claim_id, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (record.get("claim") != claim_id or record.get("arguments") != key
            or record.get("fingerprint") != _fingerprint()):
        return None
    try:
        return tuple(Check(**fields) for fields in record["checks"])
    except (KeyError, TypeError, ValueError):
        return None
