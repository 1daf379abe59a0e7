"""The forms of the case page. Each carries the case version the user saw."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


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
