"""Charts as server-rendered SVG (no JavaScript), readable by screen readers and printable.

No `style` attributes (the Content-Security-Policy forbids inline styles): presentation attributes
and class names only. Series differ by dash pattern and marker shape as well as colour, so a chart
printed in black and white still reads.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from markupsafe import Markup, escape

BLUE = "#005eb8"
DARK_GREY, MID_GREY, PALE_GREY = "#425563", "#768692", "#d8dde0"
FONT = "Frutiger, Arial, sans-serif"
WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 64
NO_DATA = "No data for this period"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
NICE_STEPS = (1, 2, 5, 10)
TICK_INTERVALS = 4
LABEL_CHARS_PER_PX = 1 / 7


def month_comparison_chart(chart_id: str, title: str, months: Sequence[dt.date], latest: Sequence[float | None],
                           previous: Sequence[float | None], y_label: str = "FTE-days lost", note: str = "") -> Markup:
    """The latest 12 months (solid blue line, circles) against the same months a year earlier (dashed
    grey line, squares); None leaves a gap. The description states every figure in words, then `note`."""
    if not len(months) == len(latest) == len(previous):
        raise ValueError("months, latest and previous must have the same length")
    if all(value is None for value in [*latest, *previous]):
        return _no_data(chart_id, title)
    frame = _Frame.around([*latest, *previous], len(months))
    series = [_Series("Latest 12 months", latest, 0, _circle, BLUE, None),
              _Series("Same months a year earlier", previous, 1, _square, DARK_GREY, "6 4")]
    body = _axes(frame, [f"{MONTHS[m.month - 1][:3]} {m:%y}" for m in months], y_label)
    for line in series:
        body += _series_line(frame, line, months, y_label)
    body.append(_legend([(_line_key(line), line.name) for line in series]))
    desc = "; ".join(f"{line.name}: " + ", ".join(_figure(_month_name(m, line.years_back), v, y_label)
                                                  for m, v in zip(months, line.values, strict=True))
                     for line in series)
    return _svg(chart_id, title, desc + "." + (f" {note}" if note else ""), body)


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None], y_label: str,
              highlight: Sequence[int] = ()) -> Markup:
    """Vertical bars with each value printed above its bar; bars whose index is in `highlight` (a
    forecast) are hatched with a dashed outline and the legend says so. Long labels are shortened,
    the full label kept in a `<title>`."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    if all(value is None for value in values):
        return _no_data(chart_id, title)
    frame = _Frame.around(values, len(values))
    hatch = f"{chart_id}-hatch"
    body = ([_hatch_pattern(hatch)] if highlight else []) + _axes(frame, labels, y_label)
    for i, value in enumerate(values):
        if value is not None:
            body += _bar(frame, i, value, hatch if i in highlight else None)
    keys = [(_bar_key(None), y_label)] + ([(_bar_key(hatch), "Forecast")] if highlight else [])
    body.append(_legend(keys))
    desc = "; ".join(_figure(label + (" (forecast)" if i in highlight else ""), value, y_label)
                     for i, (label, value) in enumerate(zip(labels, values, strict=True)))
    return _svg(chart_id, title, desc + ".", body)


