"""Timing helpers the benchmarks share."""

import time
from collections.abc import Callable


def best_of(function: Callable, data: bytes, repeat: int) -> float:
    """The fastest of `repeat` runs of `function(data)`, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        best = min(best, time.perf_counter() - start)
    return best
