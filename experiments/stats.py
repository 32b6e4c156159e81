"""Experiment statistics: the one module that does statistics.

Pure functions over sufficient statistics: for each variant, the number of units ``n`` and the sum
and sum of squares of the per-unit metric value (for a conversion metric the values are 0 or 1, so
the sum of squares equals the sum). The analysis SQL reduces millions of events to these three
numbers per variant; everything below works from them alone. No database, no Django, no state.
Two kinds of metric need more sums per variant: a CUPED-adjusted metric (``AdjustedStats``: also
the sums of its pre-exposure covariate x, of x² and of the products x·y) and a ratio metric
(``RatioStats``: the sums of a numerator m and a denominator d per unit, of their squares and of
the products m·d).

Everything follows GrowthBook's engine (gbstats 0.8.0: ``models/statistics.py``,
``frequentist/tests.py``, ``bayesian/tests.py`` and ``utils.py``), so a result here reads like a
result there. What the three methods share:

- each arm's variance is the sample variance ``(sum_squares - sum**2 / n) / (n - 1)``;
- the absolute effect is ``mean_t - mean_c`` with variance ``var_t / n_t + var_c / n_c``;
- the relative effect (the lift) is ``(mean_t - mean_c) / mean_c`` with the delta-method variance
  ``var_t / (mean_c**2 n_t) + var_c mean_t**2 / (mean_c**4 n_c)`` (the two means independent);
  for a metric whose control mean is negative the lift is taken against ``|mean_c|``, so that it
  keeps the sign of the difference;
- there is no result when either arm has no variance or the control mean is zero;
- ``chance_to_win`` is ``Φ(lift / se)`` (``1 -`` that when lower is better).

``compare(method="fixed")``, the default, is gbstats ``TwoSidedTTest``: the Welch-Satterthwaite
degrees of freedom of the two arms' variances, a two-sided p-value ``2 P(T > |estimate / se|)`` and
the interval ``estimate ± t(1 - alpha/2) se``. It is valid read once, at the planned sample size;
read daily and stopped at the first significant look it calls about one A/A test in five over two
weeks (``may_decide`` keeps the results page from doing so).

``compare(method="sequential")`` is gbstats ``SequentialTwoSidedTTest``: the Gaussian-mixture
confidence sequence of Waudby-Smith et al. (arXiv 2103.06476v7, eq. 9), valid at every look. With
``N = n_c + n_t``, ``rho² = (-2 log alpha + log(1 - 2 log alpha)) / sequential_tuning`` (eq. 161:
the mixture is tuned to be tightest at ``N = sequential_tuning``) and ``se`` the effect's standard
error as above, the interval is::

    estimate ± se sqrt(N) sqrt(2 (N rho² + 1) log(sqrt(N rho² + 1) / alpha) / (N rho)²)

and the always-valid p-value is gbstats', the reciprocal of the mixture's e-value (eq. 155),
``min(1, sqrt(N rho² + 1) exp(-rho² N (estimate / se)² / (2 (N rho² + 1))))``. Because rho is
tuned for ``alpha``, this p-value is below alpha exactly when the interval excludes 0; it is not
the smallest alpha whose sequence excludes 0 (that sequence would have another rho). Both scales,
absolute and relative, use the same formula, as gbstats does; there are no degrees of freedom.

``compare(method="bayesian")`` is gbstats ``EffectBayesianABTest`` with an improper flat prior
(``GaussianPrior(proper=False)``): the posterior of each effect is normal, centred on the estimate
with its sampling variance, so ``estimate`` is the posterior mean, the interval is the credible
interval ``estimate ± z(1 - alpha/2) se``, ``chance_to_win`` the posterior probability that the
treatment is better in the metric's direction and ``risk`` the expected loss of choosing control
and of choosing treatment, ``(E[max(lift, 0)], E[max(-lift, 0)])`` (swapped when lower is better),
all on the relative scale as GrowthBook reports them. A Bayesian effect has no p-value
(``p_value`` None); it is ``significant`` when its credible interval excludes 0, which is
``chance_to_win`` above ``1 - alpha/2`` or below ``alpha/2``. GrowthBook's own page calls a
winner at a chance to win of 95% instead (one-sided: less strict than 97.5% here at alpha 0.05).

CUPED (``AdjustedStats``) follows gbstats ``RegressionAdjustedStatistic``: ``theta`` is pooled over
the units of both arms as ``compute_theta`` does, ``cov(x, y) / var(x)`` of the two arms together
(0, no adjustment, when x or y has no variance there); each arm's adjusted mean is ``mean_y - theta
mean_x`` and its variance ``var_y + theta² var_x - 2 theta cov(x, y)`` from its own sums. The
effects are computed from the adjusted means and variances, but the lift is relative to the
unadjusted control mean and its delta method uses the unadjusted means, as in gbstats.
``variance_reduction`` says how much the adjustment shrank the variance of the effect.

A ratio metric (``RatioStats``) follows gbstats ``RatioStatistic``: its mean is ``sum(m) /
sum(d)`` and its per-unit variance the delta method's ``var_m / mean_d² - 2 cov(m, d) mean_m /
mean_d³ + mean_m² var_d / mean_d⁴``; the comparison then proceeds as for any other metric.

``adjust_p_values`` corrects a family of p-values for multiple comparisons (Holm or
Benjamini-Hochberg, as statsmodels' ``multipletests`` computes them). The sample ratio mismatch
check is a chi-square goodness of fit of exposure counts against the weights, as in GrowthBook's
``check_srm``.

One deliberate difference: gbstats gives a conversion metric the variance ``p (1 - p)``; here every
metric gets the unbiased sample variance, ``n / (n - 1)`` times larger, which is what Welch's test
assumes and what scipy and statsmodels compute from raw data. The factor is 1.001 at 1,000 units.

Numbers that cannot be computed are never NaN or infinity: a comparison without enough data says
so in ``Comparison.reason`` and leaves its numeric fields ``None``.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal


def _special() -> Any:
    """scipy.special, imported on first use: a management command or a page that computes no
    statistics starts without scipy and numpy (half a second)."""
    from scipy import special

    return special


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

Method = Literal["fixed", "sequential", "bayesian"]
METHODS: tuple[Method, ...] = ("fixed", "sequential", "bayesian")

# GrowthBook's default tuning parameter of the sequential test: the total sample size (both arms)
# at which its confidence sequence is the narrowest relative to a fixed interval.
DEFAULT_SEQUENTIAL_TUNING = 5000.0

P_VALUE_ADJUSTMENTS = ("holm", "bh")


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


def _co_spread(n: int, sum_x: float, sum_y: float, sum_of_products: float) -> float:
    """The sum of products of deviations from the means of two per-unit values."""
    return sum_of_products - sum_x * (sum_y / n)


def _check_products(
    first: SufficientStats, second: SufficientStats, sum_of_products: float, names: str
) -> None:
    """Refuse a sum of products that no set of pairs of values can have (Cauchy-Schwarz)."""
    if not math.isfinite(sum_of_products):
        raise ValueError(f"the sum of products of {names} must be a finite number")
    if first.n == 0:
        if sum_of_products != 0:
            raise ValueError("a variant with no units has a sum of products of 0")
        return
    co_spread = _co_spread(first.n, first.sum, second.sum, sum_of_products)
    bound = math.sqrt(max(first._spread(), 0.0)) * math.sqrt(max(second._spread(), 0.0))
    scale = math.sqrt(first.sum_squares) * math.sqrt(second.sum_squares)
    if abs(co_spread) > bound + _SPREAD_REJECT * scale:
        raise ValueError(
            f"the sum of products of {names} ({sum_of_products}) is impossible with their sums "
            "and sums of squares: these cannot be one variant's statistics"
        )


@dataclass(frozen=True)
class AdjustedStats:
    """One variant's statistics for a CUPED-adjusted metric: the per-unit metric value y and its
    pre-exposure covariate x (the same metric in the lookback window before exposure), reduced to
    ``n`` and the sums of y, y², x, x² and x·y."""

    n: int
    sum: float
    sum_squares: float
    pre_sum: float
    pre_sum_squares: float
    sum_of_products: float

    def __post_init__(self) -> None:
        # Each half on its own must be one variant's statistics; SufficientStats checks them.
        _check_products(self.post, self.pre, self.sum_of_products, "the metric and its covariate")

    @classmethod
    def from_values(cls, pairs: Iterable[tuple[float, float]]) -> "AdjustedStats":
        """The statistics of raw ``(y, x)`` pairs: the metric value and its covariate per unit."""
        return cls(*_pair_sums(pairs))

    @property
    def post(self) -> SufficientStats:
        """The metric's own statistics, as if it were not adjusted."""
        return SufficientStats(self.n, self.sum, self.sum_squares)

    @property
    def pre(self) -> SufficientStats:
        """The covariate's statistics."""
        return SufficientStats(self.n, self.pre_sum, self.pre_sum_squares)

    @property
    def mean(self) -> float | None:
        """The unadjusted mean of the metric (the adjustment needs both arms: see ``compare``)."""
        return self.post.mean

    @property
    def variance(self) -> float | None:
        """The unadjusted sample variance of the metric."""
        return self.post.variance

    @property
    def covariance(self) -> float | None:
        """The sample covariance of the metric and its covariate, None with fewer than 2 units."""
        if self.n < 2:
            return None
        return _co_spread(self.n, self.sum, self.pre_sum, self.sum_of_products) / (self.n - 1)


