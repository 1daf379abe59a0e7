"""Feedback where the eye is: after a change on a case or absence page, what happened (or what stopped it) is
shown inside the part of the page it concerns, as the box `#flash`, which takes the keyboard focus with that part
in view, with or without JavaScript.

Without JavaScript the browser follows the redirect to `…#flash` (the part's name travels as the flashed
message's category), and a fragment pointing at a focusable element focuses it; CSS keeps the part's heading in
view above it (`scroll-margin-top`). A form sent back with errors is a page with no fragment: its box carries
`autofocus`. With htmx the part is swapped in place and htmx focuses the `autofocus` element it brings, and
static/js/casebook.js scrolls it into view with the part's heading.
"""
from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit, urlunsplit

from flask import get_flashed_messages, render_template

FEEDBACK_ID = "flash"
TOP = "message"            # the category of a message for the top of the page (Flask's default)


@dataclasses.dataclass(frozen=True)
class Feedback:
    """What to say after a change, and where: `at` is the id of the part of the page it concerns (None: the top);
    `messages` what was done; `problems` (field id or None, words) what stopped it."""

    at: str | None = None
    messages: tuple = ()
    problems: tuple = ()

    @property
    def is_problem(self) -> bool:
        return bool(self.problems)

    def __bool__(self) -> bool:
        return bool(self.messages or self.problems)


def part_of(url: str) -> str:
    """The flash category for a change answered by a redirect to `url`: the part its fragment names, or the top."""
    return urlsplit(url).fragment or TOP


def to_feedback(url: str) -> str:
    """`url` sent to its feedback box (`#flash`) rather than to the part its fragment names; unchanged without one."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=FEEDBACK_ID)) if parts.fragment else url


def flashed(at: str | None = None, problems: tuple = ()) -> Feedback:
    """The feedback of this request: the messages flashed before the redirect that brought the user here, in the
    part they name, or the `problems` of a form sent back, at `at`."""
    messages = get_flashed_messages(with_categories=True)
    placed = next((category for category, _ in messages if category != TOP), None)
    return Feedback(at if problems else (placed or at), tuple(words for _, words in messages), tuple(problems))


def form_problems(*forms) -> tuple:
    """(field id, first message) for each field of `forms` with an error, and (None, message) for a form's own
    errors and an expired form."""
    found = []
    for form in forms:
        if form is None or not hasattr(form, "errors"):
            continue
        for message in getattr(form, "form_errors", []):
            found.append((None, message))
        for name, errors in form.errors.items():
            if name == "csrf_token":
                found.append((None, "The form had expired. Send it again."))
            elif name in form and errors:
                first = errors[0] if isinstance(errors[0], str) else _first_text(errors)
                if first:
                    found.append((form[name].id, first))
    return tuple(found)


def _first_text(errors) -> str | None:
    """The first message in a nested list of errors (a list of subforms' errors)."""
    for error in errors:
        if isinstance(error, str):
            return error
        nested = _first_text(error.values() if isinstance(error, dict) else error)
        if nested:
            return nested
    return None


def render_with_feedback(template: str, feedback: Feedback, **context) -> str:
    """`template` rendered with `feedback` in the part it names; at the top when the page does not show that part
    (a part offered only in some states of the record)."""
    page = render_template(template, feedback=feedback, **context)
    if feedback and feedback.at and f'id="{FEEDBACK_ID}"' not in page:
        page = render_template(template, feedback=dataclasses.replace(feedback, at=None), **context)
    return page
