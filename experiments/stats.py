"""Experiment statistics: the one module that does statistics.

Pure functions over sufficient statistics: for each variant, the number of units ``n`` and the sum
and sum of squares of the per-unit metric value (for a conversion metric the values are 0 or 1, so
the sum of squares equals the sum). The analysis SQL reduces millions of events to these three
numbers per variant; everything below works from them alone. No database, no Django, no state.

The frequentist comparison follows GrowthBook's engine (gbstats: ``models/statistics.py``,
``frequentist/tests.py`` and ``utils.py``), so a result here reads like a result there:

- each arm's variance is the sample variance ``(sum_squares - sum**2 / n) / (n - 1)``;
- the absolute effect is ``mean_t - mean_c`` with variance ``var_t / n_t + var_c / n_c``;
- the relative effect (the lift) is ``(mean_t - mean_c) / mean_c`` with the delta-method variance
  ``var_t / (mean_c**2 n_t) + var_c mean_t**2 / (mean_c**4 n_c)`` (the two means independent);
  for a metric whose control mean is negative the lift is taken against ``|mean_c|``, so that it
  keeps the sign of the difference;
- both effects use the Welch-Satterthwaite degrees of freedom of the two arms' variances, a
  two-sided p-value ``2 P(T > |estimate / se|)`` and the interval ``estimate ± t(1 - alpha/2) se``;
- there is no result when either arm has no variance or the control mean is zero;
- the sample ratio mismatch check is a chi-square goodness of fit of exposure counts against the
  weights, as in GrowthBook's ``check_srm``.

One deliberate difference: gbstats gives a conversion metric the variance ``p (1 - p)``; here every
metric gets the unbiased sample variance, ``n / (n - 1)`` times larger, which is what Welch's test
assumes and what scipy and statsmodels compute from raw data. The factor is 1.001 at 1,000 units.

Numbers that cannot be computed are never NaN or infinity: a comparison without enough data says
so in ``Comparison.reason`` and leaves its numeric fields ``None``.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scipy import stats as distributions

# An SRM p-value below this raises the alarm. It is far below the usual alpha because the check
# runs on every snapshot of every experiment: a real mismatch (a redirect that drops units, a bot
# filter applied to one arm) gives p-values many orders of magnitude smaller.
SRM_ALPHA = 0.001

# The sum of squared deviations is computed as sum_squares - sum**2 / n, which cancels
# catastrophically when the variance is tiny next to the mean: spreads within this fraction of
# sum_squares are rounding noise and count as no spread at all, and a spread that is negative
# beyond REJECT is not rounding but statistics that cannot come from one set of values.
_SPREAD_NOISE = 1e-10
_SPREAD_REJECT = 1e-6


@dataclass(frozen=True)
class SufficientStats:
    """One variant's per-unit metric values, reduced to their count, sum and sum of squares."""

    n: int
    sum: float
    sum_squares: float

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"a variant cannot have {self.n} units")
        if not (math.isfinite(self.sum) and math.isfinite(self.sum_squares)):
            raise ValueError("sum and sum_squares must be finite numbers")
        if self.n == 0 and (self.sum != 0 or self.sum_squares != 0):
            raise ValueError("a variant with no units has a sum and sum of squares of 0")
        if self.n > 0 and self._spread() < -_SPREAD_REJECT * self.sum_squares:
            raise ValueError(
                f"sum_squares ({self.sum_squares}) is less than sum**2 / n "
                f"({self.sum * (self.sum / self.n)}): these cannot be one variant's statistics"
            )

    @classmethod
    def from_values(cls, values: Iterable[float]) -> "SufficientStats":
        """The statistics of raw per-unit values (the analysis SQL computes the same in the
        database; this is for simulations and tests)."""
        n, total, total_squares = 0, 0.0, 0.0
        for value in values:
            n += 1
            total += value
            total_squares += value * value
        return cls(n=n, sum=total, sum_squares=total_squares)

    @classmethod
    def conversions(cls, units: int, converted: int) -> "SufficientStats":
        """A conversion metric: ``converted`` of ``units`` units have the value 1, the rest 0."""
        if not 0 <= converted <= units:
            raise ValueError(f"{converted} conversions out of {units} units is impossible")
        return cls(n=units, sum=converted, sum_squares=converted)

    @property
    def mean(self) -> float | None:
        """The mean per unit, or None without units."""
        return self.sum / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n - 1 in the denominator), or None with fewer than 2 units."""
        if self.n < 2:
            return None
        spread = self._spread()
        if spread <= _SPREAD_NOISE * self.sum_squares:
            return 0.0
        return spread / (self.n - 1)

    def _spread(self) -> float:
        """The sum of squared deviations from the mean."""
        # sum * (sum / n) rather than sum**2 / n: the same number, without overflowing first.
        return self.sum_squares - self.sum * (self.sum / self.n)


@dataclass(frozen=True)
class ArmSummary:
    """What a result page shows of one arm: its units, mean and variance (None where undefined)."""

    n: int
    mean: float | None
    variance: float | None

    @classmethod
    def of(cls, arm: SufficientStats) -> "ArmSummary":
        return cls(n=arm.n, mean=arm.mean, variance=arm.variance)


@dataclass(frozen=True)
class Effect:
    """One estimate of the treatment's effect (absolute or relative to control).

    ``ci_low`` and ``ci_high`` bound the ``1 - alpha`` confidence interval; ``p_value`` is
    two-sided; ``significant`` is ``p_value < alpha``, equivalently the interval excludes 0.
    """

    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool


@dataclass(frozen=True)
class Comparison:
    """Treatment against control on one metric.

    With ``enough_data`` False, ``reason`` says why in words fit for the result page and
    ``degrees_of_freedom``, ``absolute``, ``relative`` and ``chance_to_win`` are None.

    ``chance_to_win`` is the probability that the treatment is better than control, under the
    normal approximation of the relative effect: ``Φ(relative.estimate / relative.standard_error)``
    when higher is better, ``1 -`` that when lower is better: what a Bayesian analysis with a flat
    prior reports as the chance to beat control. It is not a p-value.
    """

    control: ArmSummary
    treatment: ArmSummary
    alpha: float
    higher_is_better: bool
    enough_data: bool
    reason: str | None = None
    degrees_of_freedom: float | None = None
    absolute: Effect | None = None
    relative: Effect | None = None
    chance_to_win: float | None = None


def compare(
    control: SufficientStats,
    treatment: SufficientStats,
    alpha: float = 0.05,
    *,
    higher_is_better: bool = True,
) -> Comparison:
    """Welch's t-test of treatment against control, on the absolute and the relative scale.

    ``higher_is_better`` gives the metric's direction; it changes only ``chance_to_win`` (the
    effects and their p-values are two-sided and say nothing about good or bad).
    """
    _check_probability("alpha", alpha)
    without_result = Comparison(
        control=ArmSummary.of(control),
        treatment=ArmSummary.of(treatment),
        alpha=alpha,
        higher_is_better=higher_is_better,
        enough_data=False,
    )
    reason = _why_not_enough_data(control, treatment)
    if reason is not None:
        return replace(without_result, reason=reason)

    try:
        result = _welch_test(control, treatment, alpha, higher_is_better)
    except (OverflowError, ZeroDivisionError):
        result = None
    if result is None or not result.is_finite():
        return replace(
            without_result,
            reason="the values are too large, or the control mean too close to zero, "
            "to compute an effect",
        )
    return replace(
        without_result,
        enough_data=True,
        degrees_of_freedom=result.degrees_of_freedom,
        absolute=result.absolute,
        relative=result.relative,
        chance_to_win=result.chance_to_win,
    )


def _why_not_enough_data(control: SufficientStats, treatment: SufficientStats) -> str | None:
    if control.n == 0 and treatment.n == 0:
        return "no units in either arm"
    if control.n == 0:
        return "no units in control"
    if treatment.n == 0:
        return "no units in treatment"
    if control.n < 2 or treatment.n < 2:
        return "fewer than 2 units per arm"
    # Means and variances are defined from here on: both arms have at least 2 units.
    if control.variance == 0 and treatment.variance == 0:
        return (
            f"no variance in either arm: every unit in control has the value {control.mean:g} "
            f"and every unit in treatment the value {treatment.mean:g}"
        )
    if control.variance == 0:
        return f"no variance in control: every unit has the value {control.mean:g}"
    if treatment.variance == 0:
        return f"no variance in treatment: every unit has the value {treatment.mean:g}"
    if control.mean == 0:
        return "control mean is zero: relative lift undefined"
    return None


@dataclass(frozen=True)
class _WelchTest:
    degrees_of_freedom: float
    absolute: Effect
    relative: Effect
    chance_to_win: float

    def is_finite(self) -> bool:
        numbers = [self.degrees_of_freedom, self.chance_to_win]
        for effect in (self.absolute, self.relative):
            numbers += [effect.estimate, effect.standard_error, effect.ci_low, effect.ci_high]
            numbers.append(effect.p_value)
        return all(math.isfinite(number) for number in numbers)


def _welch_test(
    control: SufficientStats, treatment: SufficientStats, alpha: float, higher_is_better: bool
) -> _WelchTest:
    n_c, mean_c, var_c = control.n, control.sum / control.n, _checked(control.variance)
    n_t, mean_t, var_t = treatment.n, treatment.sum / treatment.n, _checked(treatment.variance)

    # Squared standard errors of the two means.
    se2_c, se2_t = var_c / n_c, var_t / n_t
    dof = (se2_c + se2_t) ** 2 / (se2_c**2 / (n_c - 1) + se2_t**2 / (n_t - 1))

    absolute = _effect(mean_t - mean_c, se2_t + se2_c, dof, alpha)
    # GrowthBook's delta-method variance, var_t / (mean_c**2 n_t) + var_c mean_t**2 /
    # (mean_c**4 n_c), written with the ratio of the means so that mean_c**4 cannot underflow.
    ratio = mean_t / mean_c
    lift = (mean_t - mean_c) / abs(mean_c)
    relative = _effect(lift, (se2_t + se2_c * ratio**2) / mean_c**2, dof, alpha)

    z = relative.estimate / relative.standard_error
    better = distributions.norm.cdf(z) if higher_is_better else distributions.norm.sf(z)
    return _WelchTest(dof, absolute, relative, chance_to_win=float(better))


def _effect(estimate: float, variance: float, dof: float, alpha: float) -> Effect:
    standard_error = math.sqrt(variance)
    p_value = float(2 * distributions.t.sf(abs(estimate / standard_error), dof))
    half_width = float(distributions.t.ppf(1 - alpha / 2, dof)) * standard_error
    return Effect(
        estimate=estimate,
        standard_error=standard_error,
        ci_low=estimate - half_width,
        ci_high=estimate + half_width,
        p_value=p_value,
        significant=p_value < alpha,
    )


def _checked(variance: float | None) -> float:
    if variance is None:
        raise ValueError("a variance was used before its arm was checked for enough data")
    return variance


def srm_p_value(counts: Sequence[int], weights: Sequence[float]) -> float:
    """The p-value of a chi-square goodness of fit of exposure counts against the weights.

    ``weights`` are the variants' intended shares, in any scale (they are normalised). A small
    p-value means the traffic did not split as designed: a sample ratio mismatch. Without any
    exposure there is nothing to mismatch and the p-value is 1, as in GrowthBook.
    """
    if len(counts) != len(weights):
        raise ValueError(f"{len(counts)} counts for {len(weights)} weights")
    if len(counts) < 2:
        raise ValueError("a sample ratio check needs at least two variants")
    if any(count < 0 for count in counts):
        raise ValueError("exposure counts cannot be negative")
    if not all(math.isfinite(weight) and weight > 0 for weight in weights):
        raise ValueError("every variant's weight must be a positive number")
    total = sum(counts)
    if total == 0:
        return 1.0
    total_weight = math.fsum(weights)
    expected = [total * weight / total_weight for weight in weights]
    return float(distributions.chisquare(counts, f_exp=expected).pvalue)


def srm_alarm(counts: Sequence[int], weights: Sequence[float]) -> bool:
    """Whether the exposure counts mismatch the weights badly enough to distrust the experiment."""
    return srm_p_value(counts, weights) < SRM_ALPHA


def required_sample_size(
    baseline_mean: float,
    baseline_variance: float,
    mde_relative: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int | None:
    """Units per variant for the two-sided test of the relative effect to detect a lift of
    ``mde_relative`` with probability ``power``, rounded up::

        n = (z[1 - alpha/2] + z[power])**2 * variance * (1 + (1 + mde)**2) / (mde * mean)**2

    This is GrowthBook's power calculation (``powerStandardError``): the delta-method variance of
    the relative effect, with both arms at the baseline's variance and the treatment mean at
    ``mean * (1 + mde)``, so it is the size at which ``compare(...).relative`` reaches the power.
    For a small lift it tends to the textbook ``2 (z + z)**2 variance / (mde * mean)**2`` of a
    difference in means; for a 10% lift it is 10.5% larger, because the relative effect also
    carries the uncertainty of the control mean it is divided by. (The chance of a significant
    result in the wrong direction, which GrowthBook adds to the power, is below 1e-5 here.)

    None when no sample size can be given: a zero baseline mean or effect, or a baseline without
    variance.
    """
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    difference = mde_relative * baseline_mean
    if not (math.isfinite(difference) and math.isfinite(baseline_variance)):
        return None
    if difference == 0 or baseline_variance <= 0:
        return None
    z = distributions.norm.ppf(1 - alpha / 2) + distributions.norm.ppf(power)
    variance_factor = 1 + (1 + mde_relative) ** 2
    return math.ceil(z**2 * baseline_variance * variance_factor / difference**2)


def additional_units_needed(
    control: SufficientStats,
    treatment: SufficientStats,
    mde_relative: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int | None:
    """How many more units each variant needs to detect ``mde_relative``, with control's observed
    mean and variance as the baseline: 0 when the smaller arm already has enough. None while
    control cannot serve as a baseline (fewer than 2 units, a zero mean or no variance)."""
    baseline_mean, baseline_variance = control.mean, control.variance
    if baseline_mean is None or baseline_variance is None:
        return None
    needed = required_sample_size(baseline_mean, baseline_variance, mde_relative, alpha, power)
    if needed is None:
        return None
    return max(0, needed - min(control.n, treatment.n))


def _check_probability(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
