"""Report tables and their exports: one `Table` shape drawn by the page, written to CSV and to XLSX."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of a report: `key` names its file or sheet, `rows` hold plain values (str, int, float,
    None or date) in the order of `columns`."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | dt.date | None, ...], ...]
