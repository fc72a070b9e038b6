"""Parsing in a child process, so that a bad file cannot take the server down with it.

The binary and markup formats (PDF, DOCX, HTML, JATS) are read by C libraries (pdfium, libxml2)
that can crash, loop or swallow memory on a hostile or broken file. `parse_isolated` runs
`parse_document` in a child process with a wall-clock timeout and an address-space limit, streams
its progress back over a pipe, and turns every way the child can end into either the
`ParsedPaper` or `ImportFailed` with one line a user can read:

- too slow: "The import took longer than 120 s and was stopped." (the child is killed);
- too big: "The import needed more memory than allowed (2048 MB) and was stopped.";
- a crash (a signal, an exit without an answer, an unexpected exception): "The importer crashed
  on this file (segmentation fault)."

Plain text and Markdown are parsed in-process (`papers.services` decides): their pipeline is pure
Python, linear in the input and measured up to 50 MB (bench/import_bench.py), so there is no
parser to crash and nothing gained for the cost of a process and of pickling the result.

No Django here: the limits are arguments; `papers.services` reads them from the settings.
"""

import faulthandler
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import Connection, wait

from .document import ImportFailed, ParsedPaper
from .pipeline import Progress, parse_document

ISOLATED_FORMATS = ("pdf", "docx", "html", "jats")
DEFAULT_TIMEOUT = 120
DEFAULT_MEMORY_MB = 2048

# The child's exit status when it ran out of memory and could not even say so over the pipe.
_OUT_OF_MEMORY = 86
_SIGNALS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGILL: "illegal instruction",
    signal.SIGFPE: "arithmetic error",
    signal.SIGABRT: "aborted",
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
}


def parse_isolated(
    data: bytes,
    *,
    filename: str = "",
    fmt: str | None = None,
    progress: Progress | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    parse=parse_document,
) -> ParsedPaper:
    """`parse(data, filename=, fmt=, progress=)` in a child process, within the limits.

    `progress` is called in this process, with what the child reports. `parse` is there for the
    tests (a parser that sleeps, allocates or crashes); with the "spawn" start method it must be
    importable by name.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, parse, data, filename, fmt, memory_mb),
        name="marginalia-import",
    )
    child.start()
    sender.close()  # the child holds the only writing end: EOF when it is gone
    try:
        return _collect(child, receiver, progress, timeout, memory_mb)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _context():
    # fork: the child starts at once with everything already imported. Elsewhere (macOS,
    # Windows) spawn, which starts a fresh interpreter and imports the parser by name.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _collect(child, receiver: Connection, progress, timeout: float, memory_mb: int) -> ParsedPaper:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ImportFailed(f"The import took longer than {timeout:g} s and was stopped.")
        ready = wait([receiver, child.sentinel], timeout=remaining)
        if receiver in ready:
            try:
                kind, value = receiver.recv()
            except EOFError:
                child.join()
                raise ImportFailed(_death(child.exitcode, memory_mb)) from None
            except Exception as exc:  # an answer that does not unpickle
                raise ImportFailed(_crashed(_describe(exc))) from None
            if kind == "progress":
                if progress is not None:
                    progress(value)
            elif kind == "done":
                return value
            elif kind == "failed":
                raise ImportFailed(value)
            elif kind == "memory":
                raise ImportFailed(_out_of_memory(memory_mb))
            else:
                raise ImportFailed(_crashed(value))
        elif child.sentinel in ready and not receiver.poll():
            child.join()
            raise ImportFailed(_death(child.exitcode, memory_mb))


def _death(exitcode: int | None, memory_mb: int) -> str:
    """The one line for a child that ended without an answer."""
    if exitcode == _OUT_OF_MEMORY:
        return _out_of_memory(memory_mb)
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        try:
            name = _SIGNALS.get(signal.Signals(number)) or signal.strsignal(number)
        except ValueError:
            name = None
        return _crashed(name or f"signal {number}")
    return _crashed(f"exit code {exitcode}")


def _crashed(reason: str) -> str:
    return f"The importer crashed on this file ({reason})."


def _out_of_memory(memory_mb: int) -> str:
    return f"The import needed more memory than allowed ({memory_mb} MB) and was stopped."


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text[:200]}" if text else name


def _child(sender: Connection, parse, data: bytes, filename: str, fmt, memory_mb: int) -> None:
    """The child's whole life: limits, parse, one answer, exit."""
    _die_with_parent()
    _limit_memory(memory_mb)
    # A crash is reported by the parent in one line; no traceback dump on the inherited stderr.
    faulthandler.disable()
    sent = -1

    def report(fraction: float) -> None:
        # Whole percents only: at most a hundred messages, whatever the reader reports.
        nonlocal sent
        percent = int(fraction * 100)
        if percent > sent:
            sent = percent
            sender.send(("progress", fraction))

    try:
        answer = ("done", parse(data, filename=filename, fmt=fmt, progress=report))
    except ImportFailed as exc:
        answer = ("failed", str(exc))
    except MemoryError:
        answer = ("memory", None)
    except RecursionError:
        answer = ("crashed", "too deeply nested")
    except Exception as exc:
        answer = ("crashed", _describe(exc))
    try:
        sender.send(answer)
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)
    except Exception as exc:  # a result that does not pickle
        sender.send(("crashed", _describe(exc)))
    finally:
        sender.close()


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space (RLIMIT_AS): allocations past it fail with MemoryError."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """On Linux, have the kernel kill the child when its parent dies (a worker killed by a
    deployment), rather than leave it parsing for nobody."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
