"""Fast and fresh builds: pages executed in parallel while Sphinx reads, and
re-executed when the gdflow package changes."""

from __future__ import annotations

from pathlib import Path

# ---------------------------------------------------------------------------
# Fast and fresh builds.
#
# myst-nb executes the pages one after another while Sphinx reads them, and its
# jupyter-cache keys a page on its code cells only. These hooks change that:
#
# - as the extension is set up: when nothing is cached for this package yet, the
#   kernel fork server (bookbuild.forkkernel) starts importing at once;
# - ``env-get-outdated``: when the files of the gdflow package differ from the
#   ones the cached outputs were computed with (a fingerprint stored beside the
#   cache), the cached pages that import gdflow are dropped from the cache and
#   handed back to Sphinx to be read, hence executed, again; the pages' kernels
#   are told where to store their claim results (bookbuild.claimstore);
# - ``env-before-read-docs``: every page Sphinx is about to read whose outputs
#   are not cached starts running, several at a time, in kernels forked from
#   the server; pages named in ``bookbuild_execute_last`` (the claims ledger) start
#   when all others have ended. Sphinx reads the pages without code first;
# - ``source-read``: before Sphinx reads an executed page, its run is awaited and
#   its outputs go into the cache, so myst-nb finds the page cached; pages whose
#   runs have finished are read next. A page that fails in its run is left
#   alone: myst-nb runs it again, in an ordinary kernel, and reports the error
#   as it always does;
# - ``doctree-read`` / ``env-updated``: the notebooks myst-nb writes beside the
#   pages get their outputs; ``build-finished`` records the package fingerprint.
# ---------------------------------------------------------------------------

import json as _json
import os as _os
import sys as _sys
import time as _time
from contextlib import nullcontext as _nullcontext
from dataclasses import dataclass as _dataclass
from dataclasses import field as _field
from pathlib import PurePosixPath as _PurePosixPath

#: File beside the cache holding the execution key (package fingerprint and runtime
#: versions, :func:`bookbuild.builds.execution_key`) of the cached outputs.
FINGERPRINT_FILE = "gdflow-package.sha256"
#: Prefix of that file's content while a build with a new key has not finished.
UNFINISHED = "unfinished "
#: File beside the cache holding each page's last execution time (longest pages start first).
TIMES_FILE = "gdflow-execution-times.json"
#: Folder beside the cache where the pages' kernels store their claim results.
CLAIM_STORE_FOLDER = "gdflow-claims"
#: Environment variable that overrides the number of pages executed at once.
WORKERS_ENV = "BOOKBUILD_EXECUTION_WORKERS"
#: Environment variable that, set to 0, starts every kernel the ordinary way.
FORK_ENV = "BOOKBUILD_FORK_KERNELS"


def _logger():
    from sphinx.util import logging as sphinx_logging

    return sphinx_logging.getLogger(__name__)


def _cache_folder(env):
    """The jupyter-cache folder when pages run in ``cache`` mode, else None."""
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not config.execution_cache_path:
        return None
    return Path(config.execution_cache_path)


@_dataclass
class _Page:
    docname: str
    path: Path
    notebook: object
    read_fmt: object
    executable: bool


