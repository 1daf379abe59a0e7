"""The benchmark's one table: each figure, what was measured, its budget, its baseline measured in the same run,
the ratio to that baseline, and whether the budget is met; as plain text columns, Markdown and JSON."""
from __future__ import annotations

import dataclasses
import json

HEADINGS = ("figure", "measured", "budget", "baseline", "ratio", "met")


@dataclasses.dataclass(frozen=True)
class Figure:
    """One row. `ratio` is measured ÷ baseline (None when there is no baseline); `met` None for a figure without
    a budget (a baseline shown as a row of its own). A figure that could not be measured is not met, and
    `measured` says why."""

    figure: str
    measured: str
    budget: str
    baseline: str = ""
    ratio: float | None = None
    met: bool | None = None

    def cells(self) -> tuple[str, ...]:
        met = "met" if self.met else "NOT met" if self.met is False else "—"
        return (self.figure, self.measured, self.budget, self.baseline,
                "" if self.ratio is None else f"{self.ratio:.1f}×", met)


def seconds(value: float) -> str:
    """A duration as the table shows it: "850 ms" below a second, "12.3 s" above."""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def plain(figures: list[Figure], title: str = "") -> str:
    """The table in columns as wide as their widest cell, separated by two spaces."""
    lines = [HEADINGS, *(figure.cells() for figure in figures)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADINGS))]
    rows = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    rows.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(([title] if title else []) + rows)


def markdown(figures: list[Figure], title: str = "") -> str:
    """The table in Markdown, under `title` as a paragraph."""
    rows = [HEADINGS, ("---",) * len(HEADINGS), *(figure.cells() for figure in figures)]
    lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(([title, ""] if title else []) + lines) + "\n"


def as_json(figures: list[Figure], title: str = "") -> str:
    return json.dumps({"title": title, "figures": [dataclasses.asdict(figure) for figure in figures]}, indent=1,
                      ensure_ascii=False)
