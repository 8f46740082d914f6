"""The pages the execution cache lacks, executed several at once before Sphinx reads them.

MyST-NB executes a page while Sphinx reads it, one page after the other, and executing is nearly
all of a cold build's time. On Sphinx's `env-before-read-docs` event this extension makes each
page's notebook as MyST-NB will (with its key of imported modules, execution_key.py), asks
jupyter-cache which of them it lacks, executes those in a pool of processes (one per core, the
longest first) and stores each one that succeeds in the cache, as MyST-NB would. MyST-NB then
finds every page in the cache: the site is the one a serial build writes. A page that fails is
not stored; it is read first, so that MyST-NB executes it again at once and fails the build with
its usual report.

With several kernels at once, each one's BLAS and OpenMP get their share of the cores (one thread
each on two cores), so that they do not fight over them; no page asserts on a timing.

The cache lives in the book's folder (a relative `execute.cache` of _config.yml is taken from
there, not from the current directory), so builds into other output folders (the tests') share
it. Only the building process writes to it, and a lock file beside it lets one build at a time
execute and read pages: a concurrent build (the tests beside `python3 dev.py book`) waits, then
finds the pages cached.

`execution_jobs` (Sphinx configuration) is how many pages run at once; 0, the default, is one per
core this process may use; 1 leaves execution to MyST-NB.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import re
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import nullcontext
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from typing import NamedTuple

from execution_key import keyed_source
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from sphinx.util import logging

logger = logging.getLogger(__name__)

# What numerical libraries read for their number of threads.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_held_locks: dict[int, int] = {}  # id(app) -> the open lock file, while the app holds it


class Page(NamedTuple):
    docname: str
    path: Path
    notebook: dict
    nb_config: NbParserConfig
    read_fmt: dict | None


def resolve_cache_path(app, config) -> None:
    """A relative `nb_execution_cache_path` is relative to the book's folder."""
    path = config.nb_execution_cache_path
    if path and not Path(path).is_absolute():
        config.nb_execution_cache_path = str(Path(app.srcdir, path).resolve())


def _cache_path(app) -> Path:
    return Path(app.env.mystnb_config.execution_cache_path)


