"""experiments.stats: checked against GrowthBook, scipy, statsmodels, R and textbook values, and
trusted only after simulated experiments behave as the numbers promise.

Every simulation draws from a numpy generator with a fixed seed, so each rate below is a fixed
number (recorded next to its assertion) and no test can flake. The bounds are about three Monte
Carlo standard errors or more on each side of the rate a correct analysis has: wide enough that it
would pass with nearly any seed, narrow enough that a wrong variance, degrees of freedom or
sample size would not.
"""

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.power import NormalIndPower, tt_ind_solve_power
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from experiments.stats import (
    SRM_ALPHA,
    Comparison,
    Effect,
    SufficientStats,
    additional_units_needed,
    compare,
    required_sample_size,
    srm_alarm,
    srm_p_value,
)

SEED = 20240611


def from_summary(mean: float, stddev: float, n: int) -> SufficientStats:
    """The sufficient statistics of n values with this mean and sample standard deviation."""
    total = mean * n
    return SufficientStats(n=n, sum=total, sum_squares=stddev**2 * (n - 1) + total**2 / n)


def numbers_in(value: Any) -> list[float]:
    """Every number in a (nested) result, booleans left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return numbers_in(dataclasses.asdict(value))
    if isinstance(value, dict):
        return [number for item in value.values() for number in numbers_in(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    return []


def conversion_experiments(
    rng: np.random.Generator, units: int, control_rate: float, treatment_rate: float, runs: int
) -> list[Comparison]:
    """``runs`` simulated experiments on a conversion metric, drawn as binomial counts."""
    control = rng.binomial(units, control_rate, size=runs)
    treatment = rng.binomial(units, treatment_rate, size=runs)
    return [
        compare(SufficientStats.conversions(units, c), SufficientStats.conversions(units, t))
        for c, t in zip(control.tolist(), treatment.tolist(), strict=True)
    ]


def share(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


# --- Agreement with GrowthBook ---------------------------------------------------------------


def test_it_reproduces_growthbooks_frequentist_test_case():
    # gbstats packages/stats/tests/frequentist/test_tests.py (TestTwoSidedTTest): control mean
    # 0.41, sd 3.9, n 3407; treatment mean 0.70, sd 6.2, n 3461; expected values to 5 decimals.
    # The relative row is the current test; the absolute row is the same test before gbstats
    # switched its output to relative effects.
    result = compare(from_summary(0.41, 3.9, 3407), from_summary(0.70, 6.2, 3461))
    assert result.enough_data
    assert result.relative is not None
    assert result.absolute is not None
    assert round(result.relative.estimate, 5) == 0.70732
    assert round(result.relative.standard_error, 5) == 0.37879
    assert round(result.relative.ci_low, 5) == -0.03526
    assert round(result.relative.ci_high, 5) == 1.44989
    assert round(result.relative.p_value, 5) == 0.06191
    assert not result.relative.significant
    assert round(result.absolute.estimate, 5) == 0.29
    assert round(result.absolute.ci_low, 5) == 0.04538
    assert round(result.absolute.ci_high, 5) == 0.53462
    assert round(result.absolute.p_value, 5) == 0.02016
    assert result.absolute.significant


def test_srm_p_value_reproduces_growthbooks_check_srm():
    # gbstats packages/stats/tests/test_gbstats.py, test_srm: check_srm([1000, 1200], [0.5, 0.5]).
    assert round(srm_p_value([1000, 1200], [0.5, 0.5]), 9) == 0.000020079


# --- Agreement with scipy and statsmodels on raw data -----------------------------------------


def raw_samples(kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    if kind == "normal, unequal variances and sizes":
        return rng.normal(10.0, 2.0, 800), rng.normal(10.3, 3.0, 1000)
    if kind == "conversion":
        return (rng.random(5000) < 0.10).astype(float), (rng.random(5200) < 0.115).astype(float)
    # A marketplace revenue metric: most units spend nothing, the others a skewed amount.
    spend = rng.lognormal(3.0, 1.0, 6000) * (rng.random(6000) < 0.2)
    return spend[:3000], spend[3000:] * 1.1


RAW_KINDS = ["normal, unequal variances and sizes", "conversion", "skewed revenue"]


@pytest.mark.parametrize("kind", RAW_KINDS)
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.2])
def test_the_absolute_effect_is_scipys_welch_test(kind, alpha):
    control, treatment = raw_samples(kind)
    result = compare(
        SufficientStats.from_values(control.tolist()),
        SufficientStats.from_values(treatment.tolist()),
        alpha,
    )
    expected = scipy_stats.ttest_ind(treatment, control, equal_var=False)
    interval = expected.confidence_interval(1 - alpha)

    assert result.absolute is not None
    assert result.degrees_of_freedom is not None
    assert result.absolute.estimate == pytest.approx(treatment.mean() - control.mean(), rel=1e-9)
    assert result.degrees_of_freedom == pytest.approx(expected.df, rel=1e-9)
    assert result.absolute.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert result.absolute.ci_low == pytest.approx(interval.low, rel=1e-9)
    assert result.absolute.ci_high == pytest.approx(interval.high, rel=1e-9)
    assert result.absolute.significant == (expected.pvalue < alpha)


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_the_absolute_effect_is_statsmodels_unequal_variance_test(kind):
    control, treatment = raw_samples(kind)
    result = compare(
        SufficientStats.from_values(control.tolist()),
        SufficientStats.from_values(treatment.tolist()),
    )
    means = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
    t_statistic, p_value, dof = means.ttest_ind(usevar="unequal")
    low, high = means.tconfint_diff(alpha=0.05, usevar="unequal")

    assert result.absolute is not None
    assert result.absolute.estimate / result.absolute.standard_error == pytest.approx(
        t_statistic, rel=1e-9
    )
    assert result.degrees_of_freedom == pytest.approx(dof, rel=1e-9)
    assert result.absolute.p_value == pytest.approx(p_value, rel=1e-9)
    assert (result.absolute.ci_low, result.absolute.ci_high) == pytest.approx((low, high), 1e-9)


@pytest.mark.parametrize("kind", RAW_KINDS)
def test_the_relative_effect_is_the_textbook_delta_method(kind):
    control, treatment = raw_samples(kind)
    result = compare(
        SufficientStats.from_values(control.tolist()),
        SufficientStats.from_values(treatment.tolist()),
    )
    # The delta method for the ratio of two independent means, computed here from the raw values
    # in its textbook form, with Welch's degrees of freedom from scipy.
    m_c, m_t = control.mean(), treatment.mean()
    v_c, v_t = control.var(ddof=1), treatment.var(ddof=1)
    n_c, n_t = len(control), len(treatment)
    variance = v_t / (m_c**2 * n_t) + v_c * m_t**2 / (m_c**4 * n_c)
    dof = scipy_stats.ttest_ind(treatment, control, equal_var=False).df
    half_width = scipy_stats.t.ppf(0.975, dof) * math.sqrt(variance)
    lift = m_t / m_c - 1

    assert result.relative is not None
    assert result.relative.estimate == pytest.approx(lift, rel=1e-9)
    assert result.relative.standard_error == pytest.approx(math.sqrt(variance), rel=1e-9)
    assert result.relative.ci_low == pytest.approx(lift - half_width, rel=1e-9)
    assert result.relative.ci_high == pytest.approx(lift + half_width, rel=1e-9)
    p_value = 2 * scipy_stats.t.sf(abs(lift) / math.sqrt(variance), dof)
    assert result.relative.p_value == pytest.approx(p_value, rel=1e-9)


# --- Textbook values --------------------------------------------------------------------------


def test_it_reproduces_the_worked_welch_example_of_wikipedia():
    # Wikipedia, "Student's t-test", worked example, unequal variances: standard error 0.04849,
    # 7.031 degrees of freedom, t = 1.959, two-tailed p = 0.09077.
    first = [30.02, 29.99, 30.11, 29.97, 30.01, 29.99]
    second = [29.89, 29.93, 29.72, 29.98, 30.02, 29.98]
    result = compare(SufficientStats.from_values(second), SufficientStats.from_values(first))

    assert result.absolute is not None
    assert result.degrees_of_freedom is not None
    assert round(result.absolute.standard_error, 5) == 0.04849
    assert round(result.degrees_of_freedom, 3) == 7.031
    assert round(result.absolute.estimate / result.absolute.standard_error, 3) == 1.959
    assert round(result.absolute.p_value, 5) == 0.09077


def test_it_reproduces_rs_welch_two_sample_t_test():
    # R's t.test(ts1, ts2) (Welch by default): t = -1.8325, df = 17.9, p-value = 0.08356,
    # 95 percent confidence interval -2.1469104 0.1469104.
    ts1 = [11, 9, 10, 11, 10, 12, 9, 11, 12, 9]
    ts2 = [11, 13, 10, 13, 12, 9, 11, 12, 12, 11]
    result = compare(SufficientStats.from_values(ts2), SufficientStats.from_values(ts1))

    assert result.absolute is not None
    assert result.degrees_of_freedom is not None
    assert round(result.absolute.estimate / result.absolute.standard_error, 4) == -1.8325
    assert round(result.degrees_of_freedom, 1) == 17.9
    assert round(result.absolute.p_value, 5) == 0.08356
    assert round(result.absolute.ci_low, 7) == -2.1469104
    assert round(result.absolute.ci_high, 7) == 0.1469104


def test_srm_reproduces_mendels_peas():
    # The classic goodness-of-fit example: 315 round yellow, 108 round green, 101 wrinkled yellow
    # and 32 wrinkled green peas against Mendel's 9:3:3:1 gives chi-square 0.470, p = 0.925.
    p_value = srm_p_value([315, 108, 101, 32], [9, 3, 3, 1])
    assert round(p_value, 3) == 0.925
    assert round(scipy_stats.chi2.isf(p_value, 3), 3) == 0.470


def test_the_sample_size_for_a_10_percent_lift_on_a_10_percent_conversion_rate():
    z = scipy_stats.norm.ppf(0.975) + scipy_stats.norm.ppf(0.8)  # 1.95996 + 0.84162
    # (z_0.975 + z_0.8)^2 p (1 - p) (1 + 1.1^2) / (0.1 p)^2 = 7.84888 * 0.09 * 2.21 / 0.0001.
    exact = z**2 * 0.09 * 2.21 / 0.01**2
    assert exact == pytest.approx(15_611.42, abs=0.01)
    n = required_sample_size(0.10, 0.10 * 0.90, 0.10, alpha=0.05, power=0.8)
    assert n == math.ceil(exact) == 15_612

    # The textbook size for a difference in means, 2 (z + z)^2 p (1 - p) / (0.1 p)^2 = 14,127.98,
    # is the same formula without the relative effect's extra factor (1 + 1.1^2) / 2; statsmodels
    # gives 14,127.95 (normal) and 14,128.91 (Student's t): within a unit or two.
    textbook = exact * 2 / 2.21
    assert textbook == pytest.approx(14_127.98, abs=0.01)
    effect_size = 0.10 * 0.10 / math.sqrt(0.09)
    normal = NormalIndPower().solve_power(effect_size=effect_size, alpha=0.05, power=0.8)
    student = tt_ind_solve_power(effect_size=effect_size, alpha=0.05, power=0.8)
    assert abs(textbook - normal) < 2
    assert abs(textbook - student) < 2


def test_the_sample_size_reaches_the_power_by_growthbooks_power_formula():
    # GrowthBook's powerEstFrequentist: the relative effect's standard error by the delta method,
    # both arms at the baseline variance, and both rejection tails.
    def growthbook_power(n: int, mean: float, variance: float, lift: float) -> float:
        standard_error = math.sqrt(variance * (1 + (1 + lift) ** 2) / (mean**2 * n))
        z_star = scipy_stats.norm.ppf(0.975)
        shift = lift / standard_error
        return scipy_stats.norm.sf(z_star - shift) + scipy_stats.norm.cdf(-z_star - shift)

    for mean, variance, lift in [(0.10, 0.09, 0.10), (0.03, 0.0291, 0.05), (25.0, 900.0, 0.02)]:
        n = required_sample_size(mean, variance, lift)
        assert n is not None
        assert growthbook_power(n, mean, variance, lift) >= 0.8
        assert growthbook_power(n - 2, mean, variance, lift) < 0.8


@pytest.mark.parametrize(
    ("mean", "variance", "mde"),
    [(0.0, 0.09, 0.1), (0.1, 0.0, 0.1), (0.1, 0.09, 0.0), (float("nan"), 0.09, 0.1)],
)
def test_no_sample_size_is_given_without_a_baseline_or_an_effect(mean, variance, mde):
    assert required_sample_size(mean, variance, mde) is None


def test_it_says_how_many_more_units_each_variant_needs():
    control = SufficientStats.conversions(5_000, 500)
    treatment = SufficientStats.conversions(5_100, 530)
    needed = required_sample_size(0.1, _variance(control), 0.1)
    assert needed is not None
    assert additional_units_needed(control, treatment, 0.1) == needed - 5_000

    done = SufficientStats.conversions(20_000, 2_000)
    assert additional_units_needed(done, done, 0.1) == 0
    assert additional_units_needed(SufficientStats.conversions(1, 0), treatment, 0.1) is None


def _variance(arm: SufficientStats) -> float:
    assert arm.variance is not None
    return arm.variance


# --- Chance to win ----------------------------------------------------------------------------


def test_chance_to_win_is_the_normal_probability_of_a_positive_lift_and_follows_direction():
    control, treatment = from_summary(0.10, 0.30, 10_000), from_summary(0.104, 0.305, 10_000)
    higher = compare(control, treatment)
    lower = compare(control, treatment, higher_is_better=False)

    assert higher.relative is not None
    assert higher.chance_to_win is not None
    z = higher.relative.estimate / higher.relative.standard_error
    assert higher.chance_to_win == pytest.approx(scipy_stats.norm.cdf(z), rel=1e-12)
    assert 0.5 < higher.chance_to_win < 1
    assert lower.chance_to_win == pytest.approx(1 - higher.chance_to_win, rel=1e-12)
    # Direction changes nothing else.
    assert lower.relative == higher.relative
    assert lower.absolute == higher.absolute


def test_a_lift_against_a_negative_baseline_keeps_the_sign_of_the_difference():
    # Net revenue per unit after refunds: control loses 2.0 per unit, treatment only 1.5.
    control, treatment = from_summary(-2.0, 4.0, 4_000), from_summary(-1.5, 4.0, 4_000)
    result = compare(control, treatment)

    assert result.relative is not None
    assert result.absolute is not None
    assert result.relative.estimate == pytest.approx(0.25)
    assert result.absolute.estimate == pytest.approx(0.5)
    assert result.chance_to_win is not None
    assert result.chance_to_win > 0.99


# --- Trust checks: simulated experiments ------------------------------------------------------


def test_aa_conversion_experiments_are_significant_about_5_percent_of_the_time():
    results = conversion_experiments(np.random.default_rng(SEED), 10_000, 0.10, 0.10, runs=1000)
    relative = share([r.relative is not None and r.relative.significant for r in results])
    absolute = share([r.absolute is not None and r.absolute.significant for r in results])
    # 4.2% and 4.2% of 1,000 A/A experiments.
    assert 0.03 <= relative <= 0.07
    assert 0.03 <= absolute <= 0.07


def test_aa_experiments_on_a_skewed_revenue_metric_are_significant_about_5_percent_of_the_time():
    rng = np.random.default_rng(SEED)
    runs, units = 1000, 2000
    # 20% of units spend a lognormal amount (median 20, long right tail), the rest nothing.
    spend = rng.lognormal(3.0, 1.0, (runs, 2, units)) * (rng.random((runs, 2, units)) < 0.2)
    sums, squares = spend.sum(axis=2), (spend**2).sum(axis=2)
    results = [
        compare(
            SufficientStats(units, sums[run, 0], squares[run, 0]),
            SufficientStats(units, sums[run, 1], squares[run, 1]),
        )
        for run in range(runs)
    ]
    # 5.6% of 1,000 A/A experiments.
    assert (
        0.03 <= share([r.relative is not None and r.relative.significant for r in results]) <= 0.07
    )


def test_a_true_10_percent_lift_is_detected_about_80_percent_of_the_time_at_the_computed_size():
    # A metric whose variance the treatment does not change: revenue per unit, mean 25, sd 30.
    units = required_sample_size(25.0, 30.0**2, 0.10)
    assert units == 2_498
    rng = np.random.default_rng(SEED)
    runs = 1000
    # The sufficient statistics of normal samples, drawn exactly: the mean is normal, and
    # (n - 1) s^2 / sigma^2 is chi-square with n - 1 degrees of freedom, independent of it.
    means = rng.normal([25.0, 27.5], 30.0 / math.sqrt(units), size=(runs, 2))
    variances = 30.0**2 * rng.chisquare(units - 1, size=(runs, 2)) / (units - 1)
    sums = means * units
    squares = variances * (units - 1) + sums * means
    results = [
        compare(
            SufficientStats(units, sums[run, 0], squares[run, 0]),
            SufficientStats(units, sums[run, 1], squares[run, 1]),
        )
        for run in range(runs)
    ]
    # 82.0% of 1,000 experiments; the exact power is 80.0%.
    assert 0.74 <= share([_detected(r) for r in results]) <= 0.86


def test_a_true_10_percent_conversion_lift_is_detected_about_80_percent_of_the_time():
    units = required_sample_size(0.10, 0.10 * 0.90, 0.10)
    assert units == 15_612
    results = conversion_experiments(np.random.default_rng(SEED), units, 0.10, 0.11, runs=1000)
    # 79.8% of 1,000 experiments. The exact power is 78.5%, a little under 80%: a conversion
    # rate's variance grows with the rate, so the treatment's (0.11 * 0.89) is larger than the
    # baseline's that the sample size assumes for both arms.
    assert 0.74 <= share([_detected(r) for r in results]) <= 0.86


def _detected(result: Comparison) -> bool:
    return (
        result.relative is not None and result.relative.significant and result.relative.estimate > 0
    )


def test_the_intervals_cover_the_true_effect_95_percent_of_the_time():
    results = conversion_experiments(np.random.default_rng(SEED), 5_000, 0.20, 0.21, runs=1000)
    relative = share(
        [
            r.relative is not None and r.relative.ci_low <= 0.05 <= r.relative.ci_high
            for r in results
        ]
    )
    absolute = share(
        [
            r.absolute is not None and r.absolute.ci_low <= 0.01 <= r.absolute.ci_high
            for r in results
        ]
    )
    # 95.9% and 95.7% of 1,000 experiments with a true lift of 5% (0.20 to 0.21).
    assert 0.93 <= relative <= 0.97
    assert 0.93 <= absolute <= 0.97


def _covers(effect: Effect | None, true_value: float) -> bool:
    return effect is not None and effect.ci_low <= true_value <= effect.ci_high


def test_a_52_48_split_of_20000_units_raises_the_srm_alarm():
    assert srm_alarm([10_400, 9_600], [0.5, 0.5])
    # chi-square 32 on one degree of freedom.
    assert srm_p_value([10_400, 9_600], [0.5, 0.5]) == pytest.approx(1.5417e-8, rel=1e-3)


def test_a_50_3_49_7_split_of_20000_units_does_not():
    assert not srm_alarm([10_060, 9_940], [0.5, 0.5])
    assert srm_p_value([10_060, 9_940], [0.5, 0.5]) > SRM_ALPHA


def test_srm_weights_are_normalised_and_uneven_splits_are_checked_against_them():
    assert srm_p_value([10_400, 9_600], [1, 1]) == srm_p_value([10_400, 9_600], [0.5, 0.5])
    assert not srm_alarm([2_020, 7_980], [0.2, 0.8])
    assert srm_alarm([2_400, 7_600], [0.2, 0.8])


def test_without_exposures_there_is_no_srm_alarm():
    assert srm_p_value([0, 0], [0.5, 0.5]) == 1.0
    assert not srm_alarm([0, 0], [0.5, 0.5])


@pytest.mark.parametrize(
    ("counts", "weights", "message"),
    [
        ([10, 20], [1.0], "2 counts for 1 weights"),
        ([10], [1.0], "at least two variants"),
        ([10, -1], [0.5, 0.5], "negative"),
        ([10, 20], [0.5, 0.0], "positive"),
    ],
)
def test_srm_refuses_counts_and_weights_that_do_not_describe_an_experiment(
    counts, weights, message
):
    with pytest.raises(ValueError, match=message):
        srm_p_value(counts, weights)


# --- Degenerate input: not enough data, never an exception or a NaN ---------------------------


EMPTY = SufficientStats(0, 0, 0)
SOME = SufficientStats.conversions(500, 40)


@pytest.mark.parametrize(
    ("control", "treatment", "reason"),
    [
        (EMPTY, EMPTY, "no units in either arm"),
        (EMPTY, SOME, "no units in control"),
        (SOME, EMPTY, "no units in treatment"),
        (SufficientStats.from_values([3.0]), SufficientStats.from_values([5.0]), "fewer than 2"),
        (SOME, SufficientStats.from_values([5.0]), "fewer than 2 units per arm"),
        (
            SufficientStats.conversions(500, 0),
            SufficientStats.conversions(480, 0),
            "no variance in either arm: every unit in control has the value 0 "
            "and every unit in treatment the value 0",
        ),
        (
            SufficientStats.conversions(500, 500),
            SufficientStats.conversions(480, 480),
            "no variance in either arm: every unit in control has the value 1",
        ),
        (
            SufficientStats.conversions(500, 0),
            SOME,
            "no variance in control: every unit has the value 0",
        ),
        (SOME, SufficientStats.from_values([2.5] * 40), "no variance in treatment"),
        (
            SufficientStats.from_values([-1.0, 1.0] * 50),
            SufficientStats.from_values([0.0, 2.0] * 50),
            "control mean is zero: relative lift undefined",
        ),
        (
            SufficientStats.from_values([1e-150, 3e-150]),
            SufficientStats.from_values([1e10, 3e10]),
            "control mean too close to zero",
        ),
    ],
)
def test_degenerate_input_gives_not_enough_data_with_a_reason(control, treatment, reason):
    result = compare(control, treatment)

    assert not result.enough_data
    assert result.reason is not None
    assert reason in result.reason
    assert result.absolute is None
    assert result.relative is None
    assert result.chance_to_win is None
    assert result.degrees_of_freedom is None
    assert all(math.isfinite(number) for number in numbers_in(result))
    assert (result.control.n, result.treatment.n) == (control.n, treatment.n)


def test_an_empty_arm_has_no_mean_and_a_single_unit_no_variance():
    result = compare(EMPTY, SufficientStats.from_values([4.0]))
    assert (result.control.mean, result.control.variance) == (None, None)
    assert (result.treatment.mean, result.treatment.variance) == (4.0, None)


def test_a_result_with_enough_data_has_only_finite_numbers():
    result = compare(SOME, SufficientStats.conversions(520, 55))
    assert result.enough_data
    assert result.reason is None
    assert all(math.isfinite(number) for number in numbers_in(result))


def test_a_variance_lost_to_rounding_counts_as_none():
    # 0.1 has no exact binary form: sum_squares - sum**2 / n is a few ulps, not 0, for values
    # that are all equal. It must read as no variance, not as a tiny one that makes any
    # difference "significant".
    constant = SufficientStats.from_values([0.1] * 1000)
    assert constant.variance == 0.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((-1, 0.0, 0.0), "cannot have -1 units"),
        ((10, float("nan"), 1.0), "finite"),
        ((0, 1.0, 1.0), "no units"),
        ((10, 10.0, 1.0), "cannot be one variant's statistics"),
    ],
)
def test_impossible_statistics_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        SufficientStats(*arguments)


def test_impossible_conversions_and_alphas_are_refused():
    with pytest.raises(ValueError, match="impossible"):
        SufficientStats.conversions(10, 11)
    with pytest.raises(ValueError, match="alpha"):
        compare(SOME, SOME, alpha=1.5)
    with pytest.raises(ValueError, match="power"):
        required_sample_size(0.1, 0.09, 0.1, power=1.0)
