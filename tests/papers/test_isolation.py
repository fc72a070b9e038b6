"""papers.importing.isolation: a parser that hangs, swallows memory or crashes is a failed
import with one line, never a dead or stuck process. The fake parsers stand in for a PDF library
meeting a hostile file; they live at module level so that "spawn" could import them too."""

import ctypes
import os
import time

import pytest

from papers.importing import ImportFailed, parse_document
from papers.importing.isolation import parse_isolated

# Fork from a process with threads (pytest's, after the browser tests) is what Python 3.12 warns
# about; the child only parses, and the timeout bounds a child that deadlocks all the same.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")

PAPER = b"""# A Paper

## Introduction

A claim with a citation (Smith 2020), and a second sentence to make it a paragraph.

## References

- Smith, J. (2020). A work. Press.
"""


def sleepy_parse(data, *, filename="", fmt=None, progress=None):
    progress(0.1)
    time.sleep(30)


def greedy_parse(data, *, filename="", fmt=None, progress=None):
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def exiting_parse(data, *, filename="", fmt=None, progress=None):
    os._exit(1)


def segfaulting_parse(data, *, filename="", fmt=None, progress=None):
    ctypes.string_at(0)


def buggy_parse(data, *, filename="", fmt=None, progress=None):
    raise KeyError("page 3")


def refusing_parse(data, *, filename="", fmt=None, progress=None):
    raise ImportFailed("This PDF is encrypted.")


def counting_parse(data, *, filename="", fmt=None, progress=None):
    for step in range(1, 101):
        progress(step / 200)  # 0.005 .. 0.5: only whole percents cross the pipe
    return parse_document(data, filename=filename, fmt=fmt)


def test_it_returns_what_the_parser_returns():
    isolated = parse_isolated(PAPER, filename="paper.md")
    assert isolated == parse_document(PAPER, filename="paper.md")
    assert isolated.citations and isolated.citations[0].reference == 0


def test_it_streams_progress_back_in_whole_percents():
    seen = []
    parse_isolated(PAPER, progress=seen.append, parse=counting_parse)
    assert seen == sorted(seen)
    assert len(seen) == 51 and seen[0] == 0.005 and seen[-1] == 0.5


def test_the_parsers_own_refusal_comes_back_as_it_is():
    with pytest.raises(ImportFailed, match=r"^This PDF is encrypted\.$"):
        parse_isolated(PAPER, parse=refusing_parse)


def test_a_parser_that_takes_too_long_is_stopped():
    seen = []
    started = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        parse_isolated(PAPER, progress=seen.append, timeout=0.5, parse=sleepy_parse)
    assert str(caught.value) == "The import took longer than 0.5 s and was stopped."
    assert time.monotonic() - started < 5
    assert seen == [0.1]


def test_a_parser_that_wants_too_much_memory_is_stopped():
    with pytest.raises(ImportFailed) as caught:
        parse_isolated(PAPER, memory_mb=256, parse=greedy_parse, timeout=30)
    assert str(caught.value) == (
        "The import needed more memory than allowed (256 MB) and was stopped."
    )


@pytest.mark.parametrize(
    ("parse", "reason"),
    [
        (exiting_parse, "exit code 1"),
        (segfaulting_parse, "segmentation fault"),
        (buggy_parse, "KeyError: 'page 3'"),
    ],
    ids=["exit", "segfault", "exception"],
)
def test_a_crashing_parser_is_a_failed_import_with_one_line(parse, reason):
    with pytest.raises(ImportFailed) as caught:
        parse_isolated(PAPER, parse=parse)
    assert str(caught.value) == f"The importer crashed on this file ({reason})."


def test_this_process_lives_on_after_a_crash():
    with pytest.raises(ImportFailed):
        parse_isolated(PAPER, parse=segfaulting_parse)
    assert parse_isolated(PAPER).title == "A Paper"
