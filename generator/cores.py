"""How many processes a build may use: declared once for the stages that fork workers."""

from __future__ import annotations

import multiprocessing
import os

MAX_WORKERS = 4


def workers() -> int:
    """The cores this process may use (at most MAX_WORKERS); 1 where fork is not available."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def fork_context():
    return multiprocessing.get_context("fork")
