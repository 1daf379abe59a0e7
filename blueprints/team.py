"""A manager's home: the people below them, who is off, and their open cases."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from blueprints.access import TEAM_MANAGERS, requires
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from casework.absences import Period
from casework.calendar import WorkingPattern, in_range
from casework.figures import counted_words
from casework.team_calendar import month_days, shift_month, team_month
from services import clock
from services.reads.evaluations import evaluations_for, trigger_states
from services.reads.staff import (
    absences_between,
    absent_on,
    flagged_not_my_report,
    open_cases_by_employee,
    supervisor_names,
    team_of,
)
from services.triggers import active_policy

bp = Blueprint("team", __name__)


@bp.route("/team")
@requires(TEAM_MANAGERS)
def index():
    return team_page()


def team_page(status: int = 200, asked: dict[str, str] | None = None, comment: str = ""):
    """The team page (or its list, for htmx); `asked`: {assignment number: the message beside their "not my
    report" comment} when that form came back refused, with the `comment` sent."""
    today = clock.today()
    everyone = request.args.get("show") == "all"
    staff = team_of(current_user, today, everyone)
    page = Page.of(staff.order_by("last_name", "first_name"), request.args, current_app.config["PAGE_SIZE"])
    supervisors = supervisor_names(page.items)
    policy = active_policy()
    evaluations = evaluations_for(page.items, today, policy)
    main = policy.triggers[0] if policy.triggers else None
    return render_page_or_fragment(
        "team/index.html", "team/_members.html", status, asked=asked or {}, comment=comment,
        page=page, everyone=everyone, supervisors=supervisors,
        absent=absent_on(page.items, today), cases=open_cases_by_employee(page.items),
        flagged=flagged_not_my_report(page.items),
        today=today, policy=policy,
        evaluations=evaluations, states={pk: trigger_states(found) for pk, found in evaluations.items()},
        main_window=main.window.words if main else None, counted=counted_words(main.counting) if main else "")


@bp.route("/team/calendar")
@requires(TEAM_MANAGERS)
def calendar():
    """Who is off sick on which days of a month."""
    today = clock.today()
    year, month = _month(request.args.get("month", ""), today)
    everyone = request.args.get("show") == "all"
    days = month_days(year, month)
    page = Page.of(team_of(current_user, days[-1], everyone).order_by("last_name", "first_name"), request.args,
                   current_app.config["PAGE_SIZE"])
    periods = absences_between([employee.pk for employee in page.items], days[0], days[-1])
    rows = team_month(year, month, [(e.pk, WorkingPattern.for_employee(e)) for e in page.items],
                      {key: [Period(*spell) for spell in spells] for key, spells in periods.items()}, today)
    return render_template("team/calendar.html", rows=list(zip(page.items, rows, strict=True)), page=page, days=days,
                           everyone=everyone, today=today, month=dt.date(year, month, 1),
                           previous=dt.date(*shift_month(year, month, -1), 1),
                           following=dt.date(*shift_month(year, month, 1), 1))


def _month(value: str, today: dt.date) -> tuple[int, int]:
    """The month asked for (YYYY-MM), or this month for anything else or a month outside 1900–2200."""
    try:
        chosen = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        chosen = today
    if not in_range(chosen):
        chosen = today
    return chosen.year, chosen.month
