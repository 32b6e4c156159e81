"""Deterministic assignment of units to variants: the one module that buckets units.

A unit (a user id or a visitor's cookie id) is hashed with the experiment's seed to a bucket in
[0, 1); the experiment's weights and coverage lay out one half-open range per variant on that line;
the unit gets the variant whose range holds its bucket, or no variant at all. Nothing is random and
nothing is stored, so the answer is the same in every process, on every machine, for ever.

The arithmetic is GrowthBook's, so a unit lands where GrowthBook's SDKs would put it:

- the bucket is GrowthBook's hash version 2, ``fnv1a32(str(fnv1a32(seed + unit_id))) % 10000 /
  10000``, with FNV-1a taken over UTF-16 code units as the JavaScript SDK (``charCodeAt``) and the
  Python SDK (``growthbook`` 4.0.0) do. For ASCII ids, the only kind Bazaar issues, every SDK
  agrees; older Python SDKs hashed code points (one unit for an emoji, not two) and the Go SDK
  hashes UTF-8 bytes, so they differ on other characters.
- the ranges are GrowthBook's ``getBucketRanges``: variant i covers ``[start_i, start_i + coverage *
  weight_i)`` where ``start_i`` is the sum of the earlier weights. Because each range grows from a
  fixed start, raising the coverage only adds units to the experiment and never moves one from one
  variant to another. The ranges are not rounded, as in the JavaScript, Python and Go SDKs (the
  Kotlin SDK rounds them to 4 decimals, which differs only for a bucket that falls exactly on a
  boundary such as 1/3).
"""

import math
from collections.abc import Sequence

# Hash version 2 resolves buckets to 1/10,000: the smallest weight that means anything is 0.0001.
BUCKET_RESOLUTION = 10_000

_FNV_OFFSET_BASIS = 0x811C9DC5
_FNV_PRIME = 0x01000193
_UINT32_MASK = 0xFFFFFFFF

# GrowthBook falls back to equal weights unless the given weights add up to 1 within this slack.
_WEIGHT_SUM_MIN = 0.99
_WEIGHT_SUM_MAX = 1.01


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a of ``text``'s UTF-16 code units, as JavaScript's ``charCodeAt`` sees them."""
    hval = _FNV_OFFSET_BASIS
    for unit in _utf16_code_units(text):
        hval = ((hval ^ unit) * _FNV_PRIME) & _UINT32_MASK
    return hval


def _utf16_code_units(text: str) -> Sequence[int]:
    if text.isascii():
        # One code unit per character, equal to its byte: the fast path for every Bazaar id.
        return text.encode("ascii")
    # A character outside the Basic Multilingual Plane is two code units (a surrogate pair) in
    # JavaScript; "surrogatepass" keeps a lone surrogate as the single unit JavaScript would see.
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]


def bucket(seed: str, unit_id: str) -> float:
    """The unit's place on [0, 1) for this seed: GrowthBook's hash version 2.

    GrowthBook's JavaScript SDK calls this "the new unbiased hashing algorithm" and keeps version 1
    (``fnv1a32(unit_id + seed) % 1000 / 1000``) only for old experiments, as "biased"; version 2
    hashes the first hash's decimal string again and resolves buckets to 1/10,000, not 1/1,000.
    """
    return fnv1a32(str(fnv1a32(seed + unit_id))) % BUCKET_RESOLUTION / BUCKET_RESOLUTION


def bucket_ranges(weights: Sequence[float], coverage: float = 1.0) -> list[tuple[float, float]]:
    """One half-open range ``[start, end)`` per variant, laid out as GrowthBook lays them out.

    ``weights`` are the variants' shares of the experiment's traffic; ``coverage`` is the share of
    all units that enter the experiment. Coverage is clamped to [0, 1]. Weights that are negative,
    not finite, or do not add up to 1 (within 0.99 to 1.01) are replaced by equal weights, as the
    SDKs do, so that a bad weight vector can never produce overlapping or inverted ranges.
    """
    if not math.isfinite(coverage):
        raise ValueError(f"coverage must be a finite number, not {coverage!r}")
    coverage = min(max(coverage, 0.0), 1.0)
    if not weights:
        return []
    if not _is_valid_weight_vector(weights):
        weights = [1 / len(weights)] * len(weights)

    ranges = []
    start = 0.0
    for weight in weights:
        ranges.append((start, start + coverage * weight))
        start += weight
    return ranges


def _is_valid_weight_vector(weights: Sequence[float]) -> bool:
    if not all(math.isfinite(weight) and weight >= 0 for weight in weights):
        return False
    return _WEIGHT_SUM_MIN <= math.fsum(weights) <= _WEIGHT_SUM_MAX


def choose_variant(bucket: float, ranges: Sequence[tuple[float, float]]) -> int | None:
    """The index of the first range that holds ``bucket``, or None: the unit is not in the
    experiment (it falls outside the coverage, or in a gap left by weights that add up to less
    than 1)."""
    for index, (start, end) in enumerate(ranges):
        if start <= bucket < end:
            return index
    return None


def assign(seed: str, unit_id: str, weights: Sequence[float], coverage: float = 1.0) -> int | None:
    """The variant index this unit gets in the experiment seeded with ``seed``, or None.

    A unit without an id is never in an experiment (as in GrowthBook): otherwise every visitor
    whose cookie has not been set yet would share one bucket and pile into one variant.
    """
    if not unit_id:
        return None
    return choose_variant(bucket(seed, unit_id), bucket_ranges(weights, coverage))
