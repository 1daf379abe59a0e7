"""Answering a change the user asked for: the one way from a form and a service call to what the user sees."""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect

from blueprints.feedback import part_of, to_feedback
from services.errors import Refused, StaleEditError


def answer(change: Callable[[], Any], done, to: str | None, again: Callable[[str | None, Refused | None], Any],
           form=None, beside: str | None = None):
    """Make the service call `change()` and answer it; with a `form`, only once the form is sent and valid
    (until then `again(None, None)` shows it, with its errors if it was sent).

    When the call goes through: flash `done` (or `done(result)`, from what the call returned) for the part of the
    page `to` names by its fragment, and redirect to `to` at the message itself (`blueprints.feedback`), which htmx
    follows to swap the page's parts in place; with `to` None, `done(result)` is the answer
    itself (a page, or an htmx fragment). When it is refused, or someone else changed the record first: each
    message goes beside its field of `form` (a refusal naming no field beside `beside`, when given), and
    `again(message, refusal)` gives the same page or fragment once more, `message` being the words that found
    no field (None when all did) for the top of the page, and `refusal` the `Refused` (a stale edit is one
    naming no field)."""
    if form is not None and not form.validate_on_submit():
        return again(None, None)
    try:
        result = change()
    except (Refused, StaleEditError) as error:
        refusal = error if isinstance(error, Refused) else Refused(str(error))
        return again(_place(refusal, form, beside), refusal)
    if to is None:
        return done(result)
    flash(done(result) if callable(done) else done, part_of(to))
    return redirect(to_feedback(to))


def _place(refusal: Refused, form, beside: str | None) -> str | None:
    """Put each message of `refusal` beside its field of `form`; the words that found no field, or None."""
    left = []
    for name, message in (refusal.fields or {beside: refusal.message}).items():
        if form is not None and name is not None and name in form:
            form[name].errors = [message]
        else:
            left.append(message)
    return " ".join(left) or None


def page_again(form, page: Callable[[], Any]) -> Callable[[str | None, Refused | None], Any]:
    """`again` for a form on a page of its own: the words that found no field go to the top of `form` (its
    error summary), and `page()` shows the page once more."""
    def again(message: str | None, _) -> Any:
        if message:
            form.form_errors.append(message)
        return page()
    return again


def back_to(url: str) -> Callable[[str | None, Refused | None], Any]:
    """`again` for a one-click change: the refusal flashed, and back to `url`."""
    def again(message: str | None, _) -> Any:
        flash(message)
        return redirect(url)
    return again