def _pair_sums(
    pairs: Iterable[tuple[float, float]],
) -> tuple[int, float, float, float, float, float]:
    """``n`` and the sums of a, a², b, b² and a·b over ``(a, b)`` pairs."""
    n, a, aa, b, bb, ab = 0, 0.0, 0.0, 0.0, 0.0, 0.0
    for first, second in pairs:
        n += 1
        a, aa = a + first, aa + first * first
        b, bb = b + second, bb + second * second
        ab += first * second
    return n, a, aa, b, bb, ab


@dataclass(frozen=True)
class RatioStats:
    """One variant's statistics for a ratio metric (revenue per order, clicks per session): per
    unit a numerator m and a denominator d, reduced to ``n`` and the sums of m, m², d, d², m·d.
    The metric is ``sum(m) / sum(d)``, not the mean of the per-unit ratios."""

    n: int
    m_sum: float
    m_sum_squares: float
    d_sum: float
    d_sum_squares: float
    m_d_sum_of_products: float

    def __post_init__(self) -> None:
        _check_products(
            self.numerator, self.denominator, self.m_d_sum_of_products, "numerator and denominator"
        )

    @classmethod
    def from_values(cls, pairs: Iterable[tuple[float, float]]) -> "RatioStats":
        """The statistics of raw ``(m, d)`` pairs: numerator and denominator per unit."""
        return cls(*_pair_sums(pairs))

    @property
    def numerator(self) -> SufficientStats:
        return SufficientStats(self.n, self.m_sum, self.m_sum_squares)

    @property
    def denominator(self) -> SufficientStats:
        return SufficientStats(self.n, self.d_sum, self.d_sum_squares)

    @property
    def mean(self) -> float | None:
        """``sum(m) / sum(d)``, or None without units or with a denominator summing to 0."""
        if self.n == 0 or self.d_sum == 0:
            return None
        return self.m_sum / self.d_sum

    @property
    def variance(self) -> float | None:
        """The per-unit variance of the ratio by the delta method (gbstats ``RatioStatistic``)::

            var_m / mean_d**2 - 2 cov_md mean_m / mean_d**3 + mean_m**2 var_d / mean_d**4

        so that ``variance / n`` is the variance of the ratio of the means. None with fewer than
        2 units or a denominator summing to 0; 0 within rounding of no spread at all."""
        if self.n < 2 or self.d_sum == 0:
            return None
        numerator, denominator = self.numerator, self.denominator
        var_m, var_d = numerator._spread() / (self.n - 1), denominator._spread() / (self.n - 1)
        covariance = _co_spread(self.n, self.m_sum, self.d_sum, self.m_d_sum_of_products) / (
            self.n - 1
        )
        mean_m, mean_d = self.m_sum / self.n, self.d_sum / self.n
        ratio = mean_m / mean_d
        # The three terms of the delta method, each divided by mean_d**2 once.
        positive = (var_m + ratio**2 * var_d) / mean_d**2
        variance = positive - 2 * covariance * ratio / mean_d**2
        noise = _SPREAD_NOISE * (numerator.sum_squares + ratio**2 * denominator.sum_squares)
        if variance * (self.n - 1) <= noise / mean_d**2:
            return 0.0
        return variance


