"""Notes and decisions on a case: notes (which never change a stage), a manager's request not to progress,
HR's decisions, slowing a long-term case, and the one-click "wrong stage" and "not my report" flags."""
from __future__ import annotations

import datetime as dt

from flask import request, url_for
from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, CASE_READERS, CASE_WORKERS, TEAM_MANAGERS, requires, visible_or_404
from blueprints.answering import answer, back_to
from blueprints.cases import bp
from blueprints.cases.forms import DecisionForm, FlagForm, NoteForm, NotMyReportForm, ProgressRequestForm, SnoozeForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section
from blueprints.fields import seen_version
from blueprints.settings import settings
from blueprints.team import team_page
from casework.absences import count_of
from documents import Case, Employee
from documents.case import FLAG_WORDS
from services import clock
from services.cases.flags import withdraw_not_my_report
from services.cases.outcomes import (
    DECIDE_PROGRESS,
    DECISIONS,
    SNOOZE_WEEKS,
    add_note,
    ask_not_to_progress,
    flag_comments,
    hr_decision,
    not_my_report,
    raise_flag,
    snooze_reminders,
)

NOTE_LABELS = {"request": "Request to HR", "decision": "HR decision", "snooze": "Slowed down"}


@bp.route("/cases/<case_id>/notes", methods=["POST"])
@requires(CASE_READERS)
def add(case_id: str):
    case, employee = case_or_404(case_id)
    form = NoteForm()
    return answer(lambda: add_note(case, form.text.data.strip(), actor(), seen_version(form)),
                  "Note added. A note never changes the stage.", case_url(case, "notes"),
                  case_page_again(case, employee, said_at_top=True, note_form=form), form,
                  beside="text")


@bp.route("/cases/<case_id>/progress-request", methods=["POST"])
@requires(TEAM_MANAGERS)
def ask_not_to_progress_view(case_id: str):
    case, employee = case_or_404(case_id)
    form = ProgressRequestForm()
    return answer(lambda: ask_not_to_progress(case, employee, form.request_reason.data.strip(), actor(),
                                              clock.today(), seen_version(form)),
                  "Your request not to progress went to the division's HR advisors. They decide.",
                  case_url(case, "notes"),
                  case_page_again(case, employee, said_at_top=True, progress_request_form=form), form,
                  beside="request_reason")


@bp.route("/cases/<case_id>/decision", methods=["POST"])
@requires(CASE_OVERSEERS)
def decide(case_id: str):
    case, employee = case_or_404(case_id)
    form = DecisionForm()
    return answer(lambda: hr_decision(case, employee, form.decision.data, form.decision_reason.data.strip(), actor(),
                                      clock.today(), seen_version(form)),
                  f"Decision recorded: {DECISIONS.get(form.decision.data, '').lower()}.", case_url(case, "notes"),
                  case_page_again(case, employee, said_at_top=True, decision_form=form), form,
                  beside="decision")


@bp.route("/cases/<case_id>/snooze", methods=["POST"])
@requires(CASE_WORKERS)
def snooze(case_id: str):
    case, employee = case_or_404(case_id)
    form = SnoozeForm()
    return answer(lambda: snooze_reminders(case, form.snooze_reason.data.strip(), form.agreed_by.data.strip(),
                                           form.snooze_until.data, actor(), clock.today(), seen_version(form)),
                  "Reminders snoozed; the note and who agreed are in the case history.", case_url(case, "notes"),
                  case_page_again(case, employee, said_at_top=True, snooze_form=form), form,
                  beside="snooze_reason")


@bp.route("/cases/<case_id>/flags", methods=["POST"])
@requires(TEAM_MANAGERS)
def flag(case_id: str):
    case, employee = case_or_404(case_id)
    form = FlagForm()
    return answer(lambda: raise_flag(case, form.kind.data, actor(), (form.flag_comment.data or "").strip(),
                                     seen_version(form), mail=settings().mail),
                  f"Flagged “{FLAG_WORDS.get(form.kind.data, '')}”: the division's HR advisors will look at it.",
                  case_url(case, "notes"), case_page_again(case, employee, said_at_top=True, flag_form=form), form,
                  beside="flag_comment")


