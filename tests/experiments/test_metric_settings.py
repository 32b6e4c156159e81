"""Metric settings that mean nothing are refused with a message saying why."""

import pytest
from django.core.exceptions import ValidationError

from experiments.models import Metric

K, C = Metric.Kind, Metric.Capping


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": K.RATIO}, "denominator_event", "needs the event that divides"),
        ({"kind": K.COUNT, "denominator_event": "x"}, "denominator_event", "Only a ratio"),
        ({"kind": K.CONVERSION, "capping": C.ABSOLUTE, "cap_value": 3}, "capping", "Only count"),
        ({"kind": K.SUM, "capping": C.ABSOLUTE}, "cap_value", "Give the cap"),
        ({"kind": K.SUM, "capping": C.ABSOLUTE, "cap_value": -1}, "cap_value", "below 0"),
        ({"kind": K.SUM, "capping": C.PERCENTILE, "cap_value": 99}, "cap_value", "between 0 and 1"),
        ({"kind": K.SUM, "capping": C.PERCENTILE, "cap_value": 0}, "cap_value", "between 0 and 1"),
        ({"kind": K.SUM, "cap_value": 5}, "cap_value", "No cap is used"),
        ({"kind": K.SUM, "capping": C.ABSOLUTE, "cap_value": float("nan")}, "cap_value", "Give"),
    ],
)
def test_a_setting_that_means_nothing_is_refused(fields, field, message):
    metric = Metric(key="m", name="M", event_name="e", **fields)
    with pytest.raises(ValidationError) as refused:
        metric.clean()
    assert message in " ".join(refused.value.message_dict[field])


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": K.RATIO, "denominator_event": "listing_viewed"},
        {"kind": K.SUM, "capping": C.PERCENTILE, "cap_value": 0.99},
        {"kind": K.COUNT, "capping": C.ABSOLUTE, "cap_value": 0},
        {"kind": K.CONVERSION},
    ],
)
def test_sensible_settings_pass(fields):
    Metric(key="m", name="M", event_name="e", **fields).clean()
