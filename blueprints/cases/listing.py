"""The case list: the cases a user may see, narrowed by the filters HR choose on it and those the dashboard's
figures link with, paged, and downloaded as CSV. A bad filter value is named beside its filter; the list shows."""
from __future__ import annotations

from flask import Response, current_app, render_template, request
from flask_login import current_user

from blueprints.access import CASE_READERS, requires
from blueprints.cases import bp
from blueprints.paging import Page
from casework.exports import to_csv
from documents import Employee
from documents.case import FLAG_WORDS
from documents.scope import may_see
from services import clock
from services.reads.case_list import (
    KIND_WORDS,
    LISTED_FIELDS,
    REVIEW_WITHIN,
    STATUS_WORDS,
    case_listing,
    case_table,
    live_warning,
    review_end,
)
from services.reads.dashboard_lists import stage_titles, stage_words
from services.reads.staff import people_by_id

LABELS = {"line": "Team", "paused": "Paused", "pay": "Pay changes within 28 days", "flag": "Open flag"}


@bp.route("/cases")
@requires(CASE_READERS)
def index():
    """Cases by `q` (a name or assignment number), `kind`, `stage`, `division`, `manager` (everyone below them),
    `status`, `overdue` (an open task overdue), `warning` (a live warning), `review` (the review period ends within
    14, 28 or 56 days); and the dashboard's `line`, `paused` (1 or 0), `pay` (half_pay or nil_pay in the next 28
    days) and `flag` (an open flag of that kind)."""
    today, titles, size = clock.today(), stage_titles(), current_app.config["PAGE_SIZE"]
    listing = case_listing(current_user, today, request.args, titles, size)
    page = Page.of(listing.cases.only(*LISTED_FIELDS), request.args, size)
    people = people_by_id([case.employee for case in page.items], "first_name", "last_name")
    return render_template("cases/list.html", page=page, people=people, listing=listing, titles=titles,
                           applied=listing.applied, described=_described(listing.applied),
                           extra_stage=_extra_stage(listing.applied.get("stage"), titles),
                           division_options=[(name, name) for name in listing.divisions or []], kind_words=KIND_WORDS,
                           status_words=STATUS_WORDS, review_within=REVIEW_WITHIN,
                           stages={case.pk: stage_words(case.stage, titles) for case in page.items},
                           warnings={case.pk: live_warning(case, today) for case in page.items},
                           reviews={case.pk: review_end(case) for case in page.items})


@bp.route("/cases/export.csv")
@requires(CASE_READERS)
def export():
    """Every case the list's filters give, as CSV (each cell neutralised for spreadsheets)."""
    today, titles = clock.today(), stage_titles()
    listing = case_listing(current_user, today, request.args, titles, current_app.config["PAGE_SIZE"])
    return Response(to_csv([case_table(listing, titles, today)]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="cases-{today.isoformat()}.csv"'})


def _extra_stage(stage: str | None, titles: dict) -> tuple[str, str] | None:
    """A stage asked for that the active policy does not have (an older policy's), to keep it chosen in the form."""
    if stage and not any(stage in stages for stages in titles.values()):
        return stage, stage_words(stage, titles)
    return None


def _described(applied: dict) -> list[tuple[str, str]]:
    """The dashboard's filters applied, in words: [("Team", "reporting to you directly"), ("Open flag", …)]."""
    words = {"paused": lambda value: {"1": "yes", "0": "no"}.get(value, value),
             "pay": lambda value: value.replace("_", " "),
             "flag": lambda value: FLAG_WORDS.get(value, value),
             "line": _line_words}
    return [(LABELS[name], words[name](applied[name])) for name in LABELS if applied.get(name)]


def _line_words(assignment_number: str) -> str:
    if assignment_number == current_user.assignment_number:
        return "reporting to you directly"
    person = Employee.objects(assignment_number=assignment_number).only(
        "first_name", "last_name", "division", "manager_path").first()
    # someone out of the user's scope is not named
    return f"{person.name}’s team" if person and may_see(current_user, person) else assignment_number
