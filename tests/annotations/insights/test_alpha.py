"""Krippendorff's alpha (annotations/insights/alpha.py): hand-computed cases, Krippendorff's own
worked example, and random data against the reference package (`krippendorff`)."""

import math
import random

import pytest

from annotations.insights import alpha as k

krippendorff = pytest.importorskip("krippendorff", reason="requirements-dev.txt installs it")
np = pytest.importorskip("numpy")


def reference(units: dict) -> float:
    """The package's alpha of the same data: coders × units, NaN where a coder gave nothing,
    each distinct value numbered."""
    coders = sorted({c for coders in units.values() for c in coders})
    values = sorted({v for coders in units.values() for v in coders.values()}, key=repr)
    number = {v: i for i, v in enumerate(values)}
    data = [[number[units[u][c]] if c in units[u] else np.nan for u in units] for c in coders]
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def test_perfect_agreement_with_variety_is_one():
    units = {1: {"a": "claim", "b": "claim"}, 2: {"a": "evidence", "b": "evidence"}}
    assert k.nominal_alpha(units) == 1.0


def test_hand_computed_three_coders():
    # n_T = 2, n_C = 4, n_E = 2 (n = 8); matching pairs 2 + 3 + 1 = 6, so D_o = 2 and
    # D_e = (64 − 4 − 16 − 4) / 7 = 40/7: alpha = 1 − 2 · 7/40 = 0.65.
    units = {
        "abstract": {"olive": "T", "amina": "T"},
        "p0": {"olive": "C", "amina": "C", "ravi": "C"},
        "p1": {"olive": "C", "amina": "E", "ravi": "E"},
    }
    assert k.nominal_alpha(units) == pytest.approx(0.65)
    assert k.nominal_alpha(units) == pytest.approx(reference(units))


def test_systematic_disagreement_is_negative():
    units = {1: {"a": "x", "b": "y"}, 2: {"a": "y", "b": "x"}}
    # n = 4, n_x = n_y = 2; no matching pair: alpha = 1 − 4 · 3 / 8 = −0.5
    assert k.nominal_alpha(units) == pytest.approx(-0.5)


def test_krippendorffs_worked_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with four
    observers, twelve units and missing values: nominal alpha 0.743."""
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = {u: {c: row[u] for c, row in enumerate(rows) if row[u] is not None} for u in range(12)}
    assert k.nominal_alpha(units) == pytest.approx(0.743, abs=0.0005)


def test_undefined_without_pairable_units_or_variety():
    assert k.nominal_alpha({}) is None
    assert k.nominal_alpha({1: {"a": "claim"}, 2: {"b": "evidence"}}) is None  # nobody shares
    assert k.nominal_alpha({1: {"a": "claim", "b": "claim"}}) is None  # one value only


def test_sets_of_roles_are_values_of_their_own():
    both = frozenset({"claim", "evidence"})
    claim = frozenset({"claim"})
    units = {1: {"a": both, "b": claim}, 2: {"a": claim, "b": claim}, 3: {"a": both, "b": both}}
    assert k.nominal_alpha(units) == pytest.approx(reference(units))
    assert k.nominal_alpha(units) < 1


@pytest.mark.parametrize("seed", range(25))
def test_random_data_matches_the_package(seed):
    rng = random.Random(seed)
    coders = [f"m{i}" for i in range(rng.randint(2, 8))]
    roles = ["claim", "evidence", "theory", "method"][: rng.randint(2, 4)]
    units = {}
    for u in range(rng.randint(3, 40)):
        tagged = rng.sample(coders, rng.randint(1, len(coders)))
        # Some agreement: a favourite role per unit, taken most of the time.
        favourite = rng.choice(roles)
        units[u] = {c: favourite if rng.random() < 0.6 else rng.choice(roles) for c in tagged}
    mine = k.nominal_alpha(units)
    theirs = reference(k.pairable(units)) if k.pairable(units) else math.nan
    if mine is None:
        assert math.isnan(theirs) or len({v for c in units.values() for v in c.values()}) == 1
    else:
        assert mine == pytest.approx(theirs, abs=1e-9)


def test_pair_agreement_and_alpha_without():
    units = {
        "p0": {"olive": "C", "amina": "C", "ravi": "C"},
        "p1": {"olive": "C", "amina": "E", "ravi": "E"},
    }
    assert k.pair_agreement(units, "olive") == (pytest.approx(0.5), 2)  # 2 of 4 pairs
    assert k.pair_agreement(units, "amina") == (pytest.approx(0.75), 2)  # 3 of 4
    assert k.pair_agreement(units, "nobody") == (None, 0)
    # Without olive, amina and ravi agree everywhere (but with variety): alpha 1.
    assert k.alpha_without(units, "olive") == 1.0


def test_contestedness():
    assert k.contestedness({"a": "x", "b": "x"}) == 0
    assert k.contestedness({"a": "x", "b": "y"}) == 1
    assert k.contestedness({"a": "x", "b": "y", "c": "y"}) == pytest.approx(2 / 3)
    assert k.contestedness({"a": "x"}) == 0


@pytest.mark.parametrize(
    ("alpha", "units", "words"),
    [
        (0.9, 40, "Members mostly agree."),
        (0.7, 40, "Members partly agree."),
        (0.4, 40, "Members often read paragraphs differently."),
        (0.0, 40, "Members agree about as often as chance would have them."),
        (-0.4, 40, "Members disagree more often than chance would have them."),
        (0.9, 3, "Members mostly agree (on only 3 paragraphs: read it with care)."),
        (None, 0, "Not enough shared tags yet"),
        (None, 5, "too little variety"),
    ],
)
def test_reading_in_plain_words(alpha, units, words):
    assert words in k.reading(alpha, units)


@pytest.mark.parametrize("seed", range(10))
def test_alphas_without_match_recomputing(seed):
    """The one-pass `alphas_without` gives what leaving each coder out and recomputing does."""
    rng = random.Random(seed)
    coders = [f"m{i}" for i in range(rng.randint(2, 7))]
    units = {
        u: {c: rng.choice("abc") for c in rng.sample(coders, rng.randint(1, len(coders)))}
        for u in range(rng.randint(2, 30))
    }
    fast = k.alphas_without(units)
    for coder in coders:
        slow = k.nominal_alpha(
            {u: {c: v for c, v in cs.items() if c != coder} for u, cs in units.items()}
        )
        if slow is None:
            assert fast.get(coder) is None
        elif coder in fast:
            assert fast[coder] == pytest.approx(slow, abs=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_pair_agreements_match_counting_pairs(seed):
    rng = random.Random(seed)
    coders = [f"m{i}" for i in range(rng.randint(2, 6))]
    units = {
        u: {c: rng.choice("ab") for c in rng.sample(coders, rng.randint(1, len(coders)))}
        for u in range(rng.randint(2, 20))
    }
    fast = k.pair_agreements(units)
    for coder in coders:
        pairs = [
            (value == cs[coder])
            for cs in units.values()
            if coder in cs
            for other, value in cs.items()
            if other != coder
        ]
        shared = sum(1 for cs in units.values() if coder in cs and len(cs) >= 2)
        if pairs:
            assert fast[coder] == (pytest.approx(sum(pairs) / len(pairs)), shared)
        else:
            assert coder not in fast