def _lock(app) -> None:
    """Hold the lock beside the execution cache (waiting for another build that holds it)."""
    lock = _cache_path(app).with_name(_cache_path(app).name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.info(f"waiting for another build using the execution cache ({lock}) ...")
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    _held_locks[id(app)] = descriptor


def unlock(app, *_) -> None:
    descriptor = _held_locks.pop(id(app), None)
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _page(app, docname: str) -> Page | None:
    """The page's notebook and configuration as MyST-NB will read it, if MyST-NB caches it."""
    env = app.env
    path = Path(env.doc2path(docname))
    text, _ = keyed_source(env, docname, path.read_text(encoding=app.config.source_encoding))
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    nb_config = env.mystnb_config
    kernelspec = notebook.metadata.get("kernelspec", {})
    for pattern, alias in nb_config.kernel_rgx_aliases.items():
        if kernelspec.get("name") is not None and re.fullmatch(pattern, kernelspec["name"]):
            kernelspec["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:
            return None  # MyST-NB warns about it when it reads the page
    posix_path = PurePosixPath(path.as_posix())
    if nb_config.execution_mode != "cache" or any(
        posix_path.match(pattern) for pattern in nb_config.execution_excludepatterns
    ):
        return None
    return Page(docname, path, notebook, nb_config, reader.read_fmt)


def _jobs(app) -> int:
    return app.config.execution_jobs or len(os.sched_getaffinity(0))


def _share_the_cores(threads: int) -> None:
    """Run in each worker: its kernels' numerical libraries use ``threads`` threads, unless the
    environment sets them."""
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, str(threads))


def _execute(notebook: dict, cwd: str, in_temp: bool, timeout: int | None, allow_errors: bool):
    """Run in a worker: the notebook executed as MyST-NB's cache client executes it, with its
    seconds and, if it failed, the error."""
    with TemporaryDirectory() if in_temp else nullcontext(cwd) as folder:
        result = single_nb_execution(
            notebook,
            cwd=os.path.abspath(folder),
            allow_errors=allow_errors,
            timeout=timeout,
            meta_override=True,
        )
    return notebook, result.time, None if result.err is None else type(result.err).__name__


def _expected_seconds(cache, pages: list[Page]) -> dict[Path, float | None]:
    """Each page's seconds when it was last executed, as far as the cache remembers."""
    last: dict[str, tuple] = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None and (
            record.uri not in last or record.created > last[record.uri][0]
        ):
            last[record.uri] = (record.created, seconds)
    return {page.path: last.get(str(page.path), (None, None))[1] for page in pages}


def execute_lacking_pages(app, env, docnames: list[str]) -> None:
    """Sphinx's `env-before-read-docs` handler: the pages about to be read that the cache lacks,
    executed (several at once) and cached; one that fails is moved to be read first."""
    if env.mystnb_config.execution_mode != "cache":
        return
    _lock(app)
    jobs = _jobs(app)
    if jobs < 2:
        return
    cache = get_cache(str(_cache_path(app)))
    lacking = []
    for docname in docnames:
        page = _page(app, docname)
        if page is None:
            continue
        try:
            cache.match_cache_notebook(page.notebook)
        except KeyError:
            lacking.append(page)
    if not lacking:
        return
    # Longest first: the pages executed before, by their last time; new pages by their code.
    seconds = _expected_seconds(cache, lacking)
    lacking.sort(
        key=lambda page: (
            seconds[page.path] is not None,
            -(seconds[page.path] or 0),
            -sum(len(cell.source) for cell in page.notebook.cells if cell.cell_type == "code"),
        )
    )
    jobs = min(jobs, len(lacking))
    logger.info(f"executing {len(lacking)} pages, {jobs} at once ...")
    started = time.perf_counter()
    stored, failed = 0, []
    with ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_share_the_cores,
        initargs=(max(1, len(os.sched_getaffinity(0)) // jobs),),
    ) as pool:
        running = {
            pool.submit(
                _execute,
                page.notebook,
                str(page.path.parent),
                page.nb_config.execution_in_temp,
                page.nb_config.execution_timeout,
                page.nb_config.execution_allow_errors,
            ): page
            for page in lacking
        }
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                page = running.pop(future)
                try:
                    notebook, page_seconds, error = future.result()
                except Exception as crash:  # the worker died: MyST-NB executes the page itself
                    error = type(crash).__name__
                if error is not None:
                    logger.info(
                        f"executing the page failed ({error}); it is read first, to report it",
                        location=page.docname,
                    )
                    failed.append(page.docname)
                    if page.nb_config.execution_raise_on_error:  # the build fails: soon
                        for waiting in [other for other in running if other.cancel()]:
                            del running[waiting]
                    continue
                _store(cache, page, notebook, page_seconds)
                stored += 1
                logger.info(
                    f"Executed notebook in {page_seconds:.2f} seconds", location=page.docname
                )
    seconds_taken = time.perf_counter() - started
    logger.info(f"executed and cached {stored} of {len(lacking)} pages in {seconds_taken:.0f} s")
    for docname in reversed(failed):
        docnames.remove(docname)
        docnames.insert(0, docname)


def _store(cache, page: Page, notebook: dict, seconds: float) -> None:
    """The executed notebook in the cache, as MyST-NB's cache client stores it."""
    if page.read_fmt is not None:
        record = cache.add_nb_to_project(str(page.path), read_data=page.read_fmt)
    else:
        record = cache.add_nb_to_project(str(page.path))
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, record.uri, data={"execution_seconds": seconds}),
        check_validity=False,
        overwrite=True,
    )


def setup(app):
    app.setup_extension("execution_key")
    app.add_config_value("execution_jobs", 0, "", int)
    app.connect("config-inited", resolve_cache_path)
    app.connect("env-before-read-docs", execute_lacking_pages)
    app.connect("env-updated", unlock)
    app.connect("build-finished", unlock)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
