"""Krippendorff's alpha for nominal data, and the figures built on it; pure Python.

Our own code rather than the `krippendorff` package: that package needs numpy (tens of MB for
one formula) and takes a dense coders × units matrix, where our data is sparse (30 members, a
thousand paragraphs, each tagged by a few). The test suite checks these numbers against it.

Data is `{unit: {coder: value}}`; a value is anything hashable (a member's set of roles on a
paragraph is one value: `frozenset({"claim", "evidence"})`). Only units with two values or
more are pairable and count (Krippendorff 2011, "Computing Krippendorff's alpha-reliability",
section on nominal data):

    o_ck = Σ_u Σ_{i≠j} [v_ui = c][v_uj = k] / (m_u − 1)   (the coincidence matrix)
    n_c  = Σ_k o_ck,  n = Σ_c n_c
    α    = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k

Alpha is undefined (None) with no pairable unit, and when every value is the same one (no
variation: the expected disagreement is 0).
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping

Units = Mapping[Hashable, Mapping[Hashable, Hashable]]


def pairable(units: Units) -> dict:
    """The units with two values or more (the others carry no information on agreement)."""
    return {unit: coders for unit, coders in units.items() if len(coders) >= 2}


def _coincidences(counts: Iterable[Counter]) -> tuple[Counter, float]:
    """Per value, n_c (how often it takes part in a pairable pair), and Σ_c o_cc (the pairs of
    equal values), from each unit's count of values."""
    totals: Counter = Counter()
    matching = 0.0
    for count in counts:
        m = sum(count.values())
        if m < 2:
            continue
        for value, n in count.items():
            totals[value] += n
            matching += n * (n - 1) / (m - 1)
    return totals, matching


def _alpha_from(totals: Counter, matching: float) -> float | None:
    n = sum(totals.values())
    if n < 2:
        return None
    observed = n - matching  # Σ_{c≠k} o_ck: every pairable value not matched
    expected = (n * n - sum(t * t for t in totals.values())) / (n - 1)  # Σ_{c≠k} n_c n_k / (n−1)
    if expected == 0:
        return None
    return 1 - observed / expected


def nominal_alpha(units: Units) -> float | None:
    """Krippendorff's alpha (nominal) of the data; None when undefined (module docstring)."""
    return _alpha_from(*_coincidences(Counter(coders.values()) for coders in units.values()))


def coders_of(units: Units) -> set:
    """The coders of the pairable units (those the figure rests on)."""
    return {coder for coders in pairable(units).values() for coder in coders}


def pair_agreement(units: Units, coder: Hashable) -> tuple[float | None, int]:
    """How often `coder` agrees with each other coder of the units they share: the share of
    (coder, other) pairs with the same value, and the number of units it rests on."""
    return pair_agreements(units).get(coder, (None, 0))


def pair_agreements(units: Units) -> dict:
    """`pair_agreement` for every coder, in one pass over the units: in a unit of m coders a
    coder has m − 1 pairs, and agrees in as many as the others who gave their value."""
    agree: dict = {}
    pairs: dict = {}
    shared: dict = {}
    for coders in units.values():
        m = len(coders)
        if m < 2:
            continue
        count = Counter(coders.values())
        for coder, value in coders.items():
            agree[coder] = agree.get(coder, 0) + count[value] - 1
            pairs[coder] = pairs.get(coder, 0) + m - 1
            shared[coder] = shared.get(coder, 0) + 1
    return {coder: (agree[coder] / pairs[coder], shared[coder]) for coder in pairs}


def alpha_without(units: Units, coder: Hashable) -> float | None:
    """The alpha of the others alone: whether this coder raises or lowers the group's
    agreement (Krippendorff's "alpha if a coder is left out")."""
    without = alphas_without(units)
    return without[coder] if coder in without else nominal_alpha(units)


def alphas_without(units: Units) -> dict:
    """`alpha_without` for every coder at once, without recounting: taking one coder (value
    v) out of a unit of m values changes its part of the sums only by what v brought. With
    S = Σ_c n_c (n_c − 1), the unit's matching pairs S / (m − 1) become
    (S − 2 (n_v − 1)) / (m − 2), and n_v loses one; a unit left with one value drops out."""
    counts = {unit: Counter(coders.values()) for unit, coders in units.items()}
    totals, matching = _coincidences(counts.values())
    same = {unit: sum(n * (n - 1) for n in count.values()) for unit, count in counts.items()}
    taken: dict = {}  # coder → [totals' changes, matching's change]
    for unit, coders in units.items():
        m = len(coders)
        if m < 2:
            continue
        count, s = counts[unit], same[unit]
        for coder, value in coders.items():
            change = taken.setdefault(coder, [Counter(), 0.0])
            if m == 2:  # the other value is left alone: the unit drops out
                change[0].update(count)
                change[1] += s / (m - 1)
            else:
                change[0][value] += 1
                change[1] += s / (m - 1) - (s - 2 * (count[value] - 1)) / (m - 2)
    result = {}
    for coder, (fewer, less) in taken.items():
        left = {value: n - fewer[value] for value, n in totals.items() if n > fewer[value]}
        result[coder] = _alpha_from(left, matching - less)
    unchanged = _alpha_from(totals, matching)  # coders of no pairable unit change nothing
    for coders in units.values():
        for coder in coders:
            if coder not in result:
                result[coder] = unchanged
    return result


def contestedness(coders: Mapping[Hashable, Hashable]) -> float:
    """How contested one unit is: the share of its coders' pairs that differ (0: everyone
    gave the same value; near 1: everyone a different one)."""
    m = len(coders)
    if m < 2:
        return 0.0
    same = sum(n * (n - 1) for n in Counter(coders.values()).values())
    return 1 - same / (m * (m - 1))


def reading(alpha: float | None, units: int) -> str:
    """Alpha in plain words, with Krippendorff's own thresholds: 0.8 and above is reliable,
    0.667 to 0.8 allows tentative conclusions, below that members read differently."""
    if alpha is None:
        if units == 0:
            return "Not enough shared tags yet: agreement needs paragraphs that two members tagged."
        return "Everyone gave every shared paragraph the same role: too little variety to measure."
    if alpha >= 0.8:
        words = "Members mostly agree"
    elif alpha >= 0.667:
        words = "Members partly agree"
    elif alpha >= 0.2:
        words = "Members often read paragraphs differently"
    elif alpha >= -0.05:
        words = "Members agree about as often as chance would have them"
    else:
        words = "Members disagree more often than chance would have them"
    if units < 10:
        words += f" (on only {units} paragraph{'s' if units != 1 else ''}: read it with care)"
    return words + "."
