"""A closed loop of worker threads, each calling one operation back to back for a
given time or number of calls, recording every call's latency and the CPU time
spent meanwhile by this process and by the process under load."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.common.timing import percentile

Operation = Callable[[], None]
Factory = Callable[[], tuple[Operation, Callable[[], None]]]  # a worker's operation, its close


@dataclass(frozen=True)
class Cell:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, every request
    server_cpu: float | None  # seconds of the server process during the cell
    own_cpu: float  # seconds of this process (client, or the in-process work)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)


def closed_loop(
    factory: Factory,
    workers: int,
    seconds: float,
    max_requests: int,
    read_server_cpu: Callable[[], float | None],
    call_timeout: float,
) -> Cell:
    """``workers`` threads each run the operation back to back until the time or
    the request budget is spent; bounded in both. ``factory`` gives each worker its
    operation and what closes it (a client of its own, say); ``read_server_cpu``
    reads the CPU seconds of the process under load (None when unknown); a worker
    still busy ``2 × call_timeout`` after the end fails the cell."""
    per_worker = max(1, max_requests // workers)
    latencies: list[list[float]] = [[] for _ in range(workers)]
    failures: list[BaseException] = []
    prepared = [factory() for _ in range(workers)]
    start_line = threading.Barrier(workers + 1)
    deadline = 0.0

    def worker(index: int) -> None:
        operation, _ = prepared[index]
        mine = latencies[index]
        start_line.wait()
        clock = time.perf_counter
        try:
            while len(mine) < per_worker:
                began = clock()
                if began >= deadline:
                    break
                operation()
                mine.append(clock() - began)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    cpu_before, server_before = time.process_time(), read_server_cpu()
    began = time.perf_counter()
    deadline = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 2 * call_timeout)
    elapsed = time.perf_counter() - began
    cpu, server_after = time.process_time() - cpu_before, read_server_cpu()
    for _, close in prepared:
        close()
    if failures:
        raise RuntimeError(f"{len(failures)} worker(s) failed") from failures[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a worker did not stop in time")
    every = [value for values in latencies for value in values]
    if not every:
        raise RuntimeError("no request completed")
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )
    return Cell(len(every), elapsed, every, server_cpu, cpu)