Stats = SufficientStats | AdjustedStats | RatioStats


@dataclass(frozen=True)
class ArmSummary:
    """What a result page shows of one arm: its units, mean and variance (None where undefined).

    For a CUPED metric these are the metric's own, unadjusted mean and variance; for a ratio
    metric the ratio and its delta-method variance per unit."""

    n: int
    mean: float | None
    variance: float | None

    @classmethod
    def of(cls, arm: Stats) -> "ArmSummary":
        return cls(n=arm.n, mean=arm.mean, variance=arm.variance)


@dataclass(frozen=True)
class Effect:
    """One estimate of the treatment's effect (absolute or relative to control).

    ``ci_low`` and ``ci_high`` bound the ``1 - alpha`` interval: a confidence interval for the
    fixed test, an always-valid confidence sequence for the sequential one, a credible interval
    (and ``estimate`` the posterior mean) for the Bayesian one. ``p_value`` is two-sided, and None
    for the Bayesian analysis, which has no p-value. ``significant`` is that the interval excludes
    0; for the two frequentist methods that is the same as ``p_value < alpha``.
    """

    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float | None
    significant: bool


@dataclass(frozen=True)
class Comparison:
    """Treatment against control on one metric.

    With ``enough_data`` False, ``reason`` says why in words fit for the result page and
    ``degrees_of_freedom``, ``absolute``, ``relative``, ``chance_to_win`` and ``risk`` are None.

    ``chance_to_win`` is the probability that the treatment is better than control, under the
    normal approximation of the relative effect: ``Φ(relative.estimate / relative.standard_error)``
    when higher is better, ``1 -`` that when lower is better: what a Bayesian analysis with a flat
    prior reports as the chance to beat control, and what the Bayesian method reports. It is not a
    p-value.

    ``degrees_of_freedom`` are Welch's, given only by the fixed test (the other two methods use
    the normal distribution).

    ``risk`` is given only by the Bayesian method: ``(risk of choosing control, risk of choosing
    treatment)``, each the expected loss, on the relative scale, of shipping that arm: the
    posterior mean of how much better the other arm is, counted as 0 where it is not better
    (gbstats' ``risk``, in its order). 0.002 means an expected loss of 0.2% of the control mean.
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
    risk: tuple[float, float] | None = None
    method: Method = "fixed"


def compare(
    control: Stats,
    treatment: Stats,
    alpha: float = 0.05,
    *,
    higher_is_better: bool = True,
    method: Method = "fixed",
    sequential_tuning: float = DEFAULT_SEQUENTIAL_TUNING,
) -> Comparison:
    """Treatment against control, on the absolute and the relative scale, by ``method``:

    - ``"fixed"``: Welch's t-test, valid when read once, at the planned sample size;
    - ``"sequential"``: GrowthBook's always-valid confidence sequence, valid at any look, with
      ``sequential_tuning`` (the total sample size it is tuned for);
    - ``"bayesian"``: GrowthBook's Gaussian effect model with a flat prior.

    The arms are ``SufficientStats`` (a plain metric), ``AdjustedStats`` (a CUPED-adjusted
    metric) or ``RatioStats`` (a ratio metric), both of the same kind. ``higher_is_better`` gives
    the metric's direction; it changes only ``chance_to_win`` and ``risk`` (the effects and their
    p-values are two-sided and say nothing about good or bad).
    """
    _check_probability("alpha", alpha)
    _check_method(method)
    if not (math.isfinite(sequential_tuning) and sequential_tuning > 0):
        raise ValueError(f"sequential_tuning must be a positive number, not {sequential_tuning!r}")
    if type(control) is not type(treatment):
        raise ValueError(
            f"both arms must be the same kind of statistics, not {type(control).__name__} "
            f"and {type(treatment).__name__}"
        )
    without_result = Comparison(
        control=ArmSummary.of(control),
        treatment=ArmSummary.of(treatment),
        alpha=alpha,
        higher_is_better=higher_is_better,
        enough_data=False,
        method=method,
    )
    reason = _why_not_enough_data(control, treatment)
    if reason is not None:
        return replace(without_result, reason=reason)
    arms = _arm_estimates(control, treatment)
    if isinstance(arms, str):
        return replace(without_result, reason=arms)

    try:
        result = _test(*arms, alpha, higher_is_better, method, sequential_tuning)
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
        risk=result.risk,
    )


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")


def _why_not_enough_data(control: Stats, treatment: Stats) -> str | None:
    if control.n == 0 and treatment.n == 0:
        return "no units in either arm"
    if control.n == 0:
        return "no units in control"
    if treatment.n == 0:
        return "no units in treatment"
    if control.n < 2 or treatment.n < 2:
        return "fewer than 2 units per arm"
    # Only a ratio's mean can still be undefined: its denominator can sum to 0.
    if control.mean is None:
        return "the denominator sums to zero in control: no ratio"
    if treatment.mean is None:
        return "the denominator sums to zero in treatment: no ratio"
    # Means and variances are defined from here on: both arms have at least 2 units.
    if control.variance == 0 and treatment.variance == 0:
        return (
            f"no variance in either arm: {_every_unit(control, 'in control ')} "
            f"and {_every_unit(treatment, 'in treatment ', verb='')}"
        )
    if control.variance == 0:
        return f"no variance in control: {_every_unit(control)}"
    if treatment.variance == 0:
        return f"no variance in treatment: {_every_unit(treatment)}"
    if control.mean == 0:
        return "control mean is zero: relative lift undefined"
    return None


def _every_unit(arm: Stats, where: str = "", verb: str = "has ") -> str:
    """``every unit in control has the value 0``; ``the ratio is 2 for every unit in control``."""
    if isinstance(arm, RatioStats):
        return f"the ratio is {arm.mean:g} for every unit {where}".rstrip()
    return f"every unit {where}{verb}the value {arm.mean:g}"


@dataclass(frozen=True)
class _Arm:
    """One arm as the tests use it: units, the mean compared (CUPED-adjusted or not), the
    unadjusted mean the lift is relative to, and the per-unit variance of the compared mean."""

    n: int
    mean: float
    baseline: float
    variance: float


def _arm_estimates(control: Stats, treatment: Stats) -> tuple[_Arm, _Arm] | str:
    """The arms' estimates, or why there is no result (a CUPED adjustment that leaves no
    variance). Both arms have passed ``_why_not_enough_data``."""
    if isinstance(control, AdjustedStats) and isinstance(treatment, AdjustedStats):
        theta = cuped_theta(control, treatment)
        arms = _adjusted(control, theta), _adjusted(treatment, theta)
        for arm, name in zip(arms, ("control", "treatment"), strict=True):
            if arm.variance <= 0:
                return (
                    f"no variance left in {name} after the CUPED adjustment: the covariate "
                    "predicts the metric exactly"
                )
        return arms
    return _plain(control), _plain(treatment)


def _plain(arm: Stats) -> _Arm:
    mean, variance = _checked(arm.mean), _checked(arm.variance)
    return _Arm(n=arm.n, mean=mean, baseline=mean, variance=variance)


def _adjusted(arm: AdjustedStats, theta: float) -> _Arm:
    post, pre = arm.post, arm.pre
    mean_y, var_y = _checked(post.mean), _checked(post.variance)
    mean_x, var_x = _checked(pre.mean), _checked(pre.variance)
    covariance = _checked(arm.covariance)
    variance = var_y + theta**2 * var_x - 2 * theta * covariance
    # What is left of var_y is rounding noise when it is this small a share of it.
    if variance <= _SPREAD_NOISE * var_y:
        variance = 0.0
    return _Arm(n=arm.n, mean=mean_y - theta * mean_x, baseline=mean_y, variance=variance)


def cuped_theta(control: AdjustedStats, treatment: AdjustedStats) -> float:
    """The CUPED coefficient, pooled over both arms as gbstats ``compute_theta`` does: the
    covariance of metric and covariate over the units of both arms together, over the
    covariate's variance there. 0 (no adjustment) when either has no variance there, or fewer
    than 2 units in all."""
    n = control.n + treatment.n
    if n < 2:
        return 0.0
    post = SufficientStats(
        n, control.sum + treatment.sum, control.sum_squares + treatment.sum_squares
    )
    pre = SufficientStats(
        n, control.pre_sum + treatment.pre_sum, control.pre_sum_squares + treatment.pre_sum_squares
    )
    if not post.variance or not pre.variance:
        return 0.0
    products = control.sum_of_products + treatment.sum_of_products
    covariance = _co_spread(n, post.sum, pre.sum, products) / (n - 1)
    return covariance / pre.variance


def variance_reduction(control: AdjustedStats, treatment: AdjustedStats) -> float | None:
    """How much CUPED shrinks the variance of the absolute effect: ``1 - adjusted / unadjusted``,
    where each is ``var_t / n_t + var_c / n_c`` (0.3 means the interval is ``sqrt(0.7)`` as wide,
    as if the experiment had 1 / 0.7 = 1.43 times the units). None when ``compare`` would give no
    result; 0 when the covariate has no variance."""
    if _why_not_enough_data(control, treatment) is not None:
        return None
    adjusted = _arm_estimates(control, treatment)
    if isinstance(adjusted, str):
        return None
    plain = _plain(control), _plain(treatment)
    before = sum(arm.variance / arm.n for arm in plain)
    after = sum(arm.variance / arm.n for arm in adjusted)
    return 1 - after / before


@dataclass(frozen=True)
class _TestResult:
    degrees_of_freedom: float | None
    absolute: Effect
    relative: Effect
    chance_to_win: float
    risk: tuple[float, float] | None

    def is_finite(self) -> bool:
        numbers = [self.chance_to_win]
        numbers += [self.degrees_of_freedom] if self.degrees_of_freedom is not None else []
        numbers += list(self.risk or ())
        for effect in (self.absolute, self.relative):
            numbers += [effect.estimate, effect.standard_error, effect.ci_low, effect.ci_high]
            numbers += [effect.p_value] if effect.p_value is not None else []
        return all(math.isfinite(number) for number in numbers)


def _test(
    control: _Arm,
    treatment: _Arm,
    alpha: float,
    higher_is_better: bool,
    method: Method,
    tuning: float,
) -> _TestResult:
    # Squared standard errors of the two means.
    se2_c, se2_t = control.variance / control.n, treatment.variance / treatment.n
    dof = (se2_c + se2_t) ** 2 / (se2_c**2 / (control.n - 1) + se2_t**2 / (treatment.n - 1))
    units = control.n + treatment.n

    def effect(estimate: float, variance: float) -> Effect:
        if method == "sequential":
            return _sequential_effect(estimate, variance, units, alpha, tuning)
        if method == "bayesian":
            return _bayesian_effect(estimate, variance, alpha)
        return _fixed_effect(estimate, variance, dof, alpha)

    difference = treatment.mean - control.mean
    absolute = effect(difference, se2_t + se2_c)
    # GrowthBook's delta-method variance, var_t / (mean_c**2 n_t) + var_c mean_t**2 /
    # (mean_c**4 n_c) with the unadjusted means, written with the ratio of the means so that
    # mean_c**4 cannot underflow.
    ratio = treatment.baseline / control.baseline
    relative = effect(
        difference / abs(control.baseline), (se2_t + se2_c * ratio**2) / control.baseline**2
    )

    z = relative.estimate / relative.standard_error
    better = float(_special().ndtr(z if higher_is_better else -z))
    risk = None
    if method == "bayesian":
        risk = _risk(relative.estimate, relative.standard_error, higher_is_better)
    return _TestResult(
        degrees_of_freedom=dof if method == "fixed" else None,
        absolute=absolute,
        relative=relative,
        chance_to_win=better,
        risk=risk,
    )


def _fixed_effect(estimate: float, variance: float, dof: float, alpha: float) -> Effect:
    standard_error = math.sqrt(variance)
    # special.stdtr and stdtrit are what scipy's t.sf and t.ppf compute, without their overhead.
    p_value = float(2 * _special().stdtr(dof, -abs(estimate / standard_error)))
    half_width = float(_special().stdtrit(dof, 1 - alpha / 2)) * standard_error
    return Effect(
        estimate=estimate,
        standard_error=standard_error,
        ci_low=estimate - half_width,
        ci_high=estimate + half_width,
        p_value=p_value,
        significant=p_value < alpha,
    )


def _sequential_effect(
    estimate: float, variance: float, units: int, alpha: float, tuning: float
) -> Effect:
    """gbstats ``SequentialTwoSidedTTest``: the Gaussian-mixture confidence sequence of
    Waudby-Smith et al. (arXiv 2103.06476v7, eq. 9, with the mixture's rho of eq. 161) and its
    always-valid p-value, the reciprocal of the mixture's e-value (eq. 155)."""
    standard_error = math.sqrt(variance)
    log_alpha = math.log(alpha)
    rho2 = (-2 * log_alpha + math.log(1 - 2 * log_alpha)) / tuning
    spread = units * rho2 + 1  # N rho**2 + 1
    # width = sqrt(N var) sqrt(2 (N rho**2 + 1) log(sqrt(N rho**2 + 1) / alpha) / (N rho)**2)
    half_width = standard_error * math.sqrt(
        2 * spread * (0.5 * math.log(spread) - log_alpha) / (units * rho2)
    )
    # e = exp(rho**2 S / (2 (N rho**2 + 1))) / sqrt(N rho**2 + 1), S = N estimate**2 / var;
    # p = min(1, 1 / e), in logarithms so that a large e cannot overflow.
    log_e = rho2 * units * (estimate / standard_error) ** 2 / (2 * spread) - 0.5 * math.log(spread)
    p_value = math.exp(-log_e) if log_e > 0 else 1.0
    return Effect(
        estimate=estimate,
        standard_error=standard_error,
        ci_low=estimate - half_width,
        ci_high=estimate + half_width,
        p_value=p_value,
        significant=p_value < alpha,
    )


def _bayesian_effect(estimate: float, variance: float, alpha: float) -> Effect:
    """gbstats ``EffectBayesianABTest`` with an improper (flat) prior: the posterior of the effect
    is normal with the estimate as its mean and its sampling variance as its variance."""
    standard_error = math.sqrt(variance)
    half_width = float(_special().ndtri(1 - alpha / 2)) * standard_error
    low, high = estimate - half_width, estimate + half_width
    return Effect(
        estimate=estimate,
        standard_error=standard_error,
        ci_low=low,
        ci_high=high,
        p_value=None,
        significant=low > 0 or high < 0,
    )


def _risk(mean: float, standard_error: float, higher_is_better: bool) -> tuple[float, float]:
    """(risk of choosing control, risk of choosing treatment) for an effect with the normal
    posterior N(mean, standard_error²): E[max(effect, 0)] and E[max(-effect, 0)], swapped when
    lower is better (gbstats ``get_risk``, in closed form)."""
    z = mean / standard_error
    density = standard_error * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    gain = mean * float(_special().ndtr(z)) + density  # E[max(effect, 0)]
    loss = -mean * float(_special().ndtr(-z)) + density  # E[max(-effect, 0)]
    return (gain, loss) if higher_is_better else (loss, gain)


def _checked(value: float | None) -> float:
    if value is None:
        raise ValueError("a mean or variance was used before its arm was checked for enough data")
    return value


def may_decide(method: Method, n_total: int, planned_n: int | None) -> bool:
    """Whether the results page may call a winner or a loser now.

    A fixed-horizon test is valid only when read once, at the sample size it was planned for:
    stopping at the first significant look of a daily read inflates false positives from 5% to
    about 20% over two weeks. So ``"fixed"`` may decide only once ``n_total`` (units in all arms)
    has reached ``planned_n``, and never while the planned size is unknown (None). The
    ``"sequential"`` confidence sequence is valid at every look, and a Bayesian posterior means
    what it says whenever it is read, so both may decide at any look.
    """
    _check_method(method)
    if method != "fixed":
        return True
    return planned_n is not None and n_total >= planned_n


def adjust_p_values(p_values: Sequence[float | None], method: str = "holm") -> list[float | None]:
    """P-values adjusted for multiple comparisons, in the order given: ``"holm"`` (Holm-Bonferroni
    step-down, controls the family-wise error rate) or ``"bh"`` (Benjamini-Hochberg step-up,
    controls the false discovery rate). Adjusted p-values are monotone in the raw ones and capped
    at 1, as statsmodels' ``multipletests`` gives them. None (a comparison without a result)
    passes through as None and does not count towards the number of tests."""
    if method not in P_VALUE_ADJUSTMENTS:
        raise ValueError(
            f"unknown p-value adjustment {method!r}: use one of {', '.join(P_VALUE_ADJUSTMENTS)}"
        )
    present = [(p, i) for i, p in enumerate(p_values) if p is not None]
    for p, _ in present:
        if not (math.isfinite(p) and 0 <= p <= 1):
            raise ValueError(f"a p-value is between 0 and 1, not {p!r}")
    ordered = sorted(present)
    m = len(ordered)
    adjusted: list[float | None] = [None] * len(p_values)
    if method == "holm":
        running = 0.0
        for rank, (p, i) in enumerate(ordered):
            running = max(running, min(1.0, (m - rank) * p))
            adjusted[i] = running
    else:
        running = 1.0
        for rank in range(m - 1, -1, -1):
            p, i = ordered[rank]
            running = min(running, m * p / (rank + 1))
            adjusted[i] = running
    return adjusted


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
    statistic = math.fsum((count - e) ** 2 / e for count, e in zip(counts, expected, strict=True))
    # scipy.stats.chisquare's p-value: the chi-square survival function at the statistic.
    return float(_special().chdtrc(len(counts) - 1, statistic))


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
    z = float(_special().ndtri(1 - alpha / 2) + _special().ndtri(power))
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
