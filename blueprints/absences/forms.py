"""The forms of the absence pages; each field's message appears beside it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from blueprints.fields import DayField
from documents.absence import CONTACT_METHODS, REASON_CATEGORIES


def _date(label: str, required: bool = True, message: str | None = None):
    validators = [InputRequired(message or f"Enter the {label.lower()}.")] if required else [Optional()]
    return DayField(label, validators=validators, format="%Y-%m-%d")


class VersionedForm(FlaskForm):
    """Carries the version of the absence the user saw, so a stale change is refused."""

    version = HiddenField()


class AbsenceForm(VersionedForm):
    first_day = _date("First day of absence")
    expected_return = _date("Expected return", required=False)
    reason_category = SelectField("Reason", choices=[SelectChoice("", "Choose a reason")] + [
                                      SelectChoice(key, label) for key, label in REASON_CATEGORIES.items()],
                                  validators=[DataRequired("Choose the reason for the absence.")])
    reason_detail = TextAreaField("Details of the illness or injury (confidential)",
                                  validators=[Optional(), Length(max=2000)])
    work_related = BooleanField("Caused or made worse by work (an accident report is needed)")
    third_party = BooleanField("Caused by someone else, such as a road accident (a damages agreement is needed)")
    pregnancy_related = BooleanField("Related to pregnancy")
    disability_related = BooleanField("Related to a disability")


class CorrectionForm(AbsenceForm):
    last_day = _date("Last day of absence", required=False)
    correction_reason = TextAreaField("Why are you correcting this absence?", validators=[
        DataRequired("Say why the absence is being corrected."), Length(max=1000)])


class EndForm(VersionedForm):
    last_day = _date("Last day of absence", message="Enter the last day they were off sick.")


class ExtendForm(VersionedForm):
    expected_return = _date("New expected return", message="Enter the date they are now expected back.")


class ContactForm(VersionedForm):
    contact_on = _date("Date of contact", message="Enter the date of the contact.")
    method = SelectField("How", choices=[SelectChoice(m, m.capitalize()) for m in CONTACT_METHODS])
    note = TextAreaField("Note (no medical detail)", validators=[Optional(), Length(max=2000)])


class FitNoteForm(VersionedForm):
    from_day = _date("Fit note from", message="Enter the first day the fit note covers.")
    to_day = _date("Fit note to", message="Enter the last day the fit note covers.")
    may_be_fit = BooleanField("The fit note says they may be fit for work with adjustments")
    detail = TextAreaField("What the fit note says (confidential)", validators=[Optional(), Length(max=2000)])


class DateDoneForm(VersionedForm):
    """A step done on a date: OH referral, accident report, damages agreement."""

    done_on = _date("Date", message="Enter the date.")
    reference = StringField("Reference (optional)", validators=[Optional(), Length(max=100)])


class ReturnToWorkForm(VersionedForm):
    held_on = _date("Date of the interview", message="Enter the date the interview was held.")
    declaration_confirmed = BooleanField("The employee has completed and signed the sickness declaration")
    reason_discussed = TextAreaField("Reason for absence discussed, and anything that may have caused it",
                                     validators=[Optional(), Length(max=5000)])
    fit_for_work = RadioField("Are they fit to be back at work?", choices=[
        SelectChoice("fit", "Yes, fully fit"), SelectChoice("fit_with_adjustments", "Yes, with adjustments or support"),
        SelectChoice("not_fit", "No – they should not be at work")],
        validators=[DataRequired("Say whether they are fit for work.")])
    support = TextAreaField("Support offered (for example counselling, occupational health, employee assistance)",
                            validators=[Optional(), Length(max=5000)])
    adjustments = TextAreaField("Adjustments agreed", validators=[Optional(), Length(max=5000)])
    phased_return = BooleanField("A phased return has been agreed")
    phased_return_plan = TextAreaField("Phased return plan (hours, duties, review date)",
                                       validators=[Optional(), Length(max=5000)])
    oh_referral_needed = BooleanField("A referral to occupational health is needed")
    notes = TextAreaField("Other notes", validators=[Optional(), Length(max=5000)])
