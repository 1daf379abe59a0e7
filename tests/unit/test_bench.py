"""The benchmark's table (bench/table.py) and its import figures (bench/loading.py): durations, cells, plain columns,
Markdown, the budgets scaled to the rows, and what an unchanged re-import changed."""
from __future__ import annotations

import json

import pytest

from bench.table import Figure, as_json, markdown, plain, seconds


@pytest.mark.parametrize(("value", "shown"), [
    (0.0123, "12 ms"),      # 0.0123 s × 1000 = 12.3 → "12 ms"
    (0.9996, "1000 ms"),    # below a second stays in ms: 999.6 → "1000 ms"
    (1.0, "1.0 s"),
    (12.345, "12.3 s"),
])
def test_seconds(value, shown):
    assert seconds(value) == shown


@pytest.mark.parametrize(("figure", "cells"), [
    (Figure("scan", "12.0 s", "≤ 10 s", "4.0 s bare read", 3.0, False),
     ("scan", "12.0 s", "≤ 10 s", "4.0 s bare read", "3.0×", "NOT met")),          # 12 / 4 = 3.0
    (Figure("letter", "90 ms", "≤ 150 ms", "60 ms render", 1.5, True),
     ("letter", "90 ms", "≤ 150 ms", "60 ms render", "1.5×", "met")),               # 90 / 60 = 1.5
    (Figure("/healthz (baseline)", "p95 3 ms", "—"), ("/healthz (baseline)", "p95 3 ms", "—", "", "", "—")),
])
def test_cells(figure, cells):
    assert figure.cells() == cells


def test_plain_pads_each_column_to_its_widest_cell():
    figures = [Figure("scan", "12.0 s", "≤ 10 s", "4.0 s", 3.0, False), Figure("a letter", "90 ms", "≤ 150 ms",
                                                                               "60 ms", 1.5, True)]
    # Widths: figure 8 ("a letter"), measured 8 ("measured"), budget 8 ("≤ 150 ms"), baseline 8 ("baseline"),
    # ratio 5 ("ratio"), met 7 ("NOT met"); two spaces between, trailing spaces removed.
    assert plain(figures, "Title").splitlines() == [
        "Title",
        "figure    measured  budget    baseline  ratio  met",
        "--------  --------  --------  --------  -----  -------",
        "scan      12.0 s    ≤ 10 s    4.0 s     3.0×   NOT met",
        "a letter  90 ms     ≤ 150 ms  60 ms     1.5×   met",
    ]


def test_markdown_escapes_pipes_and_json_keeps_every_field():
    figure = Figure("search /employees?q=a|b", "p95 20 ms", "p95 ≤ 150 ms", "", None, True)
    assert markdown([figure]).splitlines() == [
        "| figure | measured | budget | baseline | ratio | met |",
        "| --- | --- | --- | --- | --- | --- |",
        "| search /employees?q=a\\|b | p95 20 ms | p95 ≤ 150 ms |  |  | met |",
    ]
    assert json.loads(as_json([figure], "T")) == {"title": "T", "figures": [
        {"figure": "search /employees?q=a|b", "measured": "p95 20 ms", "budget": "p95 ≤ 150 ms", "baseline": "",
         "ratio": None, "met": True}]}


@pytest.mark.parametrize(("kind", "rows", "budget", "words"), [
    ("employees", 25_000, 20.0, "≤ 20.0 s"),                                  # the trust-scale budget itself
    ("employees", 5_000, 4.0, "≤ 4.0 s (20 s × 5,000/25,000)"),               # 20 × 5,000 / 25,000 = 4
    ("absences", 40_000, 12.0, "≤ 12.0 s (60 s × 40,000/200,000)"),           # 60 × 40,000 / 200,000 = 12
    ("inflight", 1_000, None, "none set"),
])
def test_import_budgets_scale_with_the_rows(kind, rows, budget, words):
    from bench.loading import budget_of
    assert budget_of(kind, rows) == (budget, words)


@pytest.mark.parametrize(("counts", "output", "changed"), [
    ({"created": 0, "updated": 0, "unchanged": 300, "refused": 0}, "created 0, updated 0, unchanged 300, refused 0", 0),
    ({"created": 0, "updated": 2, "unchanged": 298, "refused": 1}, "", 3),                       # 2 updated + 1 refused
    ({"created": 0, "updated": 0, "unchanged": 300, "refused": 0},
     "Manager logins made: 1,200\n  A1 Ann (ann@example.org): supervises 3\nLogins switched off: 2\n", 1202),
])
def test_what_an_import_changed(counts, output, changed):
    from bench.loading import changed as changed_by
    assert changed_by(counts, output) == changed
