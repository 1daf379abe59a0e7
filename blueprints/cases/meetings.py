"""The meetings of a case's stage: arranging one, another date the employee proposes, the notes page on the
stage's checklist, and the .ics invitation. The case page's "Meetings" section is provided here too."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request
from flask_login import current_user

from blueprints.access import CASE_READERS, CASE_WORKERS, note_refusal, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import (
    AnotherDateForm,
    CancelMeetingForm,
    CaseForm,
    MeetingForm,
    change_meeting_form,
    notes_form_class,
)
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section, render_case
from blueprints.fields import seen_version
from blueprints.settings import settings
from casework.absences import long_date
from casework.checklists import COMPANION_LABELS, ROLE_LABELS, ROLE_OF_ATTENDEE, missing_attendees
from casework.plain_words import code_words
from casework.workflow import notice_for
from services import clock
from services.cases.invitations import InvitationsSent, email_invitation
from services.cases.meeting_changes import cancel_meeting, change_meeting
from services.cases.meetings import (
    CONFIDENTIAL,
    Arrangement,
    arrange_meeting,
    find_meeting,
    invitation_file,
    invitees,
    log_notes_read,
    may_read_notes,
    meeting_title,
    move_meeting,
    notes_answers,
    policy_stage,
    record_notes,
    stage_checklist,
)
from services.errors import Refused
from services.reads.people import names_for


@bp.route("/cases/<case_id>/meetings", methods=["POST"])
@requires(CASE_WORKERS)
def arrange(case_id: str):
    case, employee = case_or_404(case_id)
    form = MeetingForm()

    def arranged(found) -> str:
        meeting, missing = found
        said = f"Meeting arranged for {long_date(meeting.on)} at {meeting.at_time}."
        return said + (f" The policy expects at this meeting: {', '.join(missing)}. Add them to the participants."
                       if missing else "")
    return answer(lambda: arrange_meeting(case, _arrangement(form), actor(), clock.today(), seen_version(form)),
                  arranged, case_url(case, "meetings"), case_page_again(case, employee, meeting_form=form), form)


@bp.route("/cases/<case_id>/meetings/<meeting_id>/another-date", methods=["POST"])
@requires(CASE_WORKERS)
def another_date(case_id: str, meeting_id: str):
    case, employee = case_or_404(case_id)
    form = AnotherDateForm()
    return answer(lambda: move_meeting(case, meeting_id, form.proposed_on.data,
                                       form.at_time.data.strftime("%H:%M") if form.at_time.data else None, actor(),
                                       clock.today(), seen_version(form)),
                  lambda meeting: f"The meeting moves to {long_date(meeting.on)} at {meeting.at_time}: send the "
                                  "updated invitation.",
                  case_url(case, "meetings"),
                  case_page_again(case, employee, another_date_form=form, another_date_meeting=meeting_id), form)


@bp.route("/cases/<case_id>/meetings/<meeting_id>/change", methods=["POST"])
@requires(CASE_WORKERS)
def change(case_id: str, meeting_id: str):
    """Change an upcoming meeting's date, time, place or attendees; everyone invited gets the update."""
    case, employee = case_or_404(case_id)
    form = MeetingForm(prefix=f"change-{meeting_id}")
    return answer(lambda: change_meeting(case, employee, meeting_id, _arrangement(form), actor(), clock.today(),
                                         settings().mail, seen_version(form)),
                  lambda done: f"Meeting changed: now {long_date(done[0].on)} at {done[0].at_time}." + _told(done[1]),
                  case_url(case, "meetings"),
                  case_page_again(case, employee, said_at_top=True, change_form=form, change_meeting=meeting_id),
                  form)


