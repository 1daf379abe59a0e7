"""Charts: well-formed SVG labelled for screen readers, the figures stated in the description, one
marker a point, nice ticks covering the data, escaped text, no inline styles, and charts that still
draw for empty, all-zero, single-point and missing data."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from casework.charts import bar_chart, month_comparison_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"
MONTHS = [dt.date(2025, 12, 1)] + [dt.date(2026, month, 1) for month in range(1, 12)]
LATEST = [12.5, 10, 8, 7.25, 6, 5, 4, 3, 2, 1, 0, 9]
PREVIOUS = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5, 11]


def parse(svg):
    return ET.fromstring(str(svg))


def find_all(root, tag, class_name=None):
    return [element for element in root.iter(NS + tag)
            if class_name is None or class_name in element.get("class", "").split()]


def texts(root, class_name):
    return ["".join(element.itertext()) for element in find_all(root, "text", class_name)]


def ticks(root):
    return [float(text.replace(",", "")) for text in texts(root, "tick")]


def desc(root):
    return root.find(NS + "desc").text


def comparison(latest=LATEST, previous=PREVIOUS, months=MONTHS, title="Days lost"):
    return parse(month_comparison_chart("monthly", title, months, latest, previous))


def bars(values=(120.5, 130, 95), labels=("2023/24", "2024/25", "2025/26"), highlight=(), title="By year"):
    return parse(bar_chart("yearly", title, labels, values, "FTE-days lost", highlight))


CHARTS = [
    pytest.param(lambda: comparison(), id="comparison"),
    pytest.param(lambda: comparison([], [], []), id="comparison-empty"),
    pytest.param(lambda: bars(highlight=(2,)), id="bars"),
    pytest.param(lambda: bars((), ()), id="bars-empty"),
]


@pytest.mark.parametrize("draw", CHARTS)
def test_every_chart_is_an_image_labelled_by_its_title_and_description(draw):
    root = draw()
    chart_id = root.find(NS + "title").get("id").removesuffix("-title")
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert root.find(NS + "desc").get("id") == f"{chart_id}-desc"
    assert root.get("viewBox") and root.get("width") == "100%"


@pytest.mark.parametrize("draw", CHARTS)
def test_no_inline_styles(draw):
    root = draw()
    assert all("style" not in element.attrib for element in root.iter())
    assert find_all(root, "style") == []


def test_comparison_describes_every_month_of_both_years():
    text = desc(comparison())
    assert text.startswith("Latest 12 months: December 2025 12.5 FTE-days lost, January 2026 10 FTE-days lost")
    assert "November 2026 9 FTE-days lost" in text
    assert "; Same months a year earlier: December 2024 10 FTE-days lost" in text
    assert "October 2025 0.5 FTE-days lost, November 2025 11 FTE-days lost." in text


def test_comparison_draws_circles_for_the_latest_and_squares_for_the_year_before():
    root = comparison()
    assert len(find_all(root, "circle", "marker")) == 12
    assert len(find_all(root, "rect", "marker")) == 12
    lines = find_all(root, "path", "series-line")
    assert [line.get("stroke") for line in lines] == ["#005eb8", "#425563"]
    assert [line.get("stroke-dasharray") for line in lines] == [None, "6 4"]
    assert texts(root, "x-label")[:2] == ["Dec 25", "Jan 26"]
    legend = "".join(find_all(root, "g", "legend")[0].itertext())
    assert "Latest 12 months" in legend and "Same months a year earlier" in legend


def test_a_missing_month_is_a_gap_and_said_in_words():
    latest = [None, 4, None, *LATEST[3:]]
    root = comparison(latest)
    assert len(find_all(root, "circle", "marker")) == 10
    assert "December 2025 no data, January 2026 4 FTE-days lost, February 2026 no data" in desc(root)
    path = find_all(root, "path", "series-line")[0].get("d")
    assert path.startswith("M") and path.count("M") == 2


@pytest.mark.parametrize("values, expected", [
    ([12.5], [0, 5, 10, 15]),
    ([15], [0, 5, 10, 15]),
    ([0.3], [0, 0.1, 0.2, 0.3]),
    ([7, 1], [0, 2, 4, 6, 8]),
    ([1234], [0, 500, 1000, 1500]),
    ([0], [0, 1]),
    ([], [0, 1]),
    ([-3, 6], [-5, 0, 5, 10]),
])
def test_nice_ticks_start_at_zero_in_round_steps_and_cover_the_data(values, expected):
    assert nice_ticks(values) == pytest.approx(expected)


@pytest.mark.parametrize("draw, maximum", [
    (lambda: comparison(), 12.5),
    (lambda: bars(), 130),
    (lambda: bars((0.04, 0.07), ("a", "b")), 0.07),
])
def test_drawn_ticks_are_nice_and_cover_the_maximum(draw, maximum):
    drawn = ticks(draw())
    steps = {round(b - a, 10) for a, b in zip(drawn, drawn[1:], strict=False)}
    assert drawn[0] == 0 and drawn[-1] >= maximum and len(steps) == 1


def test_titles_and_labels_are_escaped():
    root = bars((1, 2), ("R&D <north>", "A > B"), title="Days <lost> & found")
    assert root.find(NS + "title").text == "Days <lost> & found"
    assert texts(root, "x-label") == ["R&D <north>", "A > B"]
    assert "R&D <north> 1 FTE-days lost" in desc(root)
    assert comparison(title="<&>").find(NS + "title").text == "<&>"


def test_bars_print_their_values_and_the_description_states_them():
    root = bars()
    assert texts(root, "bar-value") == ["120.5", "130", "95"]
    assert desc(root) == "2023/24 120.5 FTE-days lost; 2024/25 130 FTE-days lost; 2025/26 95 FTE-days lost."
    assert "Forecast" not in "".join(find_all(root, "g", "legend")[0].itertext())


def test_forecast_bars_are_drawn_differently_and_the_legend_says_forecast():
    root = bars(highlight=(2,))
    plain, forecast = find_all(root, "rect", "bar")[:2], find_all(root, "rect", "bar-forecast")
    assert len(forecast) == 1 and forecast[0] not in plain
    assert forecast[0].get("fill") == "url(#yearly-hatch)" and plain[0].get("fill") == "#005eb8"
    assert forecast[0].get("stroke-dasharray")
    assert find_all(root, "pattern")[0].get("id") == "yearly-hatch"
    assert "Forecast" in "".join(find_all(root, "g", "legend")[0].itertext())
    assert "2025/26 (forecast) 95 FTE-days lost" in desc(root)


def test_long_labels_are_shortened_with_the_full_label_in_a_title():
    name = "Medicine, Emergency Care and Integrated Community Services"
    root = bars((1, 2, 3, 4, 5, 6), (name, "B", "C", "D", "E", "F"))
    label = find_all(root, "text", "x-label")[0]
    assert label.text.endswith("…") and len(label.text) < len(name)
    assert label.find(NS + "title").text == name


@pytest.mark.parametrize("draw", [
    pytest.param(lambda: comparison([], [], []), id="comparison-empty"),
    pytest.param(lambda: comparison([None] * 12, [None] * 12), id="comparison-all-none"),
    pytest.param(lambda: bars((), ()), id="bars-empty"),
    pytest.param(lambda: bars((None, None), ("a", "b")), id="bars-all-none"),
])
def test_no_data_says_so(draw):
    root = draw()
    assert texts(root, "no-data") == ["No data for this period"]
    assert desc(root) == "No data for this period."
    assert find_all(root, "circle", "marker") == [] and find_all(root, "rect", "bar") == []


def test_all_zero_data_draws_a_flat_line_on_a_zero_to_one_axis():
    root = comparison([0] * 12, [0] * 12)
    assert ticks(root) == [0, 1]
    assert len(find_all(root, "circle", "marker")) == 12
    assert texts(bars((0, 0), ("a", "b")), "bar-value") == ["0", "0"]


def test_a_single_point_draws_one_marker_without_a_line():
    root = comparison([3], [None], [dt.date(2026, 1, 1)])
    assert len(find_all(root, "circle", "marker")) == 1 and find_all(root, "rect", "marker") == []
    assert [path.get("d") for path in find_all(root, "path", "series-line")][1] == ""
    assert desc(root) == ("Latest 12 months: January 2026 3 FTE-days lost; "
                          "Same months a year earlier: January 2025 no data.")


def test_a_missing_bar_is_a_gap():
    root = bars((5, None, 7))
    assert len(find_all(root, "rect", "bar")) == 2
    assert texts(root, "bar-value") == ["5", "7"]
    assert "2024/25 no data" in desc(root)


@pytest.mark.parametrize("draw", [
    lambda: comparison([1, 2], [1]),
    lambda: bars((1, 2), ("a",)),
])
def test_series_of_different_lengths_are_refused(draw):
    with pytest.raises(ValueError):
        draw()
