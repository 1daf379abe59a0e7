"""Build the Casebook app: configuration, extensions, blueprints, error pages and commands."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask, abort, jsonify, make_response, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints import limits, rendering, sessions
from blueprints.access import CACHEABLE, access_rule, public
from blueprints.fields import WholeNumber
from casework.sso import OPTIONAL as SSO_OPTIONAL
from casework.sso import REQUIRED as SSO_REQUIRED
from casework.sso import sso_settings
from documents import User, ensure_indexes
from documents.connection import connect_database, database_uri
from documents.user import use_password_method
from services import clock
from services.kept import mark_kept_if_empty
from services.settings import DEFAULT_TIME_ZONE, Settings, retention_days

login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
])

def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _settings_from_environment() -> dict:
    env = os.environ
    settings = {
        "MONGODB_URI": env.get("MONGODB_URI") or None,
        "MONGODB_DB": env.get("MONGODB_DB", "casebook"),
        "DATA_DIR": env.get("DATA_DIR", "data"),
        "DEMO_MODE": _flag(env.get("CASEBOOK_DEMO"), False),
        "SESSION_COOKIE_SECURE": _flag(env.get("CASEBOOK_SECURE_COOKIES"), True),
        "ORGANISATION_NAME": env.get("CASEBOOK_ORG_NAME", "Example Health and Care Trust"),
        "TIME_ZONE": env.get("CASEBOOK_TIME_ZONE", DEFAULT_TIME_ZONE),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("SMTP_PORT") or 25),
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _flag(env.get("SMTP_STARTTLS"), False),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT") or 10),
        "MAIL_FROM": env.get("MAIL_FROM", "casebook@example.org"),
        "BASE_URL": env.get("CASEBOOK_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
    }
    if env.get("CASEBOOK_IMPORT_RETENTION_DAYS"):
        settings["IMPORT_RETENTION_DAYS"] = env["CASEBOOK_IMPORT_RETENTION_DAYS"]
    for name in ("LOGIN_SLOW_AFTER", "LOGIN_LOCK_AFTER", "LOGIN_LOCK_MINUTES"):
        if env.get(name):
            settings[name] = int(env[name])
    for name in limits.SETTINGS:
        if env.get(name):
            settings[name] = env[name].strip()
    for name, variable in (("SESSION_IDLE_MINUTES", "CASEBOOK_IDLE_MINUTES"),
                           ("SESSION_MAX_HOURS", "CASEBOOK_SESSION_HOURS")):
        if env.get(variable):
            settings[name] = int(env[variable])
    if env.get("CASEBOOK_TRUSTED_PROXIES"):
        settings["TRUSTED_PROXIES"] = int(env["CASEBOOK_TRUSTED_PROXIES"])
    if env.get("SECRET_KEY"):
        settings["SECRET_KEY"] = env["SECRET_KEY"]
    if env.get("CASEBOOK_RUN_JOBS"):                    # background jobs (README, Background jobs)
        settings["RUN_JOBS"] = _flag(env["CASEBOOK_RUN_JOBS"], True)
    for name, variable, kind in (("JOB_LEASE_SECONDS", "CASEBOOK_JOB_LEASE_SECONDS", float),
                                 ("JOB_ATTEMPTS", "CASEBOOK_JOB_ATTEMPTS", int)):
        if env.get(variable):
            settings[name] = kind(env[variable])
    for name in (*SSO_REQUIRED, *SSO_OPTIONAL):         # single sign-on (README, Single sign-on)
        if env.get(name):
            settings[name] = env[name]
    return settings


def _demo_secret_key(data_dir: str) -> str:
    """In demo mode only: a random key kept in DATA_DIR, shared by every worker and restart."""
    path = Path(data_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(overrides: dict | None = None) -> Flask:
    """Defaults, then the environment, then `overrides` (tests)."""
    app = Flask(__name__)
    # A path with "//" (an encoded "/" in an id) is not redirected to a merged path: it matches no route, so
    # the API answers it in JSON and pages with "not found".
    app.url_map.merge_slashes = False
    app.config.from_mapping(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024, SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=8,
        LOGIN_SLOW_AFTER=3, LOGIN_LOCK_AFTER=10, LOGIN_LOCK_MINUTES=15, PAGE_SIZE=50,
        LOGIN_LIMIT_PER_ADDRESS="20/minute", LOGIN_LIMIT_OVERALL="300/minute", API_LIMIT_PER_TOKEN="600/minute",
        UPLOAD_LIMIT_PER_USER="30/hour", TRUSTED_PROXIES=0, PASSWORD_HASH_METHOD="scrypt",
        RUN_JOBS=True, JOB_LEASE_SECONDS=60.0, JOB_ATTEMPTS=3, JOB_POLL_SECONDS=5.0,
    )
    app.config.from_mapping(_settings_from_environment())
    app.config.from_mapping(overrides or {})
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    # Each process serving requests also runs the jobs no process is running; not in tests, which run each job
    # within the request that starts it.
    app.config.setdefault("JOB_CLAIMER", app.config["RUN_JOBS"] and not app.testing)
    app.config.setdefault("JOBS_AT_ONCE", app.testing)   # tests: a job runs within the request that starts it
    if app.config["JOB_LEASE_SECONDS"] <= 0 or app.config["JOB_ATTEMPTS"] < 1:
        raise RuntimeError("CASEBOOK_JOB_LEASE_SECONDS is more than 0 and CASEBOOK_JOB_ATTEMPTS at least 1 (see "
                           "README, Background jobs).")
    if app.config["SESSION_IDLE_MINUTES"] < 1 or app.config["SESSION_MAX_HOURS"] < 1:
        raise RuntimeError("CASEBOOK_IDLE_MINUTES and CASEBOOK_SESSION_HOURS are at least 1 (see README, "
                           "Configuration).")
    app.config["WTF_CSRF_TIME_LIMIT"] = app.config["SESSION_MAX_HOURS"] * 3600     # a form lasts as long as a session
    if not app.config.get("SECRET_KEY"):
        if not (app.config["DEMO_MODE"] or app.testing):
            raise RuntimeError("SECRET_KEY is not set. Set it to a long random value (see README, Configuration).")
        app.config["SECRET_KEY"] = _demo_secret_key(app.config["DATA_DIR"])
    try:
        retention_days(app.config.get("IMPORT_RETENTION_DAYS"))
    except ValueError as error:
        raise RuntimeError(f"CASEBOOK_IMPORT_RETENTION_DAYS: {error} (see README, Configuration).") from None
    try:
        use_password_method(app.config["PASSWORD_HASH_METHOD"])
    except ValueError as error:
        raise RuntimeError(f"PASSWORD_HASH_METHOD: {error}") from None
    try:
        sso_settings(app.config)
    except ValueError as error:
        raise RuntimeError(str(error)) from None
    try:
        clock.set_time_zone(Settings.from_config(app.config).time_zone)
    except ValueError as error:
        raise RuntimeError(f"CASEBOOK_TIME_ZONE: {error} (see README, Configuration).") from None

    uri = database_uri(app.config["MONGODB_URI"], app.config["DATA_DIR"])
    connect_database(uri, app.config["MONGODB_DB"])
    ensure_indexes()
    mark_kept_if_empty()     # a new database: what it will keep is kept in Casebook's shape from the start
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])   # type: ignore[method-assign]

    app.url_map.converters["int"] = WholeNumber
    login_manager.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = uri
    limits.init_app(app)
    sessions.init_app(app)       # before CSRFProtect: an ended session is sent to sign in, not told its form expired
    csrf.init_app(app)
    htmx.init_app(app)
    rendering.register_filters(app)
    _register_blueprints(app)
    _register_guards(app)
    _register_error_pages(app)
    return app


@login_manager.user_loader
def _load_user(session_id: str):
    return User.of_session(session_id)


login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.session_protection = "strong"


def _register_blueprints(app: Flask) -> None:
    from blueprints import (
        absences,
        account,
        api,
        auth,
        cases,
        commands,
        dashboard,
        datafix,
        dpo,
        employees,
        hierarchy,
        home,
        hr,
        imports,
        jobs,
        letters_admin,
        menu,
        notify,
        passwords,
        policies,
        reason_codes,
        reports,
        sso,
        tasks,
        team,
        tokens,
        triggers,
        two_factor,
        users,
    )
    for module in (absences, account, api, auth, cases, commands, dashboard, datafix, dpo, employees, hierarchy, home,
                   hr, imports, letters_admin, menu, notify, policies, reason_codes, reports, tasks, team, triggers,
                   users, two_factor, tokens, passwords, sso, jobs):
        app.register_blueprint(module.bp)
    from blueprints import user_admin
    app.register_blueprint(user_admin.bp)
    from blueprints import guide
    app.register_blueprint(guide.bp)
    csrf.exempt(api.bp)
    app.view_functions["static"] = public(app.view_functions["static"])


def _register_guards(app: Flask) -> None:
    @app.before_request
    def refuse_undeclared_routes():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is not None and access_rule(view) is None:
            abort(403)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint not in CACHEABLE:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Something in the request was not right", "Go back, check what you entered and try again."),
        401: ("Sign in to continue", "Your session has ended. Sign in again."),
        403: ("You cannot open this page",
              "Your role does not give access to it. Ask an administrator if you need it."),
        404: ("Page not found", "It may have moved, or you may not have access to it."),
        405: ("That action is not available here", "Go back and try again."),
        413: ("The file is too large", "Choose a smaller file."),
        429: ("Too many attempts", "Wait a minute and try again."),
        500: ("Sorry, something went wrong", "Nothing was changed. Try again; if it keeps happening, tell support."),
    }

    def render_error(code: int, detail: str | None = None):
        title, advice = messages[code]
        return render_template("error.html", title=title, advice=detail or advice, code=code), code

    def api_error(code: int, error):
        """Under /api/ every error is JSON with a message: the one given to abort(), else the page's title."""
        response = jsonify(error=vars(error).get("description") or messages[code][0] + ".")
        if code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response, code

    for code in messages:
        app.register_error_handler(code, lambda error, code=code: api_error(code, error)
                                   if request.path.startswith("/api/") else render_error(code))
    def too_many(error):
        """A rate limit met: its own words. An htmx request leaves the page as it is (nothing swapped, nothing
        typed lost) and the words go to the message area (static/js/casebook.js)."""
        if request.path.startswith("/api/"):
            return api_error(429, error)
        response = make_response(render_error(429, error.description))
        if request.headers.get("HX-Request") == "true":
            response.headers["HX-Reswap"] = "none"
            response.headers["HX-Trigger-After-Swap"] = json.dumps({"casebook:problem": error.description})
        return response

    app.register_error_handler(429, too_many)      # replaces the page the loop above gave 429
    app.register_error_handler(CSRFError, lambda error: render_error(
        400, "The form had expired or was not sent from Casebook. Reload the page and try again."))
