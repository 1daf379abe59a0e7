"""The ESR sickness reason code mapping, for administrators: which board report category each code of an absence
feed counts under (`absences.csv` and the API)."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice

from blueprints.access import ADMINISTRATORS, requires
from blueprints.answering import answer, page_again
from blueprints.fields import seen_version
from casework.reason_codes import DEFAULT_MAPPING, ESR_CODES, complete_mapping
from casework.reasons import REASON_CATEGORIES
from documents.reason_codes import ReasonCodes
from services.reads.people import names_in
from services.reason_codes import save_reason_codes

bp = Blueprint("reason_codes", __name__)


class ReasonCodesForm(FlaskForm):
    """The version of the mapping the page showed, and one choice of category for each ESR code (added below)."""

    version = HiddenField()


CATEGORY_CHOICES = [SelectChoice(key, label) for key, label in REASON_CATEGORIES.items()]
for _code, _words in ESR_CODES.items():
    # Any value reaches the service, which refuses one that is not a category beside its code.
    setattr(ReasonCodesForm, _code, SelectField(f"{_code} {_words}", choices=CATEGORY_CHOICES, validate_choice=False))


@bp.route("/admin/reason-codes", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def mapping():
    saved = ReasonCodes.current()
    form = ReasonCodesForm(data={"version": saved.version if saved else 0,
                                 **complete_mapping(saved.codes if saved else None)})
    page = page_again(form, lambda: (render_template(
        "reason_codes/mapping.html", form=form, saved=saved, codes=ESR_CODES, shipped=DEFAULT_MAPPING,
        categories=REASON_CATEGORIES, names=names_in(saved)), 400 if form.is_submitted() else 200))
    return answer(lambda: save_reason_codes(current_user.email, {code: form[code].data for code in ESR_CODES},
                                            seen_version(form)),
                  lambda changed: "The reason code mapping is saved: absences fed from now on use it." if changed
                  else "Nothing changed.", url_for("reason_codes.mapping"), page, form)
