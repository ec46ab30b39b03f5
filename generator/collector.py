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
