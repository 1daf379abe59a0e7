"""Form fields and checks every form shares: a day Casebook can count from, and text that stays on one line."""
from __future__ import annotations

from wtforms import DateField
from wtforms.validators import StopValidation, ValidationError

from casework.calendar import OUT_OF_RANGE, in_range
from casework.plain_text import ONE_LINE, unsafe_in_a_line


class DayField(DateField):
    """A YYYY-MM-DD date whose parse error says what to type (`invalid_value_message`, else one naming the
    field), refused beside the field when it lies before 1900 or after 2200: windows and periods counted from
    such a day leave the calendar."""

    def __init__(self, label=None, validators=None, format="%Y-%m-%d", invalid_value_message=None, **kwargs):
        super().__init__(label, validators, format, invalid_value_message, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid_value_message or
                             f"Enter a real date for “{self.label.text.lower()}”, for example 2026-03-27.") from None

    def pre_validate(self, form):
        if self.data is not None and not in_range(self.data):
            raise StopValidation(OUT_OF_RANGE)


def one_line(form, field) -> None:
    """A name, a title or a place is one line: no line break, tab, control character or right-to-left override
    (in an e-mail header or an .ics file it would start a line of its own)."""
    if field.data and unsafe_in_a_line(field.data):
        raise ValidationError(ONE_LINE)


def version_number(value: object) -> int | None:
    """The version a form says its page showed (a hidden field), or None when it is not a plain number of a
    sensible size: "²" passes str.isdigit() but not int(), and a huge number is no version MongoDB can compare."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None