@bp.route("/cases/<case_id>/meetings/<meeting_id>/cancel", methods=["POST"])
@requires(CASE_WORKERS)
def cancel(case_id: str, meeting_id: str):
    """Cancel an upcoming meeting with a reason; everyone invited gets the cancellation."""
    case, employee = case_or_404(case_id)
    form = CancelMeetingForm(prefix=f"cancel-{meeting_id}")
    return answer(lambda: cancel_meeting(case, employee, meeting_id, form.reason.data, actor(), clock.today(),
                                         settings().mail, seen_version(form)),
                  lambda done: f"Meeting on {long_date(done[0].on)} cancelled." + _told(done[1]),
                  case_url(case, "meetings"),
                  case_page_again(case, employee, said_at_top=True, cancel_form=form, cancel_meeting=meeting_id),
                  form, beside="reason")


def _told(done: InvitationsSent | None) -> str:
    if done is None:
        return " Nobody invited has an e-mail address: tell them yourself."
    return (f" E-mailed to {len(done.sent_to)} of {done.everyone}." + (
        f" Not sent yet to {', '.join(done.to_retry)}: Casebook tries again at the next e-mail run."
        if done.to_retry else "") + (
        f" It cannot be sent to {', '.join(done.cannot_send_to)}: correct the address." if done.cannot_send_to else ""))


@bp.route("/cases/<case_id>/meetings/<meeting_id>/notes", methods=["GET", "POST"])
@requires(CASE_WORKERS)
def notes(case_id: str, meeting_id: str):
    case, employee = case_or_404(case_id)
    stage, meeting = _meeting_or_404(case, meeting_id)
    if not may_read_notes(current_user, case, employee, meeting):
        note_refusal("medical", employee.assignment_number)
        return render_template("error.html", title="You cannot see these notes", advice=CONFIDENTIAL, code=403), 403
    form_class = notes_form_class(stage_checklist(case, stage.key))
    if request.method == "GET":
        form = form_class(formdata=None, data=notes_answers(stage, meeting), version=case.version)
        if meeting.notes:
            log_notes_read(current_user.email, employee, meeting)
        return _notes_page(case, employee, stage, meeting, form)
    form = form_class()
    return answer(lambda: record_notes(case, meeting_id, {name: field.data for name, field in form._fields.items()
                                                          if name not in ("csrf_token", "version")},
                                       actor(), clock.today(), seen_version(form)),
                  lambda saved: "Meeting notes saved: the meeting is marked as held." if saved is not None else
                  "Nothing changed: the notes are as they were saved.", case_url(case, "meetings"),
                  lambda message, _: _notes_page(case, employee, stage, meeting, form, 400, message or (
                      "Check the notes: a point needs correcting." if form.errors else None)), form)


def _notes_page(case, employee, stage, meeting, form, status: int = 200, message: str | None = None):
    checklist = stage_checklist(case, stage.key)
    return render_template("cases/meeting_notes.html", case=case, employee=employee, stage=stage, meeting=meeting,
                           form=form, checklist=checklist, checklist_words=code_words(checklist.code), message=message,
                           names=names_for([meeting.notes_by]),
                           title=meeting_title(case, stage.key, meeting), role_labels=ROLE_LABELS,
                           companion_labels=COMPANION_LABELS,
                           blocked=None if stage.absences_associated else "associate"), status


@bp.route("/cases/<case_id>/meetings/<meeting_id>/invitation.ics")
@requires(CASE_READERS)
def invitation(case_id: str, meeting_id: str):
    case, employee = case_or_404(case_id)
    _, meeting = _meeting_or_404(case, meeting_id)
    response = make_response(invitation_file(case, meeting, employee))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.on.isoformat()}.ics"'
    return response


@bp.route("/cases/<case_id>/meetings/<meeting_id>/send-invitation", methods=["POST"])
@requires(CASE_WORKERS)
def send_invitation(case_id: str, meeting_id: str):
    """E-mail the invitation (.ics attached) to everyone invited; what cannot be sent now is retried by
    `notify send`. The case's history records who it went to."""
    case, employee = case_or_404(case_id)
    _, meeting = _meeting_or_404(case, meeting_id)
    form = CaseForm()
    people = invitees(meeting, employee)
    if not form.validate_on_submit() or not people:
        return render_case(case, employee, status=400, at="meetings",
                           message="Nobody invited has an e-mail address: add one to "
                           "the participants, or send the .ics file yourself." if people == [] else
                           "The form had expired. Send it again.")
    done = email_invitation(case, meeting, employee, people, actor(), settings().mail)
    flash(f"Invitation e-mailed to {len(done.sent_to)} of {done.everyone}." + (
        f" Not sent yet to {', '.join(done.to_retry)}: Casebook tries again at the next e-mail run."
        if done.to_retry else "") + (
        f" It cannot be sent to {', '.join(done.cannot_send_to)}: correct the address."
        if done.cannot_send_to else ""), "meetings")
    return redirect(case_url(case, "flash"))


