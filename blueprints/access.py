"""Access rules: every view declares who may use it, with `public`, `signed_in`, `requires(GROUP)` or `api_token(...)`.

The app refuses any endpoint whose view declares nothing (see `app.py`), and a
test walks the URL map for the same reason. The groups below are the only
place roles are put together; links ask `may(endpoint)`, so they follow the
route's own rule.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response, redirect, request, url_for
from flask_login import current_user

from documents import ROLES
from documents.api_token import SCOPES, ApiToken
from documents.scope import ScopedQuerySet, may_see
from services.privacy.logs import record_refusal

PUBLIC = "public"
SIGNED_IN = "signed in"

# Who may do what, each group named by what it lets its roles do. What a user then sees is narrowed by
# their scope (`documents.scope`): a manager their hierarchy, HR their divisions.
# Reading a case or an absence with its letters and meeting invitations, noting a case, an employee's page:
CASE_READERS = ("manager", "hr", "support", "admin")
# Working a case: its tasks, association, meetings, letters and outcome; My tasks:
CASE_WORKERS = ("manager", "hr", "admin")
# HR's decisions, giving a task to someone else, "wrong stage" flags, everyone's tasks in their divisions:
CASE_OVERSEERS = ("hr", "admin")
# Recording an absence and the care while someone is off:
ABSENCE_RECORDERS = ("manager", "hr", "admin")
# Asking to see an absence's medical detail:
MEDICAL_READERS = ("manager", "hr", "admin")
# The dashboard and the board report:
REPORT_READERS = ("manager", "hr", "admin")
# Their team and its calendar, asking HR not to progress a case, flagging one:
TEAM_MANAGERS = ("manager",)
# The staff list, the hierarchy's health and its stranded tasks:
STAFF_KEEPERS = ("hr", "support", "admin")
# The queue of flags managers raise:
FLAG_RESOLVERS = ("hr", "support", "admin")
# Correcting a case's stage, dates and associated absences:
DATA_FIXERS = ("hr", "support", "admin")
# Loading files from other systems:
IMPORTERS = ("support", "admin")
# Reading the policies and the letter templates:
POLICY_READERS = ("hr", "admin")
# The trigger scan:
TRIGGER_SCANNERS = ("hr", "admin")
# Changing the policies and the letter templates:
POLICY_EDITORS = ("admin",)
# Task routing and the organisation's details:
ADMINISTRATORS = ("admin",)
# The logs of medical reads and refused attempts, and subject access exports (no case, absence or medical page:
# the data protection officer reads what was done, never the records themselves):
PRIVACY_OFFICERS = ("dpo", "admin")

# The only responses a browser or proxy may keep: Casebook's own CSS, JS and images, which also need no session.
# Everything else (pages, the API's JSON, letters, CSV, XLSX, .ics and TOML downloads, refused-rows files, errors)
# may hold personal data.
CACHEABLE = frozenset({"static", "home.frontend_assets"})


def _declare(rule: tuple[str, ...]):
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not admits(guarded, current_user):
                if not current_user.is_authenticated:
                    return sign_in_first()
                refuse("role", status=403)
            return view(*args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def sign_in_first():
    """Send someone not signed in (or whose session has just ended, saying why) to sign in, and then back.

    An htmx request is answered with `HX-Redirect`, so the browser loads the sign-in page as a page instead of
    swapping it into a part of this one, and comes back to the page it was on (`HX-Current-URL`); a form sent
    without htmx comes back to the page it was sent from."""
    ended = g.get("session_ended")
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url_for("auth.login", next=_page_on_this_site(
            request.headers.get("HX-Current-URL")), ended=ended)
        return response
    back = request.full_path.rstrip("?") if request.method == "GET" else _page_on_this_site(request.referrer)
    return redirect(url_for("auth.login", next=back, ended=ended))


def _page_on_this_site(url: str | None) -> str | None:
    """The path and query of `url` when it is a page of this site, else None."""
    parts = urlsplit(url or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def public(view):
    """Anyone may use this view, signed in or not."""
    return _declare((PUBLIC,))(view)


def signed_in(view):
    """Anyone signed in may use this view."""
    return _declare((SIGNED_IN,))(view)


def requires(group: tuple[str, ...]):
    """Only users holding at least one of the roles of `group` (one of the groups above) may use this view."""
    unknown = set(group) - set(ROLES)
    if isinstance(group, str) or unknown or not group:
        raise ValueError(f"requires takes a group of roles, not {group!r}")
    return _declare(tuple(group))


def api_token(scope: str):
    """Only calls bearing a live API token with `scope` may use this view (the token is then `g.api_token`).

    No token, or an unknown or revoked one: 401. A token without the scope: 403.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            token = presented_token()
            if token is None:
                abort(401, "Send a valid API token: Authorization: Bearer TOKEN.")
            if scope not in token.scopes:
                note_refusal("token scope", who=token.actor)
                abort(403, f"This token does not have the {scope} scope.")
            g.api_token = token
            return view(*args, **kwargs)

        guarded.access_rule = (f"token:{scope}",)
        return guarded

    return decorate


