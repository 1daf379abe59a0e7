"""The forms of the case page. Each carries the case version the user saw."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.fields import DayField, one_line
from casework.appeals import APPEAL_OUTCOMES, WARNING_CHANGES
from casework.checklists import COMPANION_LABELS, CONFIRM, ROLE_LABELS, Checklist
from documents.case import FLAG_WORDS
from services.cases.meetings import NOTES_MAX
from services.cases.outcomes import DECISIONS


class CaseForm(FlaskForm):
    """A change to a case, based on the version the user saw."""

    version = HiddenField()


class AssociationForm(CaseForm):
    absence_ids = SelectMultipleField("The absences that reached the trigger", choices=[],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                      validate_choice=False)


class ReassignForm(CaseForm):
    assignee = StringField("Give it to", validators=[DataRequired("Enter the login of the person to give it to."),
                                                      Length(max=200)])


def _day(label: str, message: str, required: bool = True) -> DayField:
    return DayField(label, validators=[InputRequired(message) if required else Optional()],
                     invalid_value_message="Enter a real date, for example 2026-03-27.")


def _time(label: str, required: bool = True) -> TimeField:
    return TimeField(label, validators=[InputRequired("Enter the time, for example 10:00.") if required
                                        else Optional()],
                     invalid_value_message="Enter a time of day as hours and minutes, for example 14:30.")


class ParticipantForm(Form):
    """One row of the participants: a row without a name is skipped (the role may be set in advance)."""

    name = StringField("Name", validators=[Length(max=200), one_line])
    role = SelectField("Role", choices=[SelectChoice("", "Choose a role")] + [
        SelectChoice(role, label) for role, label in ROLE_LABELS.items()], validate_choice=False)
    email = StringField("E-mail (for the invitation)", validators=[
        Optional(), Length(max=200), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address like "
                                                                                "name@example.org.")])

    def validate_name(self, field):
        if not (field.data or "").strip() and self.email.data:
            raise ValidationError("Enter the participant's name, or clear the row.")

    def validate_role(self, field):
        if self.name.data and field.data not in ROLE_LABELS:
            raise ValidationError(f"Choose the role of {self.name.data}.")


class MeetingForm(CaseForm):
    """Arranging the meeting of the current stage."""

    on = _day("Date", "Enter the date of the meeting.")
    at_time = _time("Time")
    minutes = IntegerField("How long (minutes)", default=60, validators=[
        InputRequired("Say how long the meeting is, in minutes."),
        NumberRange(15, 480, "A meeting lasts from 15 minutes to 8 hours (480 minutes).")])
    how = RadioField("Where", default="in_person", choices=[
        SelectChoice("in_person", "In person"), SelectChoice("call", "Telephone or video call")])
    place = StringField("Place, or how to join the call", validators=[Length(max=300), one_line])
    participants = FieldList(FormField(ParticipantForm), min_entries=4, max_entries=8)
    employee_attends = BooleanField("The employee is invited to attend", default=True)
    companion_name = StringField("Companion's name (if they bring one)", validators=[Optional(), Length(max=200),
                                                                                      one_line])
    companion_kind = SelectField("Companion is", choices=[SelectChoice("", "No companion")] + [
        SelectChoice(kind, label) for kind, label in COMPANION_LABELS.items()])

    def validate_place(self, field):
        if self.how.data == "in_person" and not (field.data or "").strip():
            raise ValidationError("Say where the meeting is (a room and building, or the employee's home).")

    def validate_participants(self, field):
        if not any((row.form.name.data or "").strip() for row in field.entries):
            raise ValidationError("Add who leads the meeting, at least.")

    def validate_companion_kind(self, field):
        if (self.companion_name.data or "").strip() and not field.data:
            raise ValidationError("Say whether the companion is a colleague, a trade union representative or a "
                                  "relative.")


class AnotherDateForm(CaseForm):
    """The other date an employee proposes for a meeting."""

    proposed_on = _day("New date", "Enter the date the employee proposes.")
    at_time = _time("New time (leave empty to keep the time)", required=False)


class CancelMeetingForm(CaseForm):
    """Cancelling an arranged meeting, with the reason (named after the meeting: prefix "cancel-<id>")."""

    reason = TextAreaField("Why is the meeting cancelled? (no medical detail)", validators=[
        DataRequired("Say why the meeting is cancelled."),
        Length(max=1000, message="Keep the reason to 1000 characters.")])


def change_meeting_form(meeting, version: int) -> MeetingForm:
    """The form that changes `meeting`, filled with what it is now, its fields named after it."""
    rows = [{"name": person.name, "role": person.role, "email": person.email or ""} for person in meeting.participants]
    hour, minute = (int(part) for part in (meeting.at_time or "09:00").split(":"))
    return MeetingForm(formdata=None, prefix=f"change-{meeting.id}", version=version, data={
        "on": meeting.on, "at_time": dt.time(hour, minute), "minutes": meeting.minutes or 60,
        "how": "call" if meeting.by_call else "in_person", "place": meeting.place or "", "participants": rows,
        "employee_attends": bool(meeting.employee_attends), "companion_name": meeting.companion_name or "",
        "companion_kind": meeting.companion_kind or ""})


def notes_form_class(checklist: Checklist) -> type[CaseForm]:
    """The notes form of a stage's meeting: a box for each point to confirm, a text area for each to write."""
    fields = {point.key: BooleanField(point.label) if point.kind == CONFIRM else TextAreaField(
        point.label, validators=[Optional(), Length(max=NOTES_MAX, message=f"Keep this to {NOTES_MAX} characters.")])
        for point in checklist.points()}
    return type(f"NotesForm{checklist.code}", (CaseForm,), fields)