def _read_page(env, docname):
    """The notebook myst-nb makes of a page (same reader, same kernel alias), or None."""
    import re

    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None:
        for rgx, alias in (config.kernel_rgx_aliases or {}).items():
            if re.fullmatch(rgx, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    # Pages that change how they are executed, or are excluded, stay with myst-nb.
    overrides = notebook.metadata.get(config.metadata_key) or {}
    executable = not any(key.startswith("execution") for key in overrides)
    posix = _PurePosixPath(path.as_posix())
    if any(posix.match(pattern) for pattern in config.execution_excludepatterns or ()):
        executable = False
    return _Page(docname, path, notebook, reader.read_fmt, executable)


def _estimated_seconds(page, times) -> float:
    """The page's run time in the previous build, else a guess from the length of its code
    (a first build has no times; the guess only orders the runs, longest first)."""
    if page.docname in times:
        return float(times[page.docname])
    code = sum(len(cell.source) for cell in page.notebook.cells if cell.cell_type == "code")
    return code / 5000.0


def _execution_workers(app, pages: int) -> int:
    wanted = _os.environ.get(WORKERS_ENV) or app.config.bookbuild_execution_workers or 0
    try:
        wanted = int(wanted)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be an integer, got {wanted!r}") from None
    if wanted <= 0:
        # One page more than there are cores: a kernel spends part of its run starting and
        # shutting down without using its core, which the extra page then uses.
        wanted = usable_cores() + 1
    return max(1, min(wanted, pages))


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which container limits set),
    else the machine's count."""
    try:
        return max(1, len(_os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return _os.cpu_count() or 1


def _fingerprints(app, cache_dir):
    """The package's fingerprint now (hashed once per build) and the one stored beside the
    cache by the last successful build (None if there is none)."""
    from ..builds import execution_key

    if getattr(app, "bookbuild_fingerprint", None) is None:
        app.bookbuild_fingerprint = execution_key()
    stamp = cache_dir / FINGERPRINT_FILE
    try:
        previous = stamp.read_text(encoding="utf-8").strip() or None
    except (OSError, ValueError):  # missing, unreadable or not text: as if never recorded
        previous = None
    return app.bookbuild_fingerprint, previous


def refresh_pages_using_package(app, env, added, changed, removed):
    """``env-get-outdated``: re-execute the pages that import gdflow if the package changed."""
    from ..builds import mentions_package

    cache_dir = _cache_folder(env)
    if cache_dir is None:
        return []
    current, previous = _fingerprints(app, cache_dir)
    # The pages' kernels store their claim results here for the ledger (bookbuild.claimstore);
    # results of another version of the package are removed, not merely ignored.
    from .. import claimstore

    store = cache_dir / CLAIM_STORE_FOLDER
    if previous != current:
        import shutil

        shutil.rmtree(store, ignore_errors=True)
    claimstore.configure(_os.environ, store)
    if previous == current:
        return []
    # The cache may be gone while Sphinx's saved environment still holds pages read with an
    # older package: those pages are read again whether or not there are records to drop.
    dropped = 0
    if (cache_dir / "global.db").is_file():
        dropped = _drop_cached_package_pages(cache_dir, mentions_package)
    # Until this build succeeds, the stamp names no package: pages this build caches and then
    # fails on must not be served to a later build of the old package (an edit reverted).
    _write_stamp(cache_dir, UNFINISHED + current)
    stale = []
    for docname in sorted(env.found_docs - set(added) - set(changed)):
        page = _read_page(env, docname)
        if page is not None and mentions_package(page.notebook):
            stale.append(docname)
    _logger().info(f"[bookbuild] the package changed since the cached outputs were made: "
                   f"dropped {dropped} cached page(s), re-reading {len(stale)} page(s) that import it")
    return stale


def _drop_cached_package_pages(cache_dir, mentions_package) -> int:
    """Remove from the jupyter-cache every record whose notebook imports the package (or
    cannot be read); return how many were removed."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    dropped = 0
    for record in cache.list_cache_records():
        try:
            notebook = cache.get_cache_bundle(record.pk).nb
        except (KeyError, OSError, ValueError):
            notebook = None
        if notebook is None or mentions_package(notebook):
            try:
                cache.remove_cache(record.pk)
            except KeyError:
                pass
            dropped += 1
    return dropped


def _load_times(cache_dir) -> dict:
    """The last build's run time of each page; empty if the file is missing or not a JSON
    object of numbers (the times only order the runs, so a bad file costs nothing)."""
    try:
        times = _json.loads((cache_dir / TIMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(times, dict):
        return {}
    return {name: float(seconds) for name, seconds in times.items()
            if isinstance(name, str) and isinstance(seconds, (int, float))
            and not isinstance(seconds, bool)}


@_dataclass
class _Broken:
    """A run that broke outside the page's cells (the kernel did not start, or died)."""

    reason: str
    err = None


def _execute_one(page, config, kernel_manager_class=None):
    """Run one page in its own kernel, as myst-nb would.

    Returns jupyter-cache's result (whose ``err`` is set when a cell raised), or a
    :class:`_Broken` naming the exception when the run itself broke; the page then runs
    again, the ordinary way, while Sphinx reads it, and the build says so.
    """
    from tempfile import TemporaryDirectory

    from jupyter_cache.executors.utils import single_nb_execution

    extra = {} if kernel_manager_class is None else {"kernel_manager_class": kernel_manager_class}
    cwd_context = TemporaryDirectory() if config.execution_in_temp else _nullcontext(str(page.path.parent))
    try:
        with cwd_context as cwd:
            return single_nb_execution(page.notebook, cwd=_os.path.abspath(cwd),
                                       allow_errors=config.execution_allow_errors,
                                       timeout=config.execution_timeout, meta_override=True,
                                       shutdown_kernel="immediate", **extra)
    except Exception as exc:  # a kernel that did not start, or died: myst-nb retries and reports it
        return _Broken(f"{type(exc).__name__}: {exc}".strip().rstrip(":"))


def execute_pages_in_parallel(app, env, docnames):
    """``env-before-read-docs``: start executing the uncached pages to be read, several
    at once, and reorder the reading so that Sphinx works while they run.

    Sphinx reads first the pages that need no execution, then the executed ones in
    the order they were started; ``source-read`` (:func:`wait_for_page`) holds each of
    those until its run has finished and its outputs are in the cache. Pages named in
    ``bookbuild_execute_last`` start only when every other page has finished (the claims
    ledger takes results the chapters stored) and are read last.
    """
    from concurrent.futures import ThreadPoolExecutor, wait
    import threading

    app.bookbuild_read_docs = list(docnames)
    cache_dir = _cache_folder(env)
    if cache_dir is None or not docnames:
        _stop_early_server(app)
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    todo = []
    for docname in docnames:
        page = _read_page(env, docname)
        if page is None or not page.executable:
            continue
        try:
            cache.match_cache_notebook(page.notebook)
        except KeyError:
            todo.append(page)
    workers = _execution_workers(app, len(todo))
    if workers < 2:
        _stop_early_server(app)
        return  # nothing to overlap: myst-nb runs a lone page itself
    _one_blas_thread_per_kernel()
    times = _load_times(cache_dir)
    last_names = set(app.config.bookbuild_execute_last or ())
    todo.sort(key=lambda p: (p.docname in last_names, -_estimated_seconds(p, times), p.docname))
    first = [p for p in todo if p.docname not in last_names]
    last = [p for p in todo if p.docname in last_names]
    config = env.mystnb_config
    logger = _logger()
    logger.info(f"[bookbuild] executing {len(todo)} page(s), {workers} at a time")
    server = None
    if _fork_kernels(app):
        from ..forkkernel import ForkServer

        server, app.bookbuild_early_server = getattr(app, "bookbuild_early_server", None), None
        try:
            server = server or ForkServer().start()
        except OSError as exc:
            logger.info(f"[bookbuild] kernels start the ordinary way ({exc})")
            server = None
    slots = threading.Semaphore(workers)
    # The runs wait for the server's imports, not Sphinx, which reads meanwhile.
    manager_lock, managers = threading.Lock(), []

    def kernel_manager():
        with manager_lock:
            if not managers:
                try:
                    managers.append(server.wait_ready().kernel_manager_class() if server else None)
                except RuntimeError as exc:
                    logger.info(f"[bookbuild] kernels start the ordinary way ({exc})")
                    managers.append(None)
            return managers[0]

    def run(page, after=()):
        wait(after)
        with slots:
            if not threading.main_thread().is_alive():
                # The build stopped (Ctrl-C, an error): Python waits for these threads as it
                # exits, so a page still queued must not start a kernel now.
                return _Broken("the build stopped before this page started")
            return _execute_one(page, config, kernel_manager())

    pool = ThreadPoolExecutor(max_workers=len(todo) + 1, thread_name_prefix="bookbuild-exec")
    pending = {}
    for page in first:
        pending[page.docname] = (page, pool.submit(run, page))
    earlier = [future for _, future in pending.values()]
    for page in last:
        pending[page.docname] = (page, pool.submit(run, page, earlier))
    if server is not None:  # once every run is over, stop the server without holding up Sphinx
        everything = [future for _, future in pending.values()]
        pool.submit(lambda: (wait(everything), server.close()))
    execution = _Execution(pool, server, pending, cache, times, _time.perf_counter(), len(todo))
    app.bookbuild_execution = execution
    started = [p.docname for p in todo]
    if app.parallel > 1:  # pages are read in other processes: finish every run first
        for docname in started:
            wait_for_page(app, docname, None)
        return
    # Read the pages that need no run while the runs go on, then the runs as they finish.
    rest = [d for d in docnames if d not in pending]
    docnames[:] = rest + started
    execution.order = docnames


@_dataclass
class _Execution:
    """The runs started by :func:`execute_pages_in_parallel` and what they need to finish."""

    pool: object
    server: object
    pending: dict
    cache: object
    times: dict
    start: float
    total: int
    cached: int = 0
    #: The list of pages Sphinx is reading, in its order (None: not reordered).
    order: list | None = None
    #: Executed notebooks waiting to be written beside the pages (see write_executed_notebook).
    executed: dict = _field(default_factory=dict)
    #: Pages whose parallel run broke outside their cells, with the reason.
    fallbacks: dict = _field(default_factory=dict)


def wait_for_page(app, docname, source):
    """``source-read``: wait for this page's run, if one was started, and cache its outputs.

    A page whose run failed is left alone: myst-nb runs it again while reading it and
    reports the error as it always does.
    """
    execution = getattr(app, "bookbuild_execution", None)
    if execution is None:
        return
    try:
        _cache_run(execution, docname)
    finally:
        _read_finished_next(execution, docname)


def _read_finished_next(execution, current):
    """Move the pages whose runs have finished to the front of the pages still to be read.

    Sphinx reads ``execution.order`` (the very list it iterates) one page at a time, so
    a page that is ready is read next instead of after a page still running.
    """
    order = execution.order
    if order is None or current not in order:
        return
    at = order.index(current) + 1
    tail = order[at:]
    ready = [d for d in tail if d in execution.pending and execution.pending[d][1].done()]
    if ready:
        order[at:] = ready + [d for d in tail if d not in ready]


def _cache_run(execution, docname):
    from jupyter_cache.base import CacheBundleIn

    if docname not in execution.pending:
        return
    page, future = execution.pending.pop(docname)
    result = future.result()
    logger = _logger()
    if isinstance(result, _Broken):
        execution.fallbacks[page.docname] = result.reason
        logger.info(f"[bookbuild] {page.docname}: the parallel run broke ({result.reason}); "
                    f"myst-nb runs the page again in an ordinary kernel")
        return
    if result.err is not None:
        logger.info(f"[bookbuild] {page.docname}: a cell raised {type(result.err).__name__}; "
                    f"myst-nb runs the page again and reports the error")
        return
    stage = execution.cache.add_nb_to_project(str(page.path), read_data=page.read_fmt)
    execution.cache.cache_notebook_bundle(
        CacheBundleIn(page.notebook, stage.uri, data={"execution_seconds": result.time}),
        check_validity=False, overwrite=True)
    execution.times[page.docname] = round(result.time, 3)
    execution.executed[page.docname] = page.notebook  # executed in place: it has the outputs
    execution.cached += 1
    logger.info(f"[bookbuild] executed {page.docname} in {result.time:.2f} s")


#: Thread-count variables of the BLAS libraries numpy and scipy may use.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_blas_thread_per_kernel():
    """Pages run one per core, so each kernel's BLAS gets one thread (unless the reader
    set these variables). Several kernels each starting a thread per core fight over the
    cores: a 401x401 eigendecomposition took 0.45-1.8 s that way against 0.013 s.
    """
    for name in BLAS_THREAD_VARIABLES:
        _os.environ.setdefault(name, "1")


def _one_hash_seed_for_all_kernels():
    """Give every kernel, forked or ordinary, the hash seed 0 (unless the reader set
    PYTHONHASHSEED). A forked kernel keeps its server's seed, so forked and ordinary
    kernels agree on ``hash()`` and on the order of sets of strings only if they all
    share one; a fixed seed also makes two builds agree."""
    _os.environ.setdefault("PYTHONHASHSEED", "0")


def _configured_cache_folder(app):
    """The folder :func:`_cache_folder` will give, read from the configuration alone (as
    myst-nb will set it), for use before the build environment exists; else None."""
    if app.config.nb_execution_mode != "cache":
        return None
    path = app.config.nb_execution_cache_path
    return Path(path) if path else Path(app.outdir).parent.joinpath(".jupyter_cache").resolve()


def start_server_early(app):
    """When every page will run (no cache yet, or the package changed), start the kernels'
    fork server as the extension is set up, so that its imports overlap Sphinx's start-up."""
    cache_dir = _configured_cache_folder(app)
    if cache_dir is None or not _fork_kernels(app) or _execution_workers(app, 2) < 2:
        return
    current, previous = _fingerprints(app, cache_dir)
    if (cache_dir / "global.db").is_file() and previous == current:
        return  # an incremental build: most pages are cached, start the server only if needed
    from ..forkkernel import ForkServer

    _one_blas_thread_per_kernel()
    try:
        app.bookbuild_early_server = ForkServer().start()
    except OSError:
        app.bookbuild_early_server = None
    else:
        _logger().info("[bookbuild] no cached outputs for this package yet: kernel server starting")


def _stop_early_server(app):
    server, app.bookbuild_early_server = getattr(app, "bookbuild_early_server", None), None
    if server is not None:
        server.close()


def finish_execution(app, *args):
    """``env-updated`` and ``build-finished``: collect what is left, stop the kernels'
    server, and store each page's run time (the longest pages start first next time)."""
    _stop_early_server(app)
    execution = getattr(app, "bookbuild_execution", None)
    if execution is None:
        return
    app.bookbuild_execution = None
    try:
        for docname in list(execution.pending):
            _cache_run(execution, docname)
    finally:
        execution.pool.shutdown(wait=True)
        if execution.server is not None:
            execution.server.close()
    cache_dir = _cache_folder(app.env)
    if cache_dir is not None:
        (cache_dir / TIMES_FILE).write_text(_json.dumps(execution.times, indent=1, sort_keys=True),
                                            encoding="utf-8")
    _logger().info(f"[bookbuild] executed and cached {execution.cached} of {execution.total} page(s) "
                   f"in {_time.perf_counter() - execution.start:.1f} s")
    if execution.fallbacks:
        reasons = sorted(set(execution.fallbacks.values()))
        _logger().info(f"[bookbuild] the fast path broke for {len(execution.fallbacks)} page(s), which ran "
                       f"again in ordinary kernels: {'; '.join(reasons)}")


def _fork_kernels(app) -> bool:
    """Whether kernels are forked from a pre-loaded server (config ``bookbuild_fork_kernels``;
    the environment variable ``BOOKBUILD_FORK_KERNELS=0`` turns it off)."""
    env = _os.environ.get(FORK_ENV, "").strip().lower()
    if env in {"0", "false", "no", "off"}:
        return False
    # Linux only: macOS does not support fork without exec after its system frameworks
    # are loaded (numpy's Accelerate), and Windows has no fork.
    return bool(app.config.bookbuild_fork_kernels) and fork_supported(_sys.platform)


def fork_supported(platform: str) -> bool:
    """Whether kernels may be forked on ``platform`` (``sys.platform``)."""
    return platform.startswith("linux")


def record_package_fingerprint(app, exception):
    """``build-finished``: after a successful build, store which package made the cached outputs."""
    fingerprint = getattr(app, "bookbuild_fingerprint", None)
    cache_dir = _cache_folder(app.env)
    if exception is not None or fingerprint is None or cache_dir is None:
        return
    _write_stamp(cache_dir, fingerprint)


def _write_stamp(cache_dir, text):
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / FINGERPRINT_FILE).write_text(text + "\n", encoding="utf-8")


def setup_fresh_builds(app):
    """Register the parallel pre-execution and the package-aware cache invalidation."""
    app.add_config_value("bookbuild_execution_workers", 0, "", [int])
    app.add_config_value("bookbuild_fork_kernels", True, "", [bool])
    app.connect("env-get-outdated", refresh_pages_using_package)
    app.add_config_value("bookbuild_execute_last", [], "", [list, tuple])
    app.connect("env-before-read-docs", execute_pages_in_parallel)
    app.connect("source-read", wait_for_page)
    app.connect("doctree-read", write_executed_notebook)
    app.connect("env-updated", finish_execution)
    app.connect("build-finished", finish_execution)
    app.connect("build-finished", record_package_fingerprint)
    app.connect("env-updated", restore_executed_notebooks)
    _one_hash_seed_for_all_kernels()
    start_server_early(app)  # needs the config values above; Sphinx is still starting


def _write_with_outputs(app, docname, notebook) -> bool:
    """Write ``notebook`` where myst-nb keeps the page's notebook, glued values taken out of
    the cell outputs as myst-nb does; False if myst-nb wrote no notebook for the page."""
    import copy

    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell

    folder = Path(app.env.mystnb_config.output_folder)
    target = folder.joinpath(*(docname + ".ipynb").split("/"))
    if not target.is_file():
        return False
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            extract_glue_data_cell(cell)
    target.write_bytes(nbformat.writes(notebook).encode("utf-8"))
    return True


def write_executed_notebook(app, doctree):
    """``doctree-read``: once myst-nb has written a page's notebook (without outputs, as it
    does for outputs it takes from the cache), write it again with the outputs of the run
    just made, while the other pages are still running."""
    execution = getattr(app, "bookbuild_execution", None)
    docname = app.env.docname
    if execution is None or docname not in execution.executed:
        return
    if _write_with_outputs(app, docname, execution.executed.pop(docname)):
        app.bookbuild_notebooks_written = getattr(app, "bookbuild_notebooks_written", set()) | {docname}


def restore_executed_notebooks(app, env):
    """``env-updated``: put the outputs back into the notebooks myst-nb wrote for the pages read.

    myst-nb writes each page's notebook to ``_build/jupyter_execute``; when it
    took the outputs from the cache (as it does for every page executed in
    parallel) it writes the notebook as read, without outputs. This writes the
    cached outputs in, as a page that myst-nb executed itself would have them.
    """
    import nbformat

    cache_dir = _cache_folder(env)
    docnames = getattr(app, "bookbuild_read_docs", None)
    if cache_dir is None or not docnames or not (cache_dir / "global.db").is_file():
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    folder = Path(env.mystnb_config.output_folder)
    written = getattr(app, "bookbuild_notebooks_written", set())
    for docname in docnames:
        target = folder.joinpath(*(docname + ".ipynb").split("/"))
        if docname in written or not target.is_file():
            continue
        notebook = nbformat.reads(target.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if not code or any(cell.get("outputs") for cell in code):
            continue
        try:
            _, merged = cache.merge_match_into_notebook(notebook)
        except KeyError:
            continue
        _write_with_outputs(app, docname, merged)