@case_section
def provide(case, employee, today, forms) -> dict:
    """The "Meetings" section: the current stage's meetings (each upcoming one with its change and cancel forms),
    the arrange form with the notice the stage needs, and the another-date form."""
    stage = case.current_stage
    expected = policy_stage(case)
    meetings = [{
        "meeting": meeting, "title": meeting_title(case, stage.key, meeting),
        "missing": missing_attendees(expected.attendees if expected else (), [p.role for p in meeting.participants]),
        "may_read": may_read_notes(current_user, case, employee, meeting),
        "upcoming": not (meeting.held or meeting.cancelled) and meeting.on >= today,
    } for meeting in (stage.meetings if stage else [])]
    changed = forms.pop("change_meeting", None), forms.pop("change_form", None)
    cancelled = forms.pop("cancel_meeting", None), forms.pop("cancel_form", None)
    for row in meetings:
        meeting = row["meeting"]
        row["change_form"] = changed[1] if changed[0] == meeting.id else change_meeting_form(meeting, case.version)
        row["cancel_form"] = cancelled[1] if cancelled[0] == meeting.id else CancelMeetingForm(
            formdata=None, prefix=f"cancel-{meeting.id}", version=case.version)
        row["open"] = meeting.id in (changed[0], cancelled[0])
    form = forms.pop("meeting_form", None) or _blank_meeting_form(case, stage)
    notice = notice_for(expected)
    return {"meetings": meetings, "meeting_form": form, "meeting_stage": expected,
            "meeting_notice": notice.words(), "meeting_notice_needed": bool(notice.days or notice.working_days),
            "meeting_expects": missing_attendees(expected.attendees if expected else (), []),
            "meeting_kind": stage_checklist(case).meeting_kind if stage else None,
            "another_date_form": forms.pop("another_date_form", None) or AnotherDateForm(formdata=None),
            "another_date_meeting": forms.pop("another_date_meeting", None),
            "role_labels": ROLE_LABELS, "companion_labels": COMPANION_LABELS}


def _blank_meeting_form(case, stage) -> MeetingForm:
    """The arrange form, its first rows holding the roles the policy expects, the user in their own role."""
    expected = policy_stage(case)
    roles = [ROLE_OF_ATTENDEE.get(role, "other") for role in (expected.attendees if expected else ())]
    mine = "hr" if current_user.has_role("hr") and not current_user.has_role("manager") else "manager"
    rows = [{"role": role, **({"name": current_user.name, "email": current_user.email} if role == mine else {})}
            for role in roles]
    conference = stage is not None and stage_checklist(case).meeting_kind == "case_conference"
    return MeetingForm(formdata=None, data={"participants": rows, "employee_attends": not conference},
                       version=case.version)


def _meeting_or_404(case, meeting_id: str):
    try:
        return find_meeting(case, meeting_id)
    except Refused:
        abort(404)


def _arrangement(form: MeetingForm) -> Arrangement:
    rows = [row.form for row in form.participants.entries if (row.form.name.data or "").strip()]
    return Arrangement(
        on=form.on.data, at_time=form.at_time.data.strftime("%H:%M"), minutes=form.minutes.data,
        place=form.place.data or "", by_call=form.how.data == "call",
        participants=[(row.name.data, row.role.data, row.email.data or "") for row in rows],
        employee_attends=bool(form.employee_attends.data), companion_name=form.companion_name.data or "",
        companion_kind=form.companion_kind.data or "")
