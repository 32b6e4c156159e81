"""The results in words: rounding that follows the uncertainty, and sentences that say which way."""

import pytest

from experiments import verdicts
from experiments.stats import ArmSummary, Comparison, Effect, SufficientStats, compare

ARM = ArmSummary(n=10_000, mean=0.2, variance=0.16)


def comparison(
    estimate: float,
    low: float,
    high: float,
    p: float,
    *,
    alpha: float = 0.05,
    higher_is_better: bool = True,
) -> Comparison:
    relative = Effect(
        estimate=estimate,
        standard_error=(high - low) / 3.92,
        ci_low=low,
        ci_high=high,
        p_value=p,
        significant=p < alpha,
    )
    return Comparison(
        control=ARM,
        treatment=ARM,
        alpha=alpha,
        higher_is_better=higher_is_better,
        enough_data=True,
        degrees_of_freedom=19_998,
        absolute=relative,
        relative=relative,
        chance_to_win=0.9,
    )


def say(result: Comparison, *, additional: int | None = 0, guardrail: bool = False) -> str:
    return verdicts.verdict(
        result,
        variant_name="Treatment",
        metric_name="Listing published",
        additional_units=additional,
        minimum_detectable_effect=0.05,
        is_guardrail=guardrail,
    )


def test_a_significant_rise_names_the_variant_metric_size_interval_and_p_value():
    assert say(comparison(0.041, 0.012, 0.070, 0.004)) == (
        "Treatment raises Listing published by 4.1% (95% CI 1.2% to 7.0%, p = 0.004)"
    )


def test_a_significant_fall_of_a_lower_is_better_metric_is_good_and_its_interval_is_a_size():
    result = comparison(-0.12, -0.19, -0.05, 0.0004, higher_is_better=False)
    assert say(result) == (
        "Treatment lowers Listing published by 12% (95% CI 5% to 19%, p < 0.001)"
        " — good: lower is better"
    )


@pytest.mark.parametrize(
    ("estimate", "low", "high", "higher_is_better", "ending"),
    [
        (-0.041, -0.070, -0.012, True, " — bad: higher is better"),
        (0.041, 0.012, 0.070, False, " — bad: lower is better"),
    ],
)
def test_a_significant_move_the_wrong_way_is_called_bad(
    estimate, low, high, higher_is_better, ending
):
    result = comparison(estimate, low, high, 0.004, higher_is_better=higher_is_better)
    assert say(result).endswith(ending)


def test_not_significant_yet_says_how_many_more_units_are_needed():
    result = comparison(0.013, -0.020, 0.046, 0.43)
    assert say(result, additional=6_184) == (
        "Not significant yet: about 6,200 more units per variant needed to detect a 5% lift "
        "(now +1.3%, 95% CI −2.0% to +4.6%, p = 0.43)"
    )


def test_no_difference_at_the_planned_size_is_said_as_such():
    result = comparison(0.004, -0.019, 0.027, 0.73)
    assert say(result, additional=0) == (
        "No significant difference at the planned sample size "
        "(+0.4%, 95% CI −1.9% to +2.7%, p = 0.73)"
    )


def test_a_guardrail_drifting_the_wrong_way_says_so_without_claiming_significance():
    result = comparison(0.03, -0.01, 0.07, 0.14, higher_is_better=False)
    sentence = say(result, additional=900, guardrail=True)
    assert sentence.startswith("Not significant yet: about 900 more units")
    assert sentence.endswith(" — moving the wrong way, not significant")
    assert not say(result, additional=900, guardrail=False).endswith("not significant")


def test_not_enough_data_gives_the_reason_from_the_statistics():
    result = compare(SufficientStats.conversions(10, 0), SufficientStats.conversions(10, 3))
    assert say(result) == "Not enough data: no variance in control: every unit has the value 0."


def test_the_interval_level_follows_alpha():
    result = comparison(0.041, 0.017, 0.065, 0.004, alpha=0.1)
    assert "(90% CI 1.7% to 6.5%" in say(result)
    assert verdicts.interval_name(0.025) == "97.5% CI"
    assert verdicts.interval_name(0.01) == "99% CI"


@pytest.mark.parametrize(
    ("estimate", "low", "high", "expected"),
    [
        (0.041, 0.012, 0.070, "+4.1%"),  # two digits of the estimate
        (0.12, 0.05, 0.19, "+12%"),
        (0.0999999, 0.04, 0.16, "+10%"),  # not "+10.0%": 9.99999 is 10 to two digits
        (0.0035, -0.002, 0.009, "+0.35%"),
        (0.0011, -0.012, 0.014, "+0.1%"),  # a tiny estimate gets the interval's precision
        (-0.0004, -0.012, 0.011, "0.0%"),  # rounds to zero: no "−0.0%"
        (1.5, 1.2, 1.8, "+150%"),
    ],
)
def test_lifts_are_rounded_to_what_their_interval_supports(estimate, low, high, expected):
    assert verdicts.lift(Effect(estimate, 0.01, low, high, 0.5, False)) == expected


@pytest.mark.parametrize(
    ("units", "expected"),
    [(7, "7"), (99, "99"), (123, "120"), (6_184, "6,200"), (1_234_567, "1,200,000")],
)
def test_about_rounds_counts_to_two_significant_digits(units, expected):
    assert verdicts.about(units) == expected


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0.00004, "p < 0.001"), (0.004, "p = 0.004"), (0.0123, "p = 0.012"), (0.31, "p = 0.31")],
)
def test_p_values(p, expected):
    assert verdicts.p_value(p) == expected


def test_means_and_chances_are_shown_with_three_significant_digits_and_no_false_certainty():
    assert verdicts.mean(0.20312, is_rate=True) == "20.3%"
    assert verdicts.mean(0.004123, is_rate=True) == "0.412%"
    assert verdicts.mean(1234.56, is_rate=False) == "1,235"
    assert verdicts.mean(None, is_rate=False) == "—"
    assert verdicts.chance(0.734) == "73%"
    assert verdicts.chance(0.9996) == ">99.9%"
    assert verdicts.chance(0.995) == "99.5%"
    assert verdicts.chance(None) == "—"


def test_a_bayesian_result_has_no_p_value_and_says_its_chance_to_win_instead():
    control = SufficientStats.conversions(20_000, 2_000)
    treatment = SufficientStats.conversions(20_000, 2_200)
    result = compare(control, treatment, method="bayesian")
    assert result.relative is not None
    assert result.relative.p_value is None
    assert verdicts.p_value(None) == verdicts.DASH
    assert say(result) == (
        "Treatment raises Listing published by 10% (95% CrI 4% to 16%, chance to win >99.9%)"
    )
