"""The case page: everything about one case on one page, each part swappable in place by htmx."""
from __future__ import annotations

from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, CASE_READERS, CASE_WORKERS, requires
from blueprints.cases import bp
from blueprints.cases.forms import AssociationForm, CaseForm, ReassignForm
from blueprints.cases.loading import case_or_404
from blueprints.feedback import flashed, form_problems, render_with_feedback
from casework.checklists import HOLD_TASKS
from casework.plain_words import title_case
from documents import Case, Employee
from documents.scope import may_read_medical
from services import clock
from services.cases.outcomes import live_warning
from services.cases.tasks import association_candidates, case_policy, ladder_of, task_blocked
from services.reads.case_history import case_history
from services.reads.people import names_in

SECTIONS: list = []


def case_section(provide):
    """Register a part of the case page: `provide(case, employee, today, forms)` returns the context its
    partial needs (`forms` holds forms sent back with errors; take yours out with `forms.pop`)."""
    SECTIONS.append(provide)
    return provide


@bp.route("/cases/<case_id>")
@requires(CASE_READERS)
def show(case_id: str):
    case, employee = case_or_404(case_id)
    return render_case(case, employee)


# The part of the case page each form sent back belongs to: its problems are said there (blueprints/feedback.py).
FORM_PARTS = {"association_form": "association", "reassign_form": "tasks", "outcome_form": "outcome",
              "appeal_form": "appeal", "meeting_form": "meetings", "another_date_form": "meetings",
              "change_form": "meetings", "cancel_form": "meetings", "note_form": "notes",
              "progress_request_form": "notes", "decision_form": "notes", "snooze_form": "notes",
              "flag_form": "notes", "letter_form": "letters", "letter_upload_form": "letters",
              "letter_sent_form": "letters", "advice_form": "pertinent"}


def render_case(case: Case, employee: Employee, status: int = 200, message: str | None = None,
                at: str | None = None, **forms):
    """The case page, with any forms that came back with errors and `message`, said in the part of the page the
    form belongs to (or `at`), focused; a message flashed before a redirect here is said in the part it names.
    A form folded away on the page is shown open when it came back (`sent_back`, the names of those forms)."""
    context = _case_context(case, employee, dict(forms))
    context["sent_back"] = frozenset(name for name, form in forms.items() if form is not None)
    sent_back = [form for form in forms.values() if hasattr(form, "errors")]
    part = at or next((FORM_PARTS[name] for name, form in forms.items()
                       if name in FORM_PARTS and form is not None), None)
    beside = form_problems(*sent_back)
    problems = (((None, message),) if message and message not in {words for _, words in beside} else ()) + beside
    return render_with_feedback("cases/show.html", flashed(part, problems), **context), status


def _case_context(case: Case, employee: Employee, forms: dict) -> dict:
    """What the case page shows; each form in `forms` replaces the blank one of its part (taken out of `forms`),
    and what is left is passed on as it is."""
    today = clock.today()
    policy = case_policy(case)
    ladder = ladder_of(case, policy)
    titles = {stage.key: title_case(stage.title) for stage in ladder.stages}
    open_tasks = sorted(case.open_tasks(), key=lambda task: (task.due_on, task.created_at))
    done_tasks = [task for task in case.tasks if task.status != "open"]
    candidates, ticked = association_candidates(case, today) if case.current_stage else ([], set())
    association = forms.pop("association_form", None) or AssociationForm(formdata=None)
    association.absence_ids.choices = [(str(absence.pk), str(absence.pk)) for absence in candidates]
    if association.absence_ids.data is None or not association.is_submitted():
        association.absence_ids.data = sorted(ticked)
    version_form = CaseForm(formdata=None, version=case.version)
    names = names_in(case)
    sections = {}
    for provide in SECTIONS:
        sections.update(provide(case, employee, today, forms))
    blocked = {task.id: task_blocked(case, task) for task in open_tasks}
    warning = live_warning(case)
    return dict(
        case=case, employee=employee, policy=policy, ladder=ladder, titles=titles,
        open_tasks=open_tasks, done_tasks=done_tasks, blocked=blocked,
        next_task=next((task for task in open_tasks if not blocked[task.id]), open_tasks[0] if open_tasks else None),
        warning=warning if warning and warning.live_on(today) else None,
        names=names, history=case_history(case, names, titles, may_read_medical(current_user, employee)),
        candidates=candidates, association_form=association, version_form=version_form,
        reassign_form=forms.pop("reassign_form", None) or ReassignForm(formdata=None, version=case.version),
        today=today, hold_tasks=HOLD_TASKS,
        may_work=current_user.has_role(*CASE_WORKERS) and case.status != "closed",
        may_complete=current_user.has_role(*CASE_WORKERS),   # a closed case may still have its closing letter to send
        may_reassign=current_user.has_role(*CASE_OVERSEERS),
        manager=Employee.objects(assignment_number=employee.supervisor_assignment_number).only(
            "first_name", "last_name").first(), **sections, **forms)


def case_page_again(case: Case, employee: Employee, *, said_at_top: bool = False, at: str | None = None, **forms):
    """How a refused change to the case comes back (`again` of `blueprints.answering.answer`): the case page
    once more (400), with the message that found no field at the top and `forms` as the user sent them. With
    `said_at_top`, a refusal about the change as a whole (the case is closed, someone else saved first) is said at
    the top as well as beside the form's field, for a form the page may not show at the top."""
    def again(message, refusal):
        if said_at_top and refusal is not None and not refusal.fields:
            message = refusal.message
        return render_case(case, employee, status=400, message=message, at=at, **forms)
    return again
