"""A hyphen at a line's end: the typesetter's ("secu-" + "rity") or the author's ("self-" +
"centered")? The document's own words decide, as a reader would.

- What the document prints elsewhere wins: "security" joins, "self-centered" keeps its hyphen
  (the more frequent form when both occur). Case does not matter: "SciB-" + "ERT" joins when
  the paper prints "SciBERT".
- A compound that goes on ("state-of-the-" + "art") keeps its hyphens when the part before the
  break is a word: compounds are made of words; "self-organi-" + "zation" joins.
- Other compounds with the same first part ("self-aware" for "self-" + "absorbed") keep it,
  unless that first part is short and the second is not a word of the document: "in-" is the
  commonest line-break fragment of all ("in-corporates", "in-formation") as well as a
  compound's head ("in-context").
- Two halves that are both words of the document, four letters or more ("linear-chain",
  "well-known"), or a word before a part that commonly ends compounds ("data-driven",
  "task-specific"), keep it; anything else ("begin-ning") joins.
- A capital after the hyphen keeps it ("COVID-19", "non-English", "Valenzuela-Escarcega"),
  except after a fragment that ends in a capital hump ("SciB-" + "ERT", "DistilB-" + "ERT"):
  no word ends that way.
"""

import re
from collections import Counter
from collections.abc import Iterable

TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
BROKEN = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$")
# Parts that end compounds far more often than they end a word broken by a line.
_TAILS = frozenset(
    "based like specific level aware free scale driven related oriented dependent independent "
    "known defined trained tuned grained shot term".split()
)
_HUMP = re.compile(r"[a-z][A-Z]$")


class Vocabulary:
    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()  # "self-centered" printed inside a line
        self.prefixes: Counter[str] = Counter()  # "self" of those compounds

    def add(self, rows: Iterable) -> None:
        """Count the words of `rows` (lines in reading order, anything with a `text`), leaving
        out the halves of words broken at line ends: they are what the vocabulary must judge."""
        carry = False
        for row in rows:
            text = row.text
            tokens = list(TOKEN.finditer(text))
            if carry and tokens and tokens[0].start() == 0:
                tokens = tokens[1:]
            carry = text.endswith("-") and bool(BROKEN.search(text[-40:]))
            if carry and tokens and tokens[-1].end() == len(text) - 1:
                tokens = tokens[:-1]
            for token in tokens:
                self._count(token.group().lower())

    def add_text(self, text: str) -> None:
        """Count the words of running text (a whole document at once: counted in C, then the
        few distinct compounds split)."""
        counts = Counter(TOKEN.findall(text.lower()))
        for word in [w for w in counts if "-" in w]:
            n = counts.pop(word)
            self.compounds[word] += n
            self.prefixes[word.split("-", 1)[0]] += n
            for part in word.split("-"):
                counts[part] += n
        self.words.update(counts)

    def _count(self, word: str) -> None:
        if "-" in word:
            self.compounds[word] += 1
            self.prefixes[word.split("-", 1)[0]] += 1
            for part in word.split("-"):
                self.words[part] += 1
        else:
            self.words[word] += 1

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """`left` is what precedes the line-end hyphen (a word, or a compound going on:
        "state-of-the"), `right` the word that follows on the next line."""
        last = left.rsplit("-", 1)[-1]
        head, tail = last.lower(), right.lower()
        compound = "-" in left
        as_one = self.compounds[f"{left.lower()}{tail}"] if compound else self.words[head + tail]
        as_two = self.compounds[f"{left}-{right}".lower()]
        if as_one or as_two:
            return as_two > as_one
        if not right[:1].islower():
            # "COVID-" + "19", "non-" + "English"; not "SciB-" + "ERT".
            return not (_HUMP.search(last) and right[:2].isupper())
        if compound:
            return self.words[head] > 0
        if self.prefixes[head] and (len(head) >= 4 or self.words[tail] > 0):
            return True
        if tail in _TAILS and len(head) >= 3 and self.words[head] > 0:
            return True
        return len(head) >= 4 and len(tail) >= 4 and self.words[head] > 0 and self.words[tail] > 0
