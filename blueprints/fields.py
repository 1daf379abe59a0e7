"""Form fields and checks every form shares: a day Casebook can count from, text that stays on one line, a version
and a whole number in a URL that MongoDB can compare."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter
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


def seen_version(form) -> int | None:
    """The version of the record the user's page showed (the form's hidden `version` field), None without one."""
    return version_number(form.version.data) if hasattr(form, "version") else None


LARGEST = 2**31 - 1


class WholeNumber(IntegerConverter):
    """`<int:…>` in every route: at most LARGEST, so a larger number (which MongoDB cannot compare: an
    OverflowError) matches no route and is a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST,
                 signed: bool = False):
        super().__init__(map, fixed_digits, min, max, signed)


def whole_number(value: str | None) -> int | None:
    """A whole number from a query string, or None when it is not one of at most LARGEST."""
    number = version_number(value)
    return number if number is not None and number <= LARGEST else None