class OutcomeForm(CaseForm):
    """The stage's outcome: "Check the dates" shows what it sets, then "Save the outcome" records it. The
    view sets the outcome's choices (those the stage offers)."""

    outcome_kind = RadioField("Outcome of the stage", choices=[], validate_choice=False,
                              validators=[InputRequired("Choose the outcome.")])
    decided_on = _day("Date of the decision", "Enter the date the outcome was decided.")
    letter_dated = _day("Date of the outcome letter (if not the day of the decision)", "", required=False)
    target_occasions = IntegerField("No more than this many occasions of sickness absence",
                                    validators=[Optional()])
    target_days = IntegerField("No more than this many working days of sickness absence", validators=[Optional()])
    target = StringField("Anything else agreed about attendance (optional)",
                         validators=[Optional(), Length(max=500)])
    summary = TextAreaField("What was decided and why (no medical detail)", validators=[Optional(), Length(max=5000)])
    # A dismissal's terms for letter C7; the service refuses a dismissal without them, beside each field.
    termination_date = _day("Date employment ends", "", required=False)
    notice_weeks = IntegerField("Notice period in weeks", validators=[Optional()])
    pay_in_lieu = BooleanField("The notice is paid in lieu, not worked")
    dismissed_by_name = StringField("Dismissing manager's name (they sign letter C7)",
                                    validators=[Optional(), Length(max=200)])
    dismissed_by_title = StringField("Dismissing manager's job title", validators=[Optional(), Length(max=200)])


class AppealForm(CaseForm):
    """An appeal against the stage's outcome, received, heard and decided (named "appeal-…": the outcome form
    beside it has fields of the same names)."""

    received_on = _day("Date the written appeal was received", "Enter the date the appeal was received.")
    late_reason = TextAreaField("Why a late appeal is heard (only when received after the deadline)",
                                validators=[Optional(), Length(max=2000, message="Keep this to 2000 characters.")])
    heard_by_name = StringField("Name of the person who heard the appeal", validators=[
        DataRequired("Enter the name of the person who heard the appeal."), Length(max=200), one_line])
    heard_by_title = StringField("Their job title", validators=[
        DataRequired("Enter the job title of the person who heard the appeal."), Length(max=200), one_line])
    meeting_on = _day("Date of the appeal meeting", "Enter the date of the appeal meeting.")
    meeting_place = StringField("Place of the appeal meeting (optional)", validators=[Optional(), Length(max=300),
                                                                                       one_line])
    decided_on = _day("Date of the appeal decision", "Enter the date the appeal was decided.")
    outcome = RadioField("Outcome of the appeal",
                         choices=[SelectChoice(key, label) for key, label in APPEAL_OUTCOMES.items()],
                         validate_choice=False, validators=[InputRequired("Choose the outcome of the appeal.")])
    reasons = TextAreaField("Reasons for the decision (no medical detail)", validators=[
        DataRequired("Give the reasons for the appeal decision."), Length(max=5000)])
    what_changed = TextAreaField("What the appeal changed (for a partly upheld appeal)",
                                 validators=[Optional(), Length(max=2000)])
    warning_change = RadioField("For a partly upheld appeal: the live warning", default="none",
                                choices=[SelectChoice(key, label) for key, label in WARNING_CHANGES.items()],
                                validate_choice=False)
    new_expiry = _day("New last day of the warning (when shortened)", "", required=False)


class NoteForm(CaseForm):
    text = TextAreaField("Note", validators=[DataRequired("Write the note."), Length(max=10000)])


class ProgressRequestForm(CaseForm):
    request_reason = TextAreaField("Why should the case not move on? (no medical detail)", validators=[
        DataRequired("Say why the case should not move on."), Length(max=2000)])


class DecisionForm(CaseForm):
    decision = RadioField("What HR decides", choices=[SelectChoice(key, words) for key, words in DECISIONS.items()],
                          validators=[InputRequired("Choose what HR decides.")])
    decision_reason = TextAreaField("Reason (no medical detail)", validators=[
        DataRequired("Give the reason for the decision."), Length(max=2000)])


class SnoozeForm(CaseForm):
    snooze_reason = TextAreaField("Why slow the case down?", validators=[
        DataRequired("Say why the case should slow down."), Length(max=2000)])
    agreed_by = StringField("HR advisor who agreed", validators=[
        DataRequired("Name the HR advisor who agreed."), Length(max=200)])
    snooze_until = _day("Snooze reminders until", "Enter the date reminders start again.")


class FlagForm(CaseForm):
    """One click: the button pressed says which flag (`kind`); the comment is optional."""

    kind = StringField(validators=[AnyOf(list(FLAG_WORDS), message="Choose which flag to raise.")])
    flag_comment = TextAreaField("Comment for HR (optional)", validators=[Optional(), Length(max=2000)])


class NotMyReportForm(FlaskForm):
    """The team page's "not my report", confirmed with a comment (the service refuses it empty, beside it)."""

    comment = TextAreaField("Why they do not report to you", validators=[Length(max=2000)])


class ResolveFlagForm(FlaskForm):
    resolution = TextAreaField("What was done", validators=[DataRequired("Say what was done about the flag."),
                                                            Length(max=2000)])


class AdviceForm(CaseForm):
    """HR's advice on the pertinent factors (the service refuses it empty, beside the field)."""

    advice = TextAreaField("HR's advice on the pertinent factors", validators=[Length(max=5000)])