@bp.route("/team/<assignment_number>/not-my-report", methods=["POST"])
@requires(TEAM_MANAGERS)
def not_my_report_from_team(assignment_number: str):
    """The team page's confirmed "not my report", with the manager's comment: the person's open cases are flagged
    for HR and the hierarchy administrator; back to the same list, saying what was done (a missing comment comes
    back beside the field)."""
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    form = NotMyReportForm()
    comment = (form.comment.data or "").strip()

    def said(flagged: int) -> str:
        if not flagged:
            return f"{employee.name} is already flagged “not my report”: nothing more was sent."
        return (f"{employee.name}: {count_of(flagged, 'open case')} flagged “not my report”. The division's HR "
                "advisors and the hierarchy administrator will correct who they report to; until then they stay in "
                "your team. Withdraw the flag from their row if it was a mistake.")

    return answer(lambda: not_my_report(employee, Case.objects.visible_to(current_user), actor(), comment,
                                        mail=settings().mail, asked=True),
                  said, _team_url(), lambda message, _: team_page(
                      400, asked={employee.assignment_number: (form.comment.errors or [message])[0]},
                      comment=comment), form, beside="comment")


@bp.route("/team/<assignment_number>/not-my-report/withdraw", methods=["POST"])
@requires(TEAM_MANAGERS)
def withdraw_not_my_report_from_team(assignment_number: str):
    """Withdraw the user's own "not my report" flags on the person's cases while they wait; back to the list."""
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    return answer(lambda: withdraw_not_my_report(employee, Case.objects.visible_to(current_user), actor()),
                  lambda withdrawn: (f"{employee.name}: “not my report” withdrawn from "
                                     f"{count_of(withdrawn, 'case')}. HR were told when it was raised; the case "
                                     "history keeps both."),
                  _team_url(), back_to(_team_url()))


def _team_url() -> str:
    """The team page the form was sent from (its tab and page)."""
    show = "all" if request.values.get("show") == "all" else None
    return url_for("team.index", show=show, page=request.values.get("page", type=int))


@case_section
def provide(case, employee, today, forms) -> dict:
    """The notes section: the notes newest first, the forms each role may use, the flags."""
    version = {"formdata": None, "version": case.version}
    is_open = case.status != "closed"
    return {
        "notes_newest_first": sorted(case.notes, key=lambda note: note.at, reverse=True),
        "note_form": forms.pop("note_form", None) or NoteForm(**version),
        "progress_request_form": forms.pop("progress_request_form", None) or ProgressRequestForm(**version),
        "decision_form": forms.pop("decision_form", None) or DecisionForm(**version),
        "snooze_form": forms.pop("snooze_form", None) or SnoozeForm(**version),
        "flag_form": forms.pop("flag_form", None) or FlagForm(**version),
        "flag_words": FLAG_WORDS, "note_labels": NOTE_LABELS, "snooze_weeks": SNOOZE_WEEKS,
        "flag_comments": flag_comments(current_user, [(case, flag) for flag in case.flags]),
        "snooze_latest": today + dt.timedelta(weeks=SNOOZE_WEEKS),
        "snoozed_until": max((note.snooze_until for note in case.notes
                              if note.snooze_until and note.snooze_until >= today), default=None),
        "request_waiting": any(task.kind == DECIDE_PROGRESS for task in case.open_tasks()),
        "may_note": current_user.has_role(*CASE_READERS),
        "may_ask": is_open and current_user.has_role(*TEAM_MANAGERS),
        "may_decide": is_open and current_user.has_role(*CASE_OVERSEERS),
        "may_snooze": is_open and case.kind == "LTS" and current_user.has_role(*CASE_WORKERS),
        "may_flag": is_open and current_user.has_role(*TEAM_MANAGERS),
    }
