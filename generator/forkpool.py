"""Forked workers that get one call's job in memory: no pickling, and no module state in the parent.

A stage with a big job (a city's loaded sources) forks workers that share it instead of pickling
it. The job goes to each worker as the pool's initializer argument, which the fork start method
hands over in the child's memory. The worker keeps it in `_JOB`, which only a worker process ever
sets: the parent (a build, or the upload service checking several uploads in threads) keeps
nothing between or across calls, so two checks at once can never see each other's data.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from generator import cores

_JOB: object = None  # this worker's job; set once, in a forked worker only (see _receive)


def pool(processes: int, job: object) -> ProcessPoolExecutor:
    """A pool of forked workers whose functions read `job()`; use it as a context manager."""
    return ProcessPoolExecutor(processes, mp_context=cores.fork_context(), initializer=_receive, initargs=(job,))


def job() -> object:
    """The job of the pool this worker belongs to."""
    if _JOB is None:
        raise RuntimeError("forkpool.job() is only available in a forkpool worker")
    return _JOB


def _receive(job: object) -> None:
    global _JOB
    if multiprocessing.parent_process() is None:  # never in the parent: it may serve many calls
        raise RuntimeError("forkpool's initializer runs in worker processes only")
    _JOB = job
