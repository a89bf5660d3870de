"""Where the batch's tasks run: one seam (`Executor`), three places behind it.

- `InProcess`: here, one after the other (a small folder, or --jobs 1);
- `LocalProcesses`: this machine's cores, in worker processes (the default);
- `DaskCluster`: a Dask distributed cluster, given by its scheduler's address or started on this
  machine (`--executor dask`; the optional extra `readiness[dask]`).

Every executor runs the same module-level function on the same picklable items and yields each
item with what came of it, as they finish; it keeps only a few items in flight, so a folder of any
size costs the same memory. A task that raises, or whose worker dies, comes back as its exception.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 3  # items per worker submitted ahead: enough to keep every worker busy, few enough to hold
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler before saying it cannot be reached


class Executor(Protocol):
    workers: int  # how many tasks run at once

    def run(self, work: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R | Exception]]:
        """`work(item)` for every item, somewhere; each item and its result (or exception) as they finish."""
        ...

    def close(self) -> None: ...


class InProcess:
    workers = 1

    def run(self, work: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R | Exception]]:
        for item in items:
            try:
                yield item, work(item)
            except Exception as exc:
                yield item, exc

    def close(self) -> None:
        pass


class LocalProcesses:
    """Worker processes on this machine.

    `renders`: the tasks render reports. Forked children of a process that has rendered with Pango
    (its threads and caches started) are known to crash, so rendering workers start with
    `forkserver` (else `spawn`): they are forks of a server that has imported the `preload` modules
    once for all of them and never rendered anything. Scoring
    workers are forked on Linux: they start at once, with the content the driver loaded already in
    memory.

    `prepare(argument)`, when given, runs once per worker as soon as the pool is made, so that the
    workers start and load what their tasks need while this process does its own start-up.
    """

    def __init__(
        self,
        workers: int,
        *,
        renders: bool,
        preload: Sequence[str] = (),
        prepare: tuple[Callable[[Any], None], Any] | None = None,
    ) -> None:
        self.workers = workers
        if renders:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        else:
            method = "fork" if sys.platform.startswith("linux") else "spawn"
        self._forks = method == "fork"
        context = multiprocessing.get_context(method)
        if method == "forkserver" and preload:
            context.set_forkserver_preload(list(preload))
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        if prepare is not None:  # each submission starts a worker, up to `workers`
            function, argument = prepare
            for _ in range(workers):
                self._pool.submit(function, argument)

    def run(self, work: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R | Exception]]:
        source = iter(items)
        pending: dict[Future[R], T] = {}

        def submit(count: int) -> None:
            for item in islice(source, count):
                pending[self._pool.submit(work, item)] = item

        # Forked workers share the driver's memory until they write to it, and the garbage collector's
        # scans would write to every object: keep what exists now out of its scans meanwhile.
        if self._forks:
            gc.freeze()
        try:
            submit(self.workers * IN_FLIGHT)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    try:
                        yield item, future.result()
                    except Exception as exc:  # the task raised, or its worker died
                        yield item, exc
                submit(len(done))
        finally:
            if self._forks:
                gc.unfreeze()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """The tasks on a Dask distributed cluster. Every worker must be able to import readiness and
    see the answers and output folders at the same paths (a shared file system)."""

    def __init__(self, client: Any, cluster: Any = None) -> None:
        self._client = client
        self._cluster = cluster  # started here, so closed here
        self.workers = max(1, sum(client.nthreads().values()))

    def run(self, work: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R | Exception]]:
        from distributed import as_completed

        source = iter(items)
        pending: dict[str, T] = {}

        def submit(count: int) -> list[Any]:
            futures = []
            for item in islice(source, count):
                future = self._client.submit(work, item, pure=False)  # pure=False: tasks write files
                pending[future.key] = item
                futures.append(future)
            return futures

        first = submit(self.workers * IN_FLIGHT)
        if not first:
            return
        finished = as_completed(first, loop=self._client.loop)  # this client's, not a default one
        for future in finished:
            item = pending.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # the task raised, or its worker was lost too often
                result = exc
            future.release()
            yield item, result
            for more in submit(1):
                finished.add(more)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()


def dask_cluster(scheduler: str | None, workers: int) -> DaskCluster:
    """A client of the scheduler at `scheduler`, or of a cluster of `workers` processes started here.

    Raises ImportError without the `dask` extra, and OSError (or ValueError for an address that is
    not one) when the scheduler cannot be reached.
    """
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        return DaskCluster(Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False))
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,  # WeasyPrint renders one document at a time per process
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    try:
        return DaskCluster(Client(cluster, set_as_default=False), cluster)
    except BaseException:
        cluster.close()
        raise
