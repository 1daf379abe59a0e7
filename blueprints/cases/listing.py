"""The case list: the cases a user may see, narrowed by the filters the dashboard's figures link with."""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_login import current_user

from blueprints.access import CASE_READERS, requires
from blueprints.cases import bp
from blueprints.paging import Page
from documents import Employee
from documents.scope import may_see
from services import clock
from services.cases.outcomes import FLAG_WORDS
from services.errors import Refused
from services.reads.dashboard_lists import listed_cases, stage_titles, stage_words
from services.reads.staff import people_by_id

LABELS = {"division": "Division", "line": "Team", "kind": "Kind", "stage": "Stage", "status": "Status",
          "paused": "Paused", "pay": "Pay changes within 28 days", "flag": "Open flag"}
FILTERS = tuple(LABELS)


@bp.route("/cases")
@requires(CASE_READERS)
def index():
    """Cases by `division` or `line`, `kind`, `stage`, `status`, `paused` (1 or 0), `pay` (half_pay or
    nil_pay in the next 28 days) and `flag` (an open flag of that kind)."""
    chosen = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    paused = {"1": True, "0": False}.get(chosen.get("paused", ""))
    try:
        cases = listed_cases(current_user, clock.today(), paused=paused,
                             **{name: value for name, value in chosen.items() if name != "paused"})
    except Refused as refused:
        abort(400, refused.message)
    page = Page.of(cases.only("employee", "assignment_number", "kind", "stage", "status", "paused", "opened_on",
                              "division").order_by("division", "opened_on"), request.args,
                   current_app.config["PAGE_SIZE"])
    people = people_by_id([case.employee for case in page.items], "first_name", "last_name")
    titles = stage_titles()
    return render_template("cases/list.html", page=page, people=people, chosen=chosen,
                           described=_described(chosen, titles),
                           stages={case.pk: stage_words(case.stage, titles) for case in page.items})


def _described(chosen: dict, titles) -> list[tuple[str, str]]:
    """The filters asked for, in words: [("Kind", "short-term"), ("Stage", "1st formal absence review meeting")]."""
    words = {"kind": lambda value: {"STS": "short-term", "LTS": "long-term"}.get(value, value),
             "stage": lambda value: stage_words(value, titles),
             "paused": lambda value: {"1": "yes", "0": "no"}.get(value, value),
             "pay": lambda value: value.replace("_", " "),
             "flag": lambda value: FLAG_WORDS.get(value, value),
             "line": _line_words}
    return [(LABELS[name], words.get(name, str)(value)) for name, value in chosen.items()]


def _line_words(assignment_number: str) -> str:
    if assignment_number == current_user.assignment_number:
        return "reporting to you directly"
    person = Employee.objects(assignment_number=assignment_number).only(
        "first_name", "last_name", "division", "manager_path").first()
    # someone out of the user's scope is not named
    return f"{person.name}’s team" if person and may_see(current_user, person) else assignment_number
