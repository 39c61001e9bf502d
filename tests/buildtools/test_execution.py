"""Unit tests of the build's execution scheduling (bookbuild.sphinxext.execution)."""

from concurrent.futures import Future

import pytest

from bookbuild.sphinxext import execution


def future(done: bool) -> Future:
    f = Future()
    if done:
        f.set_result(None)
    return f


def make(order, done, running):
    pending = {name: (None, future(True)) for name in done}
    pending.update({name: (None, future(False)) for name in running})
    return execution._Execution(pool=None, server=None, pending=pending, cache=None, times={},
                                start=0.0, total=len(pending), order=order)


def test_finished_pages_are_read_next_and_the_list_object_is_kept():
    order = ["index", "summary", "slow", "medium", "fast", "ledger"]
    run = make(order, done=["fast", "medium"], running=["slow", "ledger"])
    execution._read_finished_next(run, "index")
    # finished runs first, in the order they were to be read; the rest keep their order
    assert order == ["index", "medium", "fast", "summary", "slow", "ledger"]
    assert run.order is order  # Sphinx iterates this very list


def test_nothing_moves_when_no_run_has_finished_or_the_page_is_unknown():
    order = ["index", "slow", "ledger"]
    run = make(order, done=[], running=["slow", "ledger"])
    execution._read_finished_next(run, "index")
    assert order == ["index", "slow", "ledger"]
    execution._read_finished_next(run, "not-a-page")
    assert order == ["index", "slow", "ledger"]


def test_pages_already_read_stay_where_they_are():
    order = ["a", "b", "c", "d"]
    run = make(order, done=["a", "d"], running=["c"])
    execution._read_finished_next(run, "b")
    assert order == ["a", "b", "d", "c"]


def test_runs_are_ordered_by_last_time_else_by_length_of_code():
    import nbformat

    def page(name, code):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        return execution._Page(name, None, notebook, None, True)

    short, long_ = page("short", "x = 1"), page("long", "y = 2\n" * 2000)
    assert execution._estimated_seconds(long_, {}) > execution._estimated_seconds(short, {})
    assert execution._estimated_seconds(short, {"short": 7.5}) == 7.5  # a measured time wins


def test_one_more_page_than_cores_runs_at_once(monkeypatch):
    import os
    from types import SimpleNamespace

    app = SimpleNamespace(config=SimpleNamespace(bookbuild_execution_workers=0))
    monkeypatch.delenv(execution.WORKERS_ENV, raising=False)
    monkeypatch.setattr(execution, "usable_cores", lambda: 2)
    assert execution._execution_workers(app, 20) == 3
    assert execution._execution_workers(app, 2) == 2
    monkeypatch.setenv(execution.WORKERS_ENV, "1")
    assert execution._execution_workers(app, 20) == 1


def test_the_cache_folder_is_known_from_the_configuration_before_the_environment(tmp_path):
    from pathlib import Path
    from types import SimpleNamespace

    def app(mode, path=""):
        return SimpleNamespace(outdir=str(tmp_path / "_build" / "html"),
                               config=SimpleNamespace(nb_execution_mode=mode, nb_execution_cache_path=path))

    # myst-nb's own default, which is where _cache_folder finds it once the build runs
    assert execution._configured_cache_folder(app("cache")) == (tmp_path / "_build" / ".jupyter_cache").resolve()
    assert execution._configured_cache_folder(app("cache", "elsewhere")) == Path("elsewhere")
    assert execution._configured_cache_folder(app("off")) is None
    assert execution._configured_cache_folder(app("force")) is None


def test_the_server_starts_as_the_extension_is_set_up(monkeypatch, tmp_path):
    from types import SimpleNamespace

    started = []

    class FakeServer:
        def start(self):
            started.append(self)
            return self

    monkeypatch.setattr("bookbuild.forkkernel.ForkServer", FakeServer)
    monkeypatch.delenv(execution.WORKERS_ENV, raising=False)
    monkeypatch.delenv(execution.FORK_ENV, raising=False)
    monkeypatch.setattr(execution, "_one_blas_thread_per_kernel", lambda: None)
    monkeypatch.setattr(execution, "_one_hash_seed_for_all_kernels", lambda: None)
    monkeypatch.setattr(execution, "fork_supported", lambda platform: True)
    config = SimpleNamespace(nb_execution_mode="cache", nb_execution_cache_path="")
    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"), config=config, connect=lambda *a: None,
                          add_config_value=lambda name, default, *a: setattr(config, name, default))
    execution.setup_fresh_builds(app)  # no cache yet: the server starts now, not at the first page
    assert len(started) == 1 and app.bookbuild_early_server is started[0]
    app.config.nb_execution_mode = "off"  # the floor of the benchmark: nothing runs, no server
    app.bookbuild_early_server = None
    execution.setup_fresh_builds(app)
    assert len(started) == 1 and app.bookbuild_early_server is None


def test_cores_come_from_the_affinity_mask(monkeypatch):
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert execution.usable_cores() == 1
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    assert execution.usable_cores() == 64


@pytest.mark.parametrize("platform, forked", [("linux", True), ("darwin", False), ("win32", False),
                                              ("cygwin", False)])
def test_kernels_are_forked_on_linux_only(monkeypatch, platform, forked):
    from types import SimpleNamespace

    monkeypatch.delenv(execution.FORK_ENV, raising=False)
    monkeypatch.setattr(execution._sys, "platform", platform)
    app = SimpleNamespace(config=SimpleNamespace(bookbuild_fork_kernels=True))
    assert execution._fork_kernels(app) is forked
    monkeypatch.setenv(execution.FORK_ENV, "0")
    assert execution._fork_kernels(app) is False


def test_every_kernel_gets_one_hash_seed_unless_the_reader_chose_one(monkeypatch):
    import os

    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    execution._one_hash_seed_for_all_kernels()
    assert os.environ["PYTHONHASHSEED"] == "0"
    monkeypatch.setenv("PYTHONHASHSEED", "123")
    execution._one_hash_seed_for_all_kernels()
    assert os.environ["PYTHONHASHSEED"] == "123"


def test_a_broken_fast_path_is_reported_with_its_reason(tmp_path, caplog):
    # the run itself breaks (a kernel that cannot start): the page is handed to myst-nb and the
    # build says why, page by page and once at the end
    import logging
    from types import SimpleNamespace

    import nbformat

    from jupyter_client.manager import AsyncKernelManager

    class NoKernel(AsyncKernelManager):
        async def start_kernel(self, **kwargs):
            raise RuntimeError("no kernel for you")

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    page = execution._Page("p", tmp_path / "p.md", nb, None, True)
    config = SimpleNamespace(execution_in_temp=False, execution_allow_errors=False, execution_timeout=30)
    result = execution._execute_one(page, config, NoKernel)
    assert isinstance(result, execution._Broken) and "RuntimeError: no kernel for you" in result.reason
    done = Future()
    done.set_result(result)
    run = execution._Execution(pool=None, server=None, pending={"p": (page, done)}, cache=None, times={},
                               start=0.0, total=1)
    with caplog.at_level(logging.INFO):
        execution._cache_run(run, "p")
    assert run.fallbacks == {"p": "RuntimeError: no kernel for you"} and run.cached == 0
    assert "the parallel run broke (RuntimeError: no kernel for you)" in caplog.text
