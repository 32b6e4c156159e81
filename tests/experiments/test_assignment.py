"""experiments.assignment: GrowthBook's bucketing, uniform, independent across experiments, sticky.

The statistical tests run over a fixed list of unit ids, the user ids "1" to "100000" (sequential
ids that differ only in their last characters, the hardest case for a string hash), so they are
deterministic: each p-value below is a fixed number, recorded next to its assertion, and the
thresholds only say that the number is not tiny.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from experiments.assignment import assign, bucket, bucket_ranges, choose_variant, fnv1a32

UNIT_IDS = [str(user_id) for user_id in range(1, 100_001)]

# GrowthBook's language-agnostic SDK test suite, cases.json (packages/sdk-js/test/cases.json in
# growthbook/growthbook, copied into each SDK, e.g. tests/cases.json in growthbook-python), spec
# version 0.7.1. Rows are copied verbatim.
#
# "hash" section, the hash version 2 rows: [seed, value, hashVersion, expected].
GROWTHBOOK_HASH_V2_CASES: list[list[Any]] = [
    ["seed", "a", 2, 0.0505],
    ["seed", "b", 2, 0.2696],
    ["foo", "ab", 2, 0.2575],
    ["foo", "def", 2, 0.2019],
    ["89123klj", "8952klfjas09ujkasdf", 2, 0.124],
    ["90850943850283058242805", "123", 2, 0.7516],
    ["()**(%$##$%#$#", '___)((*":&', 2, 0.0128],
]
# "getBucketRange" section: [name, [numVariations, coverage, weights], expected]. The SDKs take the
# number of variations and optional weights; bucket_ranges takes the weights, so a null is passed
# as equal weights. Left out: "weights.length not equal to num variations", which bucket_ranges
# cannot be asked (it has no separate number of variations).
GROWTHBOOK_BUCKET_RANGE_CASES: list[list[Any]] = [
    ["normal 50/50", [2, 1, None], [[0, 0.5], [0.5, 1]]],
    ["reduced coverage", [2, 0.5, None], [[0, 0.25], [0.5, 0.75]]],
    ["zero coverage", [2, 0, None], [[0, 0], [0.5, 0.5]]],
    ["4 variations", [4, 1, None], [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]],
    ["uneven weights", [2, 1, [0.4, 0.6]], [[0, 0.4], [0.4, 1]]],
    ["uneven weights, 3 variations", [3, 1, [0.2, 0.3, 0.5]], [[0, 0.2], [0.2, 0.5], [0.5, 1]]],
    [
        "uneven weights, reduced coverage, 3 variations",
        [3, 0.2, [0.2, 0.3, 0.5]],
        [[0, 0.04], [0.2, 0.26], [0.5, 0.6]],
    ],
    ["negative coverage", [2, -0.2, None], [[0, 0], [0.5, 0.5]]],
    ["coverage above 1", [2, 1.5, None], [[0, 0.5], [0.5, 1]]],
    ["weights sum below 1", [2, 1, [0.4, 0.1]], [[0, 0.5], [0.5, 1]]],
    ["weights sum above 1", [2, 1, [0.7, 0.6]], [[0, 0.5], [0.5, 1]]],
    ["weights sum almost equals 1", [2, 1, [0.4, 0.5999]], [[0, 0.4], [0.4, 0.9999]]],
]
# "chooseVariation" section: [name, n, ranges, expected]; GrowthBook's -1 is our None.
GROWTHBOOK_CHOOSE_VARIATION_CASES: list[list[Any]] = [
    ["even range, 0.2", 0.2, [[0, 0.5], [0.5, 1]], 0],
    ["even range, 0.4", 0.4, [[0, 0.5], [0.5, 1]], 0],
    ["even range, 0.6", 0.6, [[0, 0.5], [0.5, 1]], 1],
    ["even range, 0.8", 0.8, [[0, 0.5], [0.5, 1]], 1],
    ["even range, 0", 0, [[0, 0.5], [0.5, 1]], 0],
    ["even range, 0.5", 0.5, [[0, 0.5], [0.5, 1]], 1],
    ["reduced range, 0.2", 0.2, [[0, 0.25], [0.5, 0.75]], 0],
    ["reduced range, 0.4", 0.4, [[0, 0.25], [0.5, 0.75]], -1],
    ["reduced range, 0.6", 0.6, [[0, 0.25], [0.5, 0.75]], 1],
    ["reduced range, 0.8", 0.8, [[0, 0.25], [0.5, 0.75]], -1],
    ["reduced range, 0.25", 0.25, [[0, 0.25], [0.5, 0.75]], -1],
    ["reduced range, 0.5", 0.5, [[0, 0.25], [0.5, 0.75]], 1],
    ["zero range", 0.5, [[0, 0.5], [0.5, 0.5], [0.5, 1]], 2],
]
# Buckets of non-ASCII ids, computed with GrowthBook's own SDKs, which agree on all of them:
# `hash(seed, value, 2)` of @growthbook/growthbook 1.8.0 (npm) and `gbhash(seed, value, 2)` of
# growthbook 4.0.0 (PyPI). Both hash UTF-16 code units, so an emoji counts as a surrogate pair.
# (When this module was written, 20,000 random seed/id pairs over ASCII, accented, Cyrillic, CJK
# and emoji characters were also compared with both SDKs: every bucket was identical.)
GROWTHBOOK_SDK_NON_ASCII_BUCKETS: list[list[Any]] = [
    ["checkout-cta", "Zoë", 0.781],
    ["seed", "Привет", 0.5943],
    ["seed", "日本語", 0.4482],
    ["seed", "😀", 0.4346],
    ["seed", "a😀b", 0.7396],
]


def equal_weights(count: int) -> list[float]:
    return [1 / count] * count


@pytest.fixture(scope="module")
def buckets_a() -> np.ndarray:
    return np.array([bucket("experiment-a", unit_id) for unit_id in UNIT_IDS])


@pytest.fixture(scope="module")
def buckets_b() -> np.ndarray:
    return np.array([bucket("experiment-b", unit_id) for unit_id in UNIT_IDS])


@pytest.mark.parametrize(("seed", "value", "version", "expected"), GROWTHBOOK_HASH_V2_CASES)
def test_bucket_matches_growthbook_hash_v2(seed, value, version, expected):
    assert bucket(seed, value) == expected


@pytest.mark.parametrize(("seed", "value", "expected"), GROWTHBOOK_SDK_NON_ASCII_BUCKETS)
def test_bucket_matches_growthbook_sdks_on_non_ascii_ids(seed, value, expected):
    assert bucket(seed, value) == expected


def test_fnv1a32_matches_the_reference_test_vectors():
    # From the FNV reference implementation's test suite (FNV-1a, 32 bits).
    assert fnv1a32("") == 0x811C9DC5
    assert fnv1a32("a") == 0xE40C292C
    assert fnv1a32("foobar") == 0xBF9CF968


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    GROWTHBOOK_BUCKET_RANGE_CASES,
    ids=[str(case[0]) for case in GROWTHBOOK_BUCKET_RANGE_CASES],
)
def test_bucket_ranges_match_growthbook(name, args, expected):
    variations, coverage, weights = args
    ranges = bucket_ranges(weights or equal_weights(variations), coverage)
    assert ranges == [tuple(pytest.approx(bound, abs=1e-12) for bound in r) for r in expected]


@pytest.mark.parametrize(
    ("name", "n", "ranges", "expected"),
    GROWTHBOOK_CHOOSE_VARIATION_CASES,
    ids=[str(case[0]) for case in GROWTHBOOK_CHOOSE_VARIATION_CASES],
)
def test_choose_variant_matches_growthbook(name, n, ranges, expected):
    assert choose_variant(n, [tuple(r) for r in ranges]) == (None if expected == -1 else expected)


def test_ranges_are_not_rounded_so_a_bucket_on_a_third_goes_where_the_js_sdk_puts_it():
    # The JavaScript and Python SDKs put bucket 0.3333 in variant 0 of a three-way split (its
    # range ends at 0.33333...); an implementation that rounded the range to 0.3333 would say 1.
    assert choose_variant(0.3333, bucket_ranges(equal_weights(3))) == 0
    assert choose_variant(0.3334, bucket_ranges(equal_weights(3))) == 1


def test_negative_or_non_finite_weights_fall_back_to_equal_weights():
    assert bucket_ranges([1.2, -0.2]) == [(0.0, 0.5), (0.5, 1.0)]
    assert bucket_ranges([float("nan"), 1.0]) == [(0.0, 0.5), (0.5, 1.0)]


def test_a_coverage_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="coverage"):
        bucket_ranges([0.5, 0.5], float("nan"))


def test_an_experiment_without_variants_has_no_ranges():
    assert bucket_ranges([]) == []
    assert assign("seed", "42", []) is None


def test_a_unit_without_an_id_is_never_in_an_experiment():
    assert assign("seed", "", [0.5, 0.5]) is None


def test_assign_is_choose_variant_of_the_bucket():
    for unit_id in UNIT_IDS[:1000]:
        expected = choose_variant(bucket("seed", unit_id), bucket_ranges([0.2, 0.3, 0.5], 0.8))
        assert assign("seed", unit_id, [0.2, 0.3, 0.5], coverage=0.8) == expected


@pytest.mark.parametrize("bins", [10, 1000])
def test_buckets_are_uniform(buckets_a, bins):
    counts = np.bincount((buckets_a * bins).astype(int), minlength=bins)
    assert len(counts) == bins
    # p = 0.58 for 10 bins, 0.82 for 1,000 bins.
    assert stats.chisquare(counts).pvalue > 0.01


def test_a_50_50_split_is_even(buckets_a):
    ranges = bucket_ranges([0.5, 0.5])
    counts = np.bincount(np.array([choose_variant(b, ranges) for b in buckets_a], dtype=int))
    # 49,995 / 50,005: p = 0.97.
    assert stats.chisquare(counts).pvalue > 0.01


def test_assignments_in_two_experiments_are_independent(buckets_a, buckets_b):
    ranges = bucket_ranges([0.5, 0.5])
    split = np.array([choose_variant(b, ranges) for b in buckets_a])
    other = np.array([choose_variant(b, ranges) for b in buckets_b])
    table = np.zeros((2, 2), dtype=int)
    np.add.at(table, (split, other), 1)
    # p = 0.61.
    assert stats.chi2_contingency(table, correction=False).pvalue > 0.01

    # Finer: the deciles of the two buckets, a 10 x 10 table of about 1,000 units a cell.
    deciles = np.zeros((10, 10), dtype=int)
    np.add.at(deciles, ((buckets_a * 10).astype(int), (buckets_b * 10).astype(int)), 1)
    # p = 0.89.
    assert stats.chi2_contingency(deciles).pvalue > 0.01


def test_the_same_unit_gets_the_same_variant_every_time():
    first = [assign("checkout-cta", unit_id, [0.2, 0.3, 0.5]) for unit_id in UNIT_IDS[:1000]]
    again = [assign("checkout-cta", unit_id, [0.2, 0.3, 0.5]) for unit_id in UNIT_IDS[:1000]]
    assert first == again


def test_a_fresh_process_assigns_every_unit_to_the_same_variant():
    script = (
        "import json, sys\n"
        "from experiments.assignment import assign\n"
        "ids = json.load(sys.stdin)\n"
        "print(json.dumps([assign('checkout-cta', i, [0.2, 0.3, 0.5], 0.9) for i in ids]))\n"
    )
    unit_ids = [*UNIT_IDS[:1000], "visitor-Zoë", "visitor-😀"]
    here = [assign("checkout-cta", unit_id, [0.2, 0.3, 0.5], 0.9) for unit_id in unit_ids]
    repo_root = Path(__file__).resolve().parents[2]
    # A different PYTHONHASHSEED proves that nothing depends on Python's per-process str hash.
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(repo_root)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(unit_ids),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(result.stdout) == here


@pytest.mark.parametrize("weights", [[0.5, 0.5], [0.2, 0.3, 0.5]])
def test_raising_coverage_adds_units_and_moves_none_between_variants(weights):
    unit_ids = UNIT_IDS[:20_000]
    at_20 = [assign("ramp", unit_id, weights, coverage=0.2) for unit_id in unit_ids]
    at_50 = [assign("ramp", unit_id, weights, coverage=0.5) for unit_id in unit_ids]
    at_100 = [assign("ramp", unit_id, weights, coverage=1.0) for unit_id in unit_ids]

    enrolled_at_20 = [i for i, variant in enumerate(at_20) if variant is not None]
    assert 0.19 < len(enrolled_at_20) / len(unit_ids) < 0.21
    assert all(at_50[i] == at_20[i] and at_100[i] == at_20[i] for i in enrolled_at_20)
    assert all(variant is not None for variant in at_100)
