"""Rate limits: sign-in attempts per client address and from everyone together, API calls per token, uploaded
files per user. Flask-Limiter counts them in the app's own MongoDB database (fixed windows); each limit is a
setting (README, Configuration), read on every request. A request over a limit gets 429 with a message saying
which limit it met (see the error pages in app.py).
"""
from __future__ import annotations

import atexit
from collections.abc import Callable

from flask import current_app, request
from flask_limiter import ApplicationLimit, Limiter
from flask_login import current_user
from limits import RateLimitItem, parse_many

from blueprints.access import presented_token

SETTINGS = ("LOGIN_LIMIT_PER_ADDRESS", "LOGIN_LIMIT_OVERALL", "API_LIMIT_PER_TOKEN", "UPLOAD_LIMIT_PER_USER")


def client_address() -> str:
    """The address the request came from (the client's, behind as many proxies as CASEBOOK_TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def in_words(limit: str) -> str:
    """A limit setting as people say it: "30/hour" as "30 an hour", "100/5 minutes" as "100 every 5 minutes"."""
    item: RateLimitItem = parse_many(limit)[0]
    unit = item.GRANULARITY.name
    if item.multiples > 1:
        return f"{item.amount} every {item.multiples} {unit}s"
    return f"{item.amount} {'an' if unit == 'hour' else 'a'} {unit}"


def _uploader() -> str:
    return f"user:{current_user.pk}" if current_user.is_authenticated else f"address:{client_address()}"


def _api_caller() -> str:
    """The token's name, so each system has its own allowance whatever its address; a call without a live
    token counts against its address instead."""
    token = presented_token()
    return f"token:{token.name}" if token is not None else f"address:{client_address()}"


def _sends_no_file() -> bool:
    return not request.files


UPLOADS = ApplicationLimit(
    limit_provider=_setting("UPLOAD_LIMIT_PER_USER"), key_function=_uploader, scope="uploads",
    exempt_when=_sends_no_file, error_message=lambda: (
        f"You have sent too many files: the limit is {in_words(current_app.config['UPLOAD_LIMIT_PER_USER'])}. "
        "Wait a while and try again."))

# The counters' storage each init_app made in this process, to close at exit (close_counters).
_storages: list = []

limiter = Limiter(client_address, application_limits=[UPLOADS], strategy="fixed-window", headers_enabled=True,
                  key_prefix="casebook")


def sign_in_limited(view, methods: tuple[str, ...] = ("POST",)):
    """Limit sign-in attempts (POSTs, or the `methods` given) from one client address, and from everyone
    together."""
    per_address = limiter.limit(_setting("LOGIN_LIMIT_PER_ADDRESS"), methods=list(methods), scope="address",
                                error_message="Too many attempts from your network. Wait a minute and try again.")
    overall = limiter.limit(_setting("LOGIN_LIMIT_OVERALL"), key_func=lambda: "everyone", methods=list(methods),
                            scope="everyone", error_message="Too many people are signing in just now. Wait a "
                                                            "minute and try again.")
    return overall(per_address(view))


def sso_limited(view):
    """Limit single sign-on's steps (its start, and the return from the provider: both GETs) as sign-in attempts
    are limited."""
    return sign_in_limited(view, methods=("GET",))


def api_limited(blueprint) -> None:
    """Limit every call to `blueprint` per API token."""
    limiter.limit(_setting("API_LIMIT_PER_TOKEN"), key_func=_api_caller, error_message=lambda: (
        f"Too many requests with this token: the limit is {in_words(current_app.config['API_LIMIT_PER_TOKEN'])}. "
        "Wait for the number of seconds in Retry-After and try again."))(blueprint)


def init_app(app) -> None:
    """Check the limit settings and count in the app's database (`RATELIMIT_STORAGE_URI`, set by create_app)."""
    for name in SETTINGS:
        try:
            parse_many(app.config[name])
        except ValueError:
            raise RuntimeError(f"{name}: {app.config[name]!r} is not a rate limit; write it like 20/minute or "
                               "300/hour (see README, Configuration).") from None
    app.config["RATELIMIT_STORAGE_OPTIONS"] = {
        "database_name": app.config["MONGODB_DB"], "counter_collection_name": "rate_limits",
        "window_collection_name": "rate_limit_windows"}
    limiter.init_app(app)
    limiter.storage.check()     # connect and index the counters now, not on the first limited request
    _storages.append(limiter.storage)


@atexit.register
def close_counters() -> None:
    """Close the counters' database connections while the process can still start threads. Left to the storage's
    `__del__` as the interpreter shuts down, closing a client whose server has already stopped hangs for ever:
    pymongo starts a thread to look for the server, and no thread can start then. Runs at exit, and in the tests
    before they stop their embedded database (a pytest run without workers never ended)."""
    while _storages:
        _storages.pop().storage.close()
