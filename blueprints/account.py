"""The signed-in user's own settings: how Casebook e-mails them about their tasks."""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from blueprints.access import signed_in
from blueprints.answering import answer
from blueprints.fields import seen_version
from documents import User
from documents.user import NOTIFY_CHOICES
from services.notifications import choose_notifications

bp = Blueprint("account", __name__)

CHOICE_LABELS = {
    "each": "An e-mail for each open task, once a day",
    "digest": "One e-mail a day listing all my open tasks (a daily digest)",
    "off": "No e-mails: I will look at my tasks in Casebook",
}


class NotificationsForm(FlaskForm):
    version = HiddenField()
    notify = RadioField("How should Casebook e-mail you about your tasks?",
                        choices=[SelectChoice(key, CHOICE_LABELS[key]) for key in NOTIFY_CHOICES],
                        validate_choice=False, validators=[
                            InputRequired("Choose how Casebook should e-mail you."),
                            AnyOf(NOTIFY_CHOICES, message="Choose one of the three settings.")])


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def notifications():
    user = User.objects.get(pk=current_user.pk)
    form = NotificationsForm(data={"notify": user.notify, "version": user.version})

    def choose() -> bool:
        return choose_notifications(user, form.notify.data, seen_version(form))
    return answer(choose,
                  lambda changed: f"Saved: {CHOICE_LABELS[form.notify.data].lower()}." if changed
                  else "Your e-mail setting is unchanged.", url_for("account.notifications"),
                  lambda message, _: (render_template("account/notifications.html", form=form, message=message,
                                                      user=user), 400 if form.is_submitted() else 200), form)
