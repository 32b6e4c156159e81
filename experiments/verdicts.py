"""Results in words: the one place that turns effects, p-values and sample sizes into text.

Numbers are rounded to what their uncertainty supports: a lift gets two significant digits of
the larger of its estimate and its interval's half-width (so "4.1% (1.2% to 7.0%)" and "12% (5% to
19%)"), unit counts said to be "about" get two significant digits, and a p-value two significant
digits down to "p < 0.001". Negative numbers carry a real minus sign (−). The interval's level
follows the experiment's alpha.
"""

from __future__ import annotations

import math

from .stats import Comparison, Effect

MINUS = "\N{MINUS SIGN}"
DASH = "\N{EM DASH}"


def interval_name(alpha: float, method: str = "fixed") -> str:
    """``95% CI`` for alpha 0.05, ``90% CI`` for 0.1, ``97.5% CI`` for 0.025; a Bayesian
    result's is a credible interval, ``95% CrI``."""
    level = round(100 * (1 - alpha), 2)
    return f"{level:g}% {'CrI' if method == 'bayesian' else 'CI'}"


def lift_decimals(effect: Effect) -> int:
    """Decimals (in percent) for an effect: two significant digits of its size or uncertainty."""
    magnitude = 100 * max(abs(effect.estimate), (effect.ci_high - effect.ci_low) / 2)
    if magnitude == 0:
        return 1
    magnitude = float(f"{magnitude:.2g}")  # 9.9996 is 10 to two digits: no decimal, as for 10
    return min(3, max(0, 1 - math.floor(math.log10(magnitude))))


def percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """``0.041`` → ``4.1%``; signed: ``+4.1%`` / ``−4.1%`` (never ``−0.0%``)."""
    rounded = round(100 * value, decimals)
    text = f"{abs(rounded):,.{decimals}f}%"
    if rounded < 0:
        return MINUS + text
    if signed and rounded > 0:
        return "+" + text
    return text


def lift(effect: Effect) -> str:
    """``+4.1%``, with the decimals its interval supports."""
    return percent(effect.estimate, lift_decimals(effect), signed=True)


def bounds(effect: Effect) -> str:
    """``+1.2% to +7.0%``: the interval's bounds, with the estimate's decimals."""
    decimals = lift_decimals(effect)
    low = percent(effect.ci_low, decimals, signed=True)
    high = percent(effect.ci_high, decimals, signed=True)
    return f"{low} to {high}"


def interval(effect: Effect, alpha: float, method: str = "fixed") -> str:
    """``95% CI +1.2% to +7.0%``."""
    return f"{interval_name(alpha, method)} {bounds(effect)}"


def design(minimum_detectable_effect: float, alpha: float, power: float) -> str:
    """``a 10% lift, alpha 0.05, power 80%``: what the sample size is planned for."""
    mde = percent(minimum_detectable_effect, round_decimals(minimum_detectable_effect))
    return f"a {mde} lift, alpha {alpha:g}, power {percent(power, round_decimals(power))}"


def p_value(p: float | None) -> str:
    """``p = 0.004``, ``p = 0.31``, ``p < 0.001``; a dash for a Bayesian result, which has none."""
    if p is None:
        return DASH
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.2g}"


def evidence(comparison: Comparison, adjusted_p: float | None = None) -> str:
    """The p-value of the relative effect, or for a Bayesian result (no p-value) its chance to
    win: ``p = 0.004``, ``chance to win 98%``; with a p-value adjusted for multiple comparisons,
    both: ``p = 0.004, adjusted p = 0.012``."""
    relative = comparison.relative
    if relative is not None and relative.p_value is not None:
        if adjusted_p is not None:
            return f"{p_value(relative.p_value)}, adjusted {p_value(adjusted_p)}"
        return p_value(relative.p_value)
    return f"chance to win {chance(comparison.chance_to_win)}"


def about(units: int) -> str:
    """A count rounded to two significant digits, with thousands separators: ``6,200``."""
    if units < 100:
        return str(units)
    digits = len(str(units))
    return f"{round(units, 2 - digits):,}"


def significant_figures(value: float, figures: int = 3) -> str:
    """``1.523`` → ``1.52``, ``40.27`` → ``40.3``, ``12345.6`` → ``12,346``."""
    if value == 0:
        return "0"
    decimals = max(0, figures - 1 - math.floor(math.log10(abs(value))))
    text = f"{abs(value):,.{decimals}f}"
    return MINUS + text if value < 0 else text


def mean(value: float | None, *, is_rate: bool) -> str:
    """A variant's mean: a rate in percent (three significant digits) or a plain number."""
    if value is None:
        return DASH
    if is_rate:
        return significant_figures(100 * value) + "%"
    return significant_figures(value)


