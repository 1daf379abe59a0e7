"""The Users page's forms: each checks its own fields; the service refuses what needs the database."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.fields import one_line
from documents.user import ROLES

ROLE_NAMES = {"manager": "Manager", "hr": "HR advisor", "support": "Support", "admin": "Administrator",
              "dpo": "Data protection officer"}
ROLE_CHOICES = [(role, ROLE_NAMES.get(role, role)) for role in ROLES]


def at_least_one_role(form, field) -> None:
    """A login holds a role (checked without marking each checkbox required, as DataRequired would)."""
    if not field.data:
        raise ValidationError("Choose at least one role.")


def _choices(label: str, **kwargs) -> SelectMultipleField:
    # Any value reaches the service, which refuses one that is not a role or a division of the hierarchy.
    return SelectMultipleField(label, choices=[], validate_choice=False, widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), **kwargs)


class AccessForm(FlaskForm):
    """The roles of a login and an HR advisor's divisions."""

    version = HiddenField()
    roles = _choices("Roles", validators=[at_least_one_role])
    hr_divisions = _choices("HR divisions")

    def with_choices(self, divisions: list[str]) -> "AccessForm":
        self.roles.choices = ROLE_CHOICES
        self.hr_divisions.choices = [(division, division) for division in divisions]
        return self


class NewLoginForm(AccessForm):
    """A new login: who, their roles and divisions, a manager's assignment, the authority to dismiss."""

    name = StringField("Name", validators=[DataRequired("Enter the person's name."), Length(max=200), one_line])
    email = EmailField("E-mail address", validators=[DataRequired("Enter the e-mail address."), Length(max=200),
                                                     Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=(
                                                         "Enter an e-mail address, like name@trust.nhs.uk."))])
    assignment_number = StringField("Assignment number (a manager's own)", validators=[Optional(), Length(max=40),
                                                                                       one_line])
    may_dismiss = BooleanField("May record a dismissal (the authority to dismiss)")


class AssignmentForm(FlaskForm):
    """The assignment a login is linked to (a manager's own)."""

    version = HiddenField()
    assignment_number = StringField("Assignment number", validators=[Length(max=40), one_line])


class AuthorityForm(FlaskForm):
    """Whether the login holds the authority to dismiss."""

    version = HiddenField()
    may_dismiss = BooleanField("May record a dismissal (the authority to dismiss)")


class VersionForm(FlaskForm):
    """A one-click change to a login (switch off, switch on, send a link), against the version the page showed."""

    version = HiddenField()


class BulkLinksForm(FlaskForm):
    """Send set-password links to every login awaiting its first sign-in, of one division or all."""

    division = SelectField("Division", choices=[], validate_choice=False)
    confirm = BooleanField("Yes, send a link to each of them",
                           validators=[DataRequired("Tick the box to confirm the links are to go.")])
