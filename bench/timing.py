"""Timing helpers the benchmarks share."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best_of(function: Callable, data: bytes, repeat: int) -> float:
    """The fastest of `repeat` runs of `function(data)`, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        best = min(best, time.perf_counter() - start)
    return best


def in_child(module: str, *options, env: dict | None = None, failed: str = "") -> dict:
    """Run `python -m <module> <options>` in a process of its own (a database per process, a
    fresh interpreter per measurement) and answer the JSON its last line prints. DEBUG off, as
    in production: with it on, Django would keep every query in memory. A failure ends the
    benchmark with the child's error (`failed`: what to call it)."""
    result = subprocess.run(
        [sys.executable, "-m", module, *map(str, options)],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "0", **(env or {})},
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{failed or 'the benchmark'} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
