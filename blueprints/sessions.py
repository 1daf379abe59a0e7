"""Signed-in sessions: begun at sign-in with the time, kept while the person is active, ended on the server.

Every request checks the session before anything else (before CSRF, so an ended session is sent to sign in
rather than told its form expired): its login's session generation (`User.of_session`), and the idle and
absolute time-outs (`casework.sessions`, the times coming from `services.clock`). An ended session is signed
out, and a request for a page that needs signing in is sent to sign in with the reason
(`blueprints.access.sign_in_first`); every other request counts as activity.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from blueprints.access import CACHEABLE, needs_sign_in, sign_in_first
from casework.sessions import REVOKED, SessionRules, ended_by
from services import clock

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"


def rules() -> SessionRules:
    config = current_app.config
    return SessionRules(idle_minutes=config["SESSION_IDLE_MINUTES"], max_hours=config["SESSION_MAX_HOURS"])


def begin(user) -> None:
    """Sign `user` in, in this browser, from now."""
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = _stamp(clock.now())


def carry_on(user) -> None:
    """Keep this session going for `user`, whose sessions were all ended by a change made in this one (a new
    password): it now holds the login's new session generation, and its times stay as they were."""
    login_user(user)


def end() -> None:
    """Sign out of this session."""
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def init_app(app) -> None:
    """Check the session at the start of every request (register before CSRFProtect)."""
    app.before_request(_keep_or_end)


def _keep_or_end():
    if request.endpoint in CACHEABLE or "_user_id" not in session:
        return
    now = clock.now()
    if current_user.is_authenticated:
        reason = ended_by(_time(session.get(SIGNED_IN_AT)), _time(session.get(SEEN_AT)), now, rules())
    else:
        reason = REVOKED    # login switched off, its sessions ended since, or another address or browser
    if reason is None:
        session[SEEN_AT] = _stamp(now)
        return
    end()
    g.session_ended = reason
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return sign_in_first() if view is not None and needs_sign_in(view) else None


def _stamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _time(stamp) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(stamp, clock.zone()) if isinstance(stamp, int) else None
