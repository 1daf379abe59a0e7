"""The forms of the import pages."""
from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField
from wtforms.validators import ValidationError

from casework.absence_feed import missing_columns
from casework.feed_files import NotAFeedFile, check_rows, decode_text, read_header
from services.imports.jobs import SKIP_INVALID

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class AbsenceFileForm(FlaskForm):
    """An absences.csv file from the absence system; its bytes are kept in `content` once valid."""

    file = FileField("Absences file (CSV)", validators=[
        FileRequired("Choose the absences file to upload."), FileAllowed(["csv"], "Upload a .csv file.")])
    content = b""
    columns_missing = staticmethod(missing_columns)   # the required columns a header lacks (other feeds set theirs)

    def validate_file(self, field):
        limit = current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
        data = field.data.read(limit + 1)
        if len(data) > limit:
            raise ValidationError(f"The file is larger than {limit // (1024 * 1024) or 1} MB. "
                                  "Split it, or ask for it to be loaded with the import command.")
        try:
            text = decode_text(data)
            missing = self.columns_missing(read_header(text))
            if not missing:
                check_rows(text)
        except NotAFeedFile as error:
            raise ValidationError(str(error)) from None
        if missing:
            raise ValidationError("The first row must name the columns; it lacks " + ", ".join(missing) + ".")
        self.content = data


class ApplyForm(FlaskForm):
    """Apply a checked file."""

    skip_invalid = BooleanField(SKIP_INVALID)
