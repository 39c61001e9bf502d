"""Results of claim checks kept for the rest of a build.

A chapter runs its claims' checks while the book builds, and the claims ledger
runs every registered claim once more. When both run the same check with the same
arguments and the same package, the second run can only repeat the first: the
checks are deterministic (seeded generators, fixed grids). This module lets the
first run leave its result where the ledger finds it.

:class:`FolderStore` is the result store :mod:`gdflow.claims` asks (its protocol
:class:`gdflow.claims.ResultStore`). The book's Sphinx extension points
``gdflow.claims`` at it through two environment variables the pages' kernels
inherit (:func:`configure`): ``GDFLOW_CLAIM_STORE`` names this module's factory,
``BOOKBUILD_CLAIM_STORE`` the folder, inside the build's execution cache. Without
them nothing is stored or read.

One JSON file holds the checks of one run; it records the package fingerprint and
the run's arguments, bound to the check function's signature with its defaults
filled in, and is used only when both match the current package and the requested
run. A stored check's verdict is not stored: it is decided again from the measured
value, the prediction and the tolerance when the file is read.
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

__all__ = ["FOLDER_ENV", "FACTORY", "configure", "from_environment", "FolderStore", "run_key"]

#: Environment variable naming the folder of stored results.
FOLDER_ENV = "BOOKBUILD_CLAIM_STORE"
#: The factory ``gdflow.claims`` loads (the value of its ``RESULT_STORE_ENV``).
FACTORY = "bookbuild.claimstore:from_environment"


def configure(environ, folder) -> None:
    """Point ``gdflow.claims`` at a :class:`FolderStore` in ``folder`` through ``environ``
    (``os.environ`` for the build's kernels, which inherit it)."""
    from gdflow.claims import RESULT_STORE_ENV

    environ[RESULT_STORE_ENV] = FACTORY
    environ[FOLDER_ENV] = str(Path(folder).resolve())


def from_environment() -> "FolderStore | None":
    """The store in the folder named by ``BOOKBUILD_CLAIM_STORE``, or None when it is unset."""
    value = os.environ.get(FOLDER_ENV, "").strip()
    return FolderStore(value) if value else None


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
    from .builds import execution_key

    return execution_key()


class FolderStore:
    """Claim results kept as JSON files in one folder (see the module's notes).

    Implements :class:`gdflow.claims.ResultStore`.
    """

    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, claim_id: str, key: dict) -> Path:
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
        return self.folder / f"{claim_id}-{digest}.json"

    def save(self, claim_id: str, function, options: dict, checks) -> Path | None:
        """Store the checks of one run of ``claim_id``; return the file, or None if nothing
        was stored.

        Only runs whose every check passed are stored (a run that failed stops the
        build anyway; a deliberately failing demonstration is no result to reuse), and
        only runs whose arguments are plain data (:func:`run_key`).
        """
        key = run_key(function, options)
        if key is None or not checks or not all(c.passed for c in checks):
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
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(claim_id, key)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)  # readers see a whole file or none
        return path

    def load(self, claim_id: str, function, options: dict):
        """The stored checks of ``claim_id`` run with these arguments by this package, or None."""
        from gdflow.claims import Check

        key = run_key(function, options)
        if key is None:
            return None
        try:
            record = json.loads(self._path(claim_id, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (not isinstance(record, dict) or record.get("claim") != claim_id
                or record.get("arguments") != key or record.get("fingerprint") != _fingerprint()):
            return None
        try:
            return tuple(Check(**fields) for fields in record["checks"])
        except (KeyError, TypeError, ValueError):
            return None
