"""Absence figures kept month by month (issue 18.1; the rules in casework/month_figures.py).

`EmployeeMonth` is what one employee lost in one calendar month, with their division and directorate (whose
roll-up holds it), read by the employee. `ScopeMonth` is the sum of the
employee months of one division and directorate in one month, plus their people in post day by day: the
trust-wide report reads some 50 months × 12 directorates of these, never the absences.

Both are written by services/figures.py only, with raw bulk writes (`$inc` of differences into the roll-ups); the
documents give the indexes and the names of the fields.
"""
from __future__ import annotations

import mongoengine as me


class MonthFigures(me.Document):
    """The figures of a month (casework.month_figures.FIELDS), each a sum over absences; `by_reason` holds the
    FTE-days by reason category."""

    working_days = me.IntField(default=0)
    fte_days = me.FloatField(default=0.0)
    calendar_days = me.IntField(default=0)
    occasions_begun = me.IntField(default=0)
    long_term_working_days = me.IntField(default=0)
    long_term_fte_days = me.FloatField(default=0.0)
    long_term_overlapping = me.IntField(default=0)
    long_term_begun = me.IntField(default=0)
    long_term_open = me.IntField(default=0)
    rtw_due = me.IntField(default=0)
    rtw_held = me.IntField(default=0)
    rtw_days = me.IntField(default=0)
    rtw_within_5 = me.IntField(default=0)
    by_reason = me.DictField()

    meta: dict = {"abstract": True}


class EmployeeMonth(MonthFigures):
    """One employee's figures for one month (`month` is year × 12 + month − 1: December 2026 is 24323)."""

    id = me.StringField(primary_key=True)  # "<employee id>:<month>"
    employee = me.ObjectIdField(required=True)
    month = me.IntField(required=True)
    division = me.StringField()
    directorate = me.StringField()

    # One index only: each more than doubled the cost of writing a month on the embedded database (a multikey
    # index on the chain of supervisors, five times), and an import writes one for each employee and month.
    meta = {"collection": "employee_months", "indexes": [("employee", "month")]}


class ScopeMonth(MonthFigures):
    """One division and directorate's figures for one month: the sums of its employee months, and its people in
    post on each day of the month (`fte` in ten-thousandths of an FTE, `headcount`)."""

    id = me.StringField(primary_key=True)  # "<month>:<division>:<directorate>", so updates find it by _id
    month = me.IntField(required=True)
    division = me.StringField(required=True)
    directorate = me.StringField(required=True)
    fte = me.ListField(me.IntField())
    headcount = me.ListField(me.IntField())

    meta = {"collection": "scope_months", "indexes": ["month"]}