def presented_token() -> ApiToken | None:
    """The live API token the request's `Authorization: Bearer …` header carries, or None (looked up once a
    request: the API's rate limit counts by it before the view asks for it)."""
    if "presented_token" not in g:
        g.presented_token = ApiToken.bearing(request.headers.get("Authorization"))
    return g.presented_token


def access_rule(view) -> tuple[str, ...] | None:
    """The rule a view declared, or None."""
    return getattr(view, "access_rule", None)


def needs_sign_in(view) -> bool:
    """Whether `view` is for people signed in (not public, not for API tokens)."""
    rule = access_rule(view) or ()
    return PUBLIC not in rule and not any(part.startswith("token:") for part in rule)


def admits(view, user) -> bool:
    """Whether the rule `view` declared lets `user` (signed in or not) open it; an API token's rule, or none,
    admits no user."""
    rule = access_rule(view) or ()
    if PUBLIC in rule:
        return True
    if not user.is_authenticated:
        return False
    return SIGNED_IN in rule or user.has_role(*rule)


def may(endpoint: str) -> bool:
    """Whether the signed-in user may open `endpoint`: its view's own rule decides, so a link and its route agree."""
    return admits(current_app.view_functions[endpoint], current_user)


def visible_or_404(queryset, **filters):
    """The one document matching `filters` within `queryset.visible_to(current_user)`, or 404.

    Something outside the user's scope is reported as not found, so its existence does not leak.
    """
    if type(queryset).visible_to is ScopedQuerySet.visible_to:
        return _seen_or_404(queryset, filters)
    found = queryset.visible_to(current_user).filter(**filters).first()
    if found is None:
        whose = "assignment_number" if "assignment_number" in queryset._document._fields else "pk"
        outside = queryset.filter(**filters).only(whose).first()
        if outside is not None:
            refuse("scope", getattr(outside, "assignment_number", None))
        abort(404)
    return found


def _seen_or_404(queryset, filters: dict):
    """The one document matching `filters` (an id or an assignment number: one index serves them alone), or 404;
    refused as out of scope, as `visible_or_404`, when the user may not see it (`may_see`)."""
    found = queryset.filter(**filters).first()
    if found is None:
        abort(404)
    if not may_see(current_user, found):
        refuse("scope", getattr(found, "assignment_number", None))
    return found


def refuse(reason: str, assignment_number: str | None = None, status: int = 404):
    """Refuse the request (404 for a record outside the user's scope, so its existence does not leak; 403
    otherwise), logging the refusal for the data protection officer: `reason` is one of
    `documents.privacy.REFUSAL_REASONS`."""
    note_refusal(reason, assignment_number)
    abort(status)


def note_refusal(reason: str, assignment_number: str | None = None, who: str | None = None) -> None:
    """Log that the signed-in user (or `who`, an API token) is being refused this request, and why."""
    record_refusal(who or current_user.email, request.method, request.full_path.rstrip("?"), request.endpoint,
                   reason, assignment_number)
