"""Page or fragment: one decision for every view that htmx may call; and the filters that show who did
something and when."""
from __future__ import annotations

import datetime as dt

from flask import make_response, render_template, request
from markupsafe import Markup, escape

from blueprints.feedback import form_problems
from casework.moments import local_time, moment_words
from casework.people import actor_words, login_in
from casework.plain_words import codes_in, title_case
from services import clock


def wants_fragment() -> bool:
    """An htmx request that is neither boosted nor a history restore gets the fragment alone."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(page_template: str, fragment: str, status: int = 200, **context):
    """Render `fragment` for htmx requests and `page_template` otherwise, varying on HX-Request."""
    template = fragment if wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def person(actor: str | None, names: dict[str, str] | None = None) -> Markup:
    """Jinja filter `actor|person(names)`: who did something in words (`names` from
    `services.reads.people.names_for`, read once for the page); a login's e-mail stays at hand as the title."""
    if not actor:
        return Markup("")
    words = (names or {}).get(actor) or actor_words(actor, {})
    login = login_in(actor)
    if login and login not in words:
        return Markup('<span title="{}">{}</span>').format(login, words)
    return escape(words)


def local(value):
    """Jinja filter: a stored instant in the organisation's time zone (a date stays as it is)."""
    return local_time(value, clock.zone()) if isinstance(value, dt.datetime) else value


def when(at: dt.datetime | None) -> str:
    """Jinja filter: a stored instant as pages show it, in the organisation's time zone: 3 Dec 2026, 09:15."""
    return moment_words(at, clock.zone()) if at else ""


def codes_explained(text: str) -> Markup:
    """Jinja filter: a task's title, with what each checklist, form or letter code it names stands for on a small
    line under it ("A4: checklist for the absence support meeting (informal)")."""
    found = codes_in(text or "")
    if not found:
        return escape(text)
    words = "; ".join(f"{code}: {meaning}" for code, meaning in found)
    return Markup('{}<br><span class="nhsuk-body-s cb-muted cb-codes">{}</span>').format(text, words)


def register_filters(app) -> None:
    """The filters every template may use: `person`, `local`, `when`, `title_case` (a stage's name),
    `codes_explained` (a task's title) and `problems` (a form's, for its error summary)."""
    app.add_template_filter(person)
    app.add_template_filter(local)
    app.add_template_filter(when)
    app.add_template_filter(title_case)
    app.add_template_filter(codes_explained)
    app.add_template_filter(form_problems, "problems")
