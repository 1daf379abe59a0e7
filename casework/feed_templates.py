"""The template of each feed file an import page offers: its header row, every column in the documented order
(the required ones, then the optional ones), with no rows. Written by `casework.exports.to_csv`, the writer that
neutralises every cell, as every file Casebook writes is."""
from __future__ import annotations

from casework import absence_feed, hierarchy_feed, inflight_feed
from casework.exports import Table, to_csv

TEMPLATE_COLUMNS = {
    "absences": absence_feed.COLUMNS + absence_feed.OPTIONAL_COLUMNS,
    "employees": hierarchy_feed.COLUMNS + hierarchy_feed.ADDRESS_COLUMNS,
    "inflight": inflight_feed.COLUMNS,
}


def feed_template(kind: str) -> str:
    """The CSV text of an empty `kind` file ("absences", "employees" or "inflight"): its header row alone."""
    return to_csv([Table(kind, f"{kind}.csv", TEMPLATE_COLUMNS[kind], ())])
