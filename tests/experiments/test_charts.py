"""The SVG charts: valid markup, escaped text, and intervals drawn where the numbers are."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from experiments.charts import DayPoint, Interval, forest_plot, lift_over_time

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    assert "nan" not in svg.lower()
    assert "inf" not in svg.lower()
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def x_of_zero(root: ET.Element) -> float:
    [zero] = [line for line in root.iter(f"{SVG}line") if line.get("class") == "zero"]
    return float(zero.get("x1"))


def test_a_forest_plot_draws_a_bar_and_a_point_per_interval_on_the_right_side_of_zero():
    root = parse(
        forest_plot(
            [
                Interval("Published · Treatment", 0.041, 0.012, 0.070, tone="good"),
                Interval("Flagged · Treatment", -0.05, -0.20, 0.10),
                Interval("Views · Treatment", None, note="not enough data: no units"),
            ],
            title="Lift by metric",
        )
    )
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "interval"]
    assert len(groups) == 2  # the row without data gets a note, not a bar
    zero = x_of_zero(root)
    first_bar = groups[0].find(f"{SVG}line")
    assert zero < float(first_bar.get("x1")) < float(first_bar.get("x2"))  # 1.2% to 7.0%
    assert first_bar.get("stroke") == "#2e7d32"
    second_bar = groups[1].find(f"{SVG}line")
    assert float(second_bar.get("x1")) < zero < float(second_bar.get("x2"))  # straddles zero
    assert float(groups[1].find(f"{SVG}circle").get("cx")) < zero
    assert "not enough data: no units" in texts(root)
    assert root.find(f"{SVG}title").text == "Lift by metric"


def test_the_axis_has_round_percent_ticks_that_cover_every_interval():
    root = parse(forest_plot([Interval("A", 0.041, 0.012, 0.070)], title="t"))
    labels = [t for t in texts(root) if t.endswith("%")]
    assert labels == ["0%", "+2%", "+4%", "+6%", "+8%"]


def test_labels_and_titles_are_escaped():
    svg = forest_plot(
        [Interval('<script>alert("x")</script> & co', 0.1, 0.0, 0.2, note="<b>tip</b>")],
        title="</svg><script>",
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    assert '<script>alert("x")</script> & co' in texts(root)
    assert root.find(f"{SVG}title").text == "</svg><script>"


def test_a_forest_plot_without_rows_says_so():
    assert "No metrics" in texts(parse(forest_plot([], title="t")))


def test_the_lift_over_time_draws_a_band_around_a_line_through_each_day():
    start = date(2026, 3, 1)
    points = [
        DayPoint(start + timedelta(days=i), 0.02 * i, 0.02 * i - 0.05, 0.02 * i + 0.05)
        for i in range(5)
    ]
    points.insert(0, DayPoint(start - timedelta(days=1), None))  # not enough data yet: skipped
    root = parse(lift_over_time([("Treatment", points)], title="Cumulative lift"))
    [band] = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "band"]
    [line] = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "estimate"]
    line_points = [tuple(map(float, xy.split(","))) for xy in line.get("points").split()]
    band_points = [tuple(map(float, xy.split(","))) for xy in band.get("points").split()]
    assert len(line_points) == 5
    assert len(band_points) == 10  # the upper bounds, then the lower bounds back
    xs = [x for x, _ in line_points]
    assert xs == sorted(xs)
    ys = [y for _, y in line_points]
    assert ys == sorted(ys, reverse=True)  # a rising lift goes up the page
    for (_, y), (_, top), (_, bottom) in zip(
        line_points, band_points[:5], reversed(band_points[5:]), strict=True
    ):
        assert top < y < bottom
    assert "1 Mar" in texts(root)
    assert "28 Feb" in texts(root)  # the day without data still has its place on the axis


def test_a_lift_over_time_without_days_says_so():
    assert "No days yet" in texts(parse(lift_over_time([], title="t")))


def test_several_treatments_get_a_legend():
    day = date(2026, 3, 1)
    root = parse(
        lift_over_time(
            [("B <new>", [DayPoint(day, 0.1, 0.0, 0.2)]), ("C", [DayPoint(day, 0.0, -0.1, 0.1)])],
            title="t",
        )
    )
    assert {"B <new>", "C"} <= set(texts(root))


def test_a_coordinate_that_is_not_a_number_is_refused_rather_than_drawn():
    with pytest.raises(ValueError, match="finite"):
        forest_plot([Interval("A", float("nan"), 0.0, 0.1)], title="t")


def test_the_first_days_wide_intervals_do_not_flatten_the_settled_lift():
    start = date(2026, 3, 1)
    points = [DayPoint(start, 1.0, -1.5, 2.5)]  # the first day: a handful of units
    points += [DayPoint(start + timedelta(days=i), 0.08, 0.03, 0.13) for i in range(1, 10)]
    svg = lift_over_time([("Treatment", points)], title="Cumulative lift")
    root = parse(svg)
    labels = texts(root)
    assert "+15%" in labels or "+14%" in labels  # the axis fits the settled days
    assert not any(label in labels for label in ("+200%", "+250%", "\N{MINUS SIGN}150%"))
    assert "The first days' intervals run off the chart" in labels
    [series] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "series"]
    [clip] = root.iter(f"{SVG}clipPath")
    assert series.get("clip-path") == f"url(#{clip.get('id')})"


def test_settled_intervals_are_drawn_whole_without_a_note():
    start = date(2026, 3, 1)
    points = [DayPoint(start + timedelta(days=i), 0.08, 0.03, 0.13) for i in range(10)]
    labels = texts(parse(lift_over_time([("Treatment", points)], title="Cumulative lift")))
    assert "The first days' intervals run off the chart" not in labels
