"""Notes and decisions on a case: notes (which never change a stage), a manager's request not to progress,
HR's decisions, slowing a long-term case, and the one-click "wrong stage" and "not my report" flags."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, CASE_READERS, CASE_WORKERS, TEAM_MANAGERS, requires
from blueprints.cases import bp
from blueprints.cases.forms import DecisionForm, FlagForm, NoteForm, ProgressRequestForm, SnoozeForm
from blueprints.cases.loading import actor, attempt, case_or_404, seen_version
from blueprints.cases.page import case_section, render_case
from blueprints.settings import settings
from documents import Case, Employee
from services.cases.outcomes import (
    DECIDE_PROGRESS,
    DECISIONS,
    FLAG_WORDS,
    SNOOZE_WEEKS,
    add_note,
    ask_not_to_progress,
    hr_decision,
    not_my_report,
    raise_flag,
    snooze_problem,
    snooze_reminders,
)

NOTE_LABELS = {"request": "Request to HR", "decision": "HR decision", "snooze": "Slowed down"}


def submit(case_id: str, form, name: str, field: str, run, done: str, problems=None):
    """Validate `form`, check `problems(form)` ({field: message}), run `run(case, employee, form)` and
    redirect to the notes; otherwise the page again with the messages beside the fields (400), a refusal
    by the rules also at the top (the form may not be on the page)."""
    case, employee = case_or_404(case_id)
    message = None
    if form.validate_on_submit():
        found = problems(form) if problems else {}
        for key, text in found.items():
            form[key].errors = [text]
        if not found:
            answer = attempt(case, lambda: run(case, employee, form), done, "notes")
            if not isinstance(answer, str):
                return answer
            form[field].errors, message = [answer], answer
    return render_case(case, employee, status=400, message=message, **{name: form})


@bp.route("/cases/<case_id>/notes", methods=["POST"])
@requires(CASE_READERS)
def add(case_id: str):
    return submit(case_id, NoteForm(), "note_form", "text",
                  lambda case, _, form: add_note(case, form.text.data.strip(), actor(), seen_version(form)),
                  "Note added. A note never changes the stage.")


@bp.route("/cases/<case_id>/progress-request", methods=["POST"])
@requires(TEAM_MANAGERS)
def ask_not_to_progress_view(case_id: str):
    return submit(case_id, ProgressRequestForm(), "progress_request_form", "request_reason",
                  lambda case, employee, form: ask_not_to_progress(
                      case, employee, form.request_reason.data.strip(), actor(), dt.date.today(),
                      seen_version(form)),
                  "Your request not to progress went to the division's HR advisors. They decide.")


@bp.route("/cases/<case_id>/decision", methods=["POST"])
@requires(CASE_OVERSEERS)
def decide(case_id: str):
    form = DecisionForm()
    return submit(case_id, form, "decision_form", "decision",
                  lambda case, employee, form: hr_decision(
                      case, employee, form.decision.data, form.decision_reason.data.strip(), actor(),
                      dt.date.today(), seen_version(form)),
                  f"Decision recorded: {DECISIONS.get(form.decision.data, '').lower()}.")


@bp.route("/cases/<case_id>/snooze", methods=["POST"])
@requires(CASE_WORKERS)
def snooze(case_id: str):
    today = dt.date.today()
    form = SnoozeForm()
    return submit(case_id, form, "snooze_form", "snooze_reason",
                  lambda case, _, form: snooze_reminders(
                      case, form.snooze_reason.data.strip(), form.agreed_by.data.strip(), form.snooze_until.data,
                      actor(), today, seen_version(form)),
                  "Reminders snoozed; the note and who agreed are in the case history.",
                  lambda form: {"snooze_until": problem} if (
                      problem := snooze_problem(form.snooze_until.data, today)) else {})


@bp.route("/cases/<case_id>/flags", methods=["POST"])
@requires(TEAM_MANAGERS)
def flag(case_id: str):
    form = FlagForm()
    return submit(case_id, form, "flag_form", "flag_comment",
                  lambda case, _, form: raise_flag(case, form.kind.data, actor(),
                                                   (form.flag_comment.data or "").strip(), seen_version(form),
                                                   mail=settings().mail),
                  f"Flagged “{FLAG_WORDS.get(form.kind.data, '')}”: the division's HR advisors will look at it.")


@bp.route("/team/<assignment_number>/not-my-report", methods=["POST"])
@requires(TEAM_MANAGERS)
def not_my_report_from_team(assignment_number: str):
    """One click on the team page: flag the person's open cases "not my report"; back to the same list."""
    employee = Employee.objects.visible_to(current_user).filter(assignment_number=assignment_number).first()
    if employee is None:
        abort(404)
    flagged = not_my_report(employee, Case.objects.visible_to(current_user), actor(), mail=settings().mail)
    if not request.htmx:
        flash(f"{employee.name}: flagged “not my report” for the HR advisors." if flagged else
              f"{employee.name} is already flagged “not my report”.")
    show = "all" if request.form.get("show") == "all" else None
    return redirect(url_for("team.index", show=show, page=request.form.get("page", type=int)))


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