def chance(probability: float | None) -> str:
    if probability is None:
        return DASH
    if probability > 0.999:
        return ">99.9%"
    if probability < 0.001:
        return "<0.1%"
    return percent(probability, 0 if 0.01 <= probability <= 0.99 else 1)


def goes_the_wrong_way(estimate: float, *, higher_is_better: bool) -> bool:
    return estimate < 0 if higher_is_better else estimate > 0


def verdict(
    comparison: Comparison,
    *,
    variant_name: str,
    metric_name: str,
    additional_units: int | None,
    minimum_detectable_effect: float,
    is_guardrail: bool = False,
    too_early: bool = False,
    planned_units: int | None = None,
    units: int = 0,
    adjusted_p: float | None = None,
) -> str:
    """One sentence a data scientist would sign about one treatment on one metric.

    - ``Treatment raises Listing published by 4.1% (95% CI 1.2% to 7.0%, p = 0.004)``, with
      ``— good: lower is better`` or ``— bad: …`` when the direction needs saying;
    - ``Not significant yet: about 6,200 more units per variant needed to detect a 5% lift (…)``;
    - ``No significant difference at the planned sample size (…)``;
    - ``Not enough data: <the reason from stats.compare>.``
    - ``too_early`` (a fixed-horizon test read before its planned sample size, ``planned_units``
      when it can be estimated): ``Too early: 1,200 of 6,400 units per variant…``, whatever the
      p-value.
    - with ``adjusted_p`` (multiple comparisons corrected), significance is ``adjusted_p <
      alpha`` and both p-values are said.
    A guardrail whose estimate moves the wrong way without significance says so at the end.
    """
    relative = comparison.relative
    if not comparison.enough_data or relative is None:
        return f"Not enough data: {comparison.reason or 'no comparison possible'}."
    method = comparison.method
    level = interval_name(comparison.alpha, method)
    wrong_way = goes_the_wrong_way(relative.estimate, higher_is_better=comparison.higher_is_better)
    said = evidence(comparison, adjusted_p)
    numbers = f"{lift(relative)}, {interval(relative, comparison.alpha, method)}, {said}"
    if too_early:
        planned = f" of {planned_units:,}" if planned_units else ""
        sentence = (
            f"Too early: {units:,}{planned} units per variant. A fixed-horizon test gives its "
            f"verdict at the planned sample size; read before, at every refresh, it would crown "
            f"false winners (now {numbers})"
        )
        if is_guardrail and wrong_way:
            sentence += f" {DASH} moving the wrong way"
        return sentence
    significant = relative.significant and (adjusted_p is None or adjusted_p < comparison.alpha)
    if significant:
        return _significant(relative, variant_name, metric_name, level, said, comparison, wrong_way)

    if additional_units is None:
        sentence = f"Not significant ({numbers})"
    elif additional_units > 0:
        mde = percent(minimum_detectable_effect, round_decimals(minimum_detectable_effect))
        sentence = (
            f"Not significant yet: about {about(additional_units)} more units per variant needed "
            f"to detect a {mde} lift (now {numbers})"
        )
    else:
        sentence = f"No significant difference at the planned sample size ({numbers})"
    if is_guardrail and wrong_way:
        sentence += f" {DASH} moving the wrong way, not significant"
    return sentence


def _significant(
    relative: Effect,
    variant_name: str,
    metric_name: str,
    level: str,
    said: str,
    comparison: Comparison,
    wrong_way: bool,
) -> str:
    decimals = lift_decimals(relative)
    raises = relative.estimate > 0
    # Said as a size with a verb, so the interval is of the size too: lowers by 12% (5% to 19%).
    low, high = (
        (relative.ci_low, relative.ci_high) if raises else (-relative.ci_high, -relative.ci_low)
    )
    sentence = (
        f"{variant_name} {'raises' if raises else 'lowers'} {metric_name} by "
        f"{percent(abs(relative.estimate), decimals)} ({level} {percent(low, decimals)} to "
        f"{percent(high, decimals)}, {said})"
    )
    better = "higher is better" if comparison.higher_is_better else "lower is better"
    if wrong_way:
        sentence += f" {DASH} bad: {better}"
    elif not comparison.higher_is_better:
        sentence += f" {DASH} good: {better}"
    return sentence


def round_decimals(fraction: float) -> int:
    """Just enough decimals for a round percentage such as 5%, 2.5% or 0.25%."""
    for decimals in range(4):
        if math.isclose(round(100 * fraction, decimals), 100 * fraction, abs_tol=1e-9):
            return decimals
    return 2
