"""The cycle collector paused while millions of objects that are kept, not garbage, are made:
loading a city, unpickling its models or the build cache. Python runs the collector every few
hundred allocations and each run walks the growing heap, for about a third of the time spent."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """The cycle collector off for a while, then on again if it was on. The upload service checks
    several cities at once, in threads: the check that turned it off turns it back on, and a
    check that overlaps it may run part of its time with the collector on (slower, never wrong)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def keep_all() -> None:
    """Everything alive now is kept to the end of the work at hand (a build's model): full
    collections no longer walk it (gc.freeze), ~1.1 of 1.7 s of collecting in a full build of 1,000
    communities. Garbage is still freed when nothing refers to it; only cycles among these objects
    wait for `released`."""
    gc.freeze()


def pause() -> None:
    """The collector off until `released`. A republish: it holds the published build's summaries
    (millions of objects, kept to its end) and makes little garbage; each full collection walked
    them all, ~a CPU-second of a republish at 5,000 communities."""
    gc.disable()


@contextlib.contextmanager
def released():
    """Yields `resume`, which ends a pause and gives back what keep_all kept; leaving does too:
    `juwu serve` and the upload service build again in the same process. Threads building at once
    may end each other's pause or freeze early (slower, never wrong)."""
    was = gc.isenabled()

    def resume() -> None:
        gc.unfreeze()
        if was:
            gc.enable()

    try:
        yield resume
    finally:
        resume()