def nice_ticks(values: Sequence[float]) -> list[float]:
    """Round tick values from 0 (or below, for negative values) past the largest value in about
    TICK_INTERVALS steps of 1, 2 or 5 times a power of ten: 12.5 gives 0, 5, 10, 15."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if low == high:
        return [0.0, 1.0]
    rough = (high - low) / TICK_INTERVALS
    power = 10 ** math.floor(math.log10(rough))
    step = next(nice * power for nice in NICE_STEPS if nice * power >= rough)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(n * step, 10) for n in range(first, last + 1)]


class _Series(NamedTuple):
    """One line of the month comparison and how it is drawn."""

    name: str
    values: Sequence[float | None]
    years_back: int
    marker: Callable[..., str]
    colour: str
    dashes: str | None


@dataclasses.dataclass(frozen=True)
class _Frame:
    """The plot area: `count` equal bands across, `ticks` up the side."""

    ticks: list[float]
    count: int

    @classmethod
    def around(cls, values: Sequence[float | None], count: int) -> _Frame:
        return cls(nice_ticks([v for v in values if v is not None]), count)

    @property
    def band(self) -> float:
        return (WIDTH - LEFT - RIGHT) / self.count

    def x(self, index: int) -> float:
        return LEFT + (index + 0.5) * self.band

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)


def _axes(frame: _Frame, labels: Sequence[str], y_label: str) -> list[str]:
    """Grid lines with tick labels, the zero line, x labels (shortened to fit) and the y axis label."""
    parts = [_text(8, 18, y_label, class_="axis-label")]
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(_tag("line", x1=LEFT, x2=WIDTH - RIGHT, y1=y, y2=y, stroke=PALE_GREY, class_="grid"))
        parts.append(_text(LEFT - 6, y + 4, _number(tick), text_anchor="end", class_="tick"))
    parts.append(_tag("line", x1=LEFT, x2=WIDTH - RIGHT, y1=frame.y(0), y2=frame.y(0), stroke=MID_GREY))
    room = max(3, int(frame.band * LABEL_CHARS_PER_PX))
    for i, label in enumerate(labels):
        short = label if len(label) <= room else label[:room - 1] + "…"
        full = _tag("title", escape(label)) if short != label else ""
        parts.append(_text(frame.x(i), HEIGHT - BOTTOM + 18, short, full, text_anchor="middle", class_="x-label"))
    return parts


def _series_line(frame: _Frame, line: _Series, months: Sequence[dt.date], y_label: str) -> list[str]:
    """The line through a series and a marker (with its figure as a tooltip) on each point."""
    path = _tag("path", d=_line_path(frame, line.values), fill="none", stroke=line.colour, stroke_width=3,
                stroke_dasharray=line.dashes, class_="series-line")
    return [path] + [line.marker(frame.x(i), frame.y(v), line.colour, "marker",
                                 f"{_month_name(months[i], line.years_back)}: {_number(v)} {y_label}")
                     for i, v in enumerate(line.values) if v is not None]


def _line_path(frame: _Frame, values: Sequence[float | None]) -> str:
    """A path through the values, lifting the pen at each None so a missing month is a gap."""
    commands, pen_down = [], False
    for i, value in enumerate(values):
        if value is not None:
            commands.append(f"{'L' if pen_down else 'M'}{frame.x(i):.1f} {frame.y(value):.1f}")
        pen_down = value is not None
    return " ".join(commands)


def _bar(frame: _Frame, index: int, value: float, hatch: str | None) -> list[str]:
    width, top, base = frame.band * 0.6, frame.y(max(value, 0)), frame.y(min(value, 0))
    fill = f"url(#{hatch})" if hatch else BLUE
    bar = _tag("rect", x=frame.x(index) - width / 2, y=top, width=width, height=base - top, fill=fill,
               stroke=BLUE, stroke_width=2, stroke_dasharray="4 2" if hatch else None,
               class_="bar bar-forecast" if hatch else "bar")
    return [bar, _text(frame.x(index), top - 5, _number(value), text_anchor="middle", class_="bar-value")]


def _hatch_pattern(pattern_id: str) -> str:
    lines = _tag("rect", width=6, height=6, fill="#ffffff") + _tag("path", d="M0 6L6 0", stroke=BLUE, stroke_width=1.5)
    return _tag("defs", _tag("pattern", lines, id=pattern_id, width=6, height=6, patternUnits="userSpaceOnUse"))


def _legend(keys: list[tuple[str, str]]) -> str:
    """Keys side by side under the x labels: each a small drawing at (0, 0) and its name."""
    items = [_tag("g", key + _text(30, 4, name), transform=f"translate({LEFT + 260 * i} {HEIGHT - 18})")
             for i, (key, name) in enumerate(keys)]
    return _tag("g", "".join(items), class_="legend")


def _line_key(series: _Series) -> str:
    line = _tag("line", x1=0, x2=24, y1=0, y2=0, stroke=series.colour, stroke_width=3, stroke_dasharray=series.dashes)
    return line + series.marker(12, 0, series.colour, "legend-key")


def _bar_key(hatch: str | None) -> str:
    return _tag("rect", x=0, y=-7, width=24, height=12, fill=f"url(#{hatch})" if hatch else BLUE, stroke=BLUE,
                stroke_width=2, stroke_dasharray="4 2" if hatch else None, class_="legend-key")


def _circle(x: float, y: float, colour: str, class_: str, tip: str = "") -> str:
    return _tag("circle", _tag("title", escape(tip)) if tip else "", cx=x, cy=y, r=4.5, fill=colour, class_=class_)


def _square(x: float, y: float, colour: str, class_: str, tip: str = "") -> str:
    return _tag("rect", _tag("title", escape(tip)) if tip else "", x=x - 4, y=y - 4, width=8, height=8, fill="#ffffff",
                stroke=colour, stroke_width=2, class_=class_)


def _no_data(chart_id: str, title: str) -> Markup:
    message = _text(WIDTH / 2, HEIGHT / 2, NO_DATA, text_anchor="middle", class_="no-data")
    return _svg(chart_id, title, NO_DATA + ".", [message])


def _svg(chart_id: str, title: str, desc: str, body: list[str]) -> Markup:
    """The chart: role img, labelled by its title and description, every text already escaped."""
    heading = _tag("title", escape(title), id=f"{chart_id}-title") + _tag("desc", escape(desc), id=f"{chart_id}-desc")
    return Markup(_tag("svg", heading + "".join(body), xmlns="http://www.w3.org/2000/svg", role="img",
                       aria_labelledby=f"{chart_id}-title {chart_id}-desc", viewBox=f"0 0 {WIDTH} {HEIGHT}",
                       width="100%", font_family=FONT, font_size=12, fill=DARK_GREY, class_="chart"))


def _text(x: float, y: float, words: str, children: str = "", **attrs) -> str:
    return _tag("text", str(escape(words)) + children, x=x, y=y, **attrs)


def _tag(name: str, children: str = "", **attrs) -> str:
    """An element: `stroke_width` is written `stroke-width`, `class_` `class`; None leaves it out."""
    written = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(_attribute(value))}"'
                      for key, value in attrs.items() if value is not None)
    return f"<{name}{written}>{children}</{name}>" if children else f"<{name}{written}/>"


def _attribute(value: str | float) -> str:
    """Coordinates to a tenth of a pixel (no thousands separator, unlike a figure)."""
    return f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)


def _number(value: float) -> str:
    """At most two decimals, no trailing zeros, thousands separated: 1,234.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _month_name(month: dt.date, years_back: int) -> str:
    return f"{MONTHS[month.month - 1]} {month.year - years_back}"


def _figure(label: str, value: float | None, unit: str) -> str:
    return f"{label} {_number(value)} {unit}" if value is not None else f"{label} no data"
