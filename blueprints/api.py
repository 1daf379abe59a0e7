"""The JSON API other systems use (`/api/v1`, bearer tokens), and the `token` commands that issue the tokens."""
from __future__ import annotations

import datetime as dt
import getpass
import json

import click
from flask import Blueprint, abort, g, jsonify, request

from blueprints.access import api_token, note_refusal
from blueprints.command_line import one_line_reasons
from blueprints.limits import api_limited
from casework.absences import absence_length
from casework.calendar import OUT_OF_RANGE, WorkingPattern, in_range
from documents import Absence, ApiToken, Case, Employee, StaleEditError
from services import accounts, clock
from services.absences.recording import log_medical_reads
from services.imports.absences import import_absences
from services.triggers import evaluate_employee

bp = Blueprint("api", __name__, url_prefix="/api/v1", cli_group=None)
api_limited(bp)
MAX_ABSENCES = 10_000


@bp.route("/absences", methods=["POST"])
@api_token("write")
def upsert_absences():
    """Create or update absences from the absence system: all of them, or none when any is invalid."""
    body = _json_body()
    items = body.get("absences") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return _refused('Send a JSON object {"absences": [...]} with one object for each absence.')
    if len(items) > MAX_ABSENCES:
        return _refused(f"Send at most {MAX_ABSENCES} absences in one request.")
    shapeless = [{"index": index, "field": None, "message": "Each absence must be a JSON object of its columns."}
                 for index, item in enumerate(items) if not isinstance(item, dict)]
    if shapeless:
        return jsonify(errors=shapeless), 400
    # Without the medical scope a change of reason detail alone answers "unchanged" (and is still written).
    knows = None if "medical" in g.api_token.scopes else knows_no_detail
    try:
        result = import_absences(items, g.api_token.actor, "api", clock.today(), detail_known=knows,
                                 divisions=g.api_token.divisions)
    except StaleEditError as error:
        return jsonify(error=str(error)), 409
    if not result.applied:
        return jsonify(errors=[{"index": outcome.index, "field": field, "message": message}
                               for outcome in result.refused for field, message in outcome.errors.items()]), 400
    return jsonify({action: result.counts[action] for action in ("created", "updated", "unchanged")})


def knows_no_detail(employee) -> bool:
    """A token without the medical scope may know nobody's medical detail."""
    return False


@bp.route("/employees/<assignment_number>/absences")
@api_token("read")
def employee_absences(assignment_number: str):
    """An employee's sickness absences with their lengths; the reason's detail only for the medical scope."""
    employee = _employee_or_404(assignment_number)
    medical = "medical" in g.api_token.scopes
    hidden = ("audit", "contacts", "fit_notes") + (() if medical else ("reason_detail",))
    absences = list(Absence.objects(employee=employee.pk).exclude(*hidden).order_by("first_day"))
    pattern, today = WorkingPattern.for_employee(employee), clock.today()
    listed = [_absence(absence, pattern, today, medical) for absence in absences]
    if medical:
        log_medical_reads(g.api_token.actor, employee, [absence for absence in absences if absence.reason_detail],
                          f"API {request.method} {request.path}", what="reason detail")
    return jsonify(absences=listed)


@bp.route("/employees/<assignment_number>/evaluation")
@api_token("read")
def employee_evaluation(assignment_number: str):
    """The trigger engine's evaluation of one employee on `as_of` (default today); changes nothing."""
    employee = _employee_or_404(assignment_number)
    try:
        as_of = dt.date.fromisoformat(request.args.get("as_of") or clock.today().isoformat())
    except ValueError:
        abort(400, "as_of must be a date written YYYY-MM-DD.")
    if not in_range(as_of):
        abort(400, f"as_of: {OUT_OF_RANGE}")
    evaluation = evaluate_employee(employee, as_of)
    return jsonify(
        as_of=as_of.isoformat(),
        windows=[{"months": f.months, "weeks": f.weeks, "occasions": f.occasions, "working_days": f.working_days,
                  "fte_days": f.fte_days, "bradford": f.bradford} for f in evaluation.windows],
        fired=[{"rule": rule.rule, "explanation": rule.explanation} for rule in evaluation.fired],
        concerns=[{"kind": c.kind, "explanation": c.explanation, "dates": [d.isoformat() for d in c.dates]}
                  for c in evaluation.concerns],
        actions=[{"kind": a.kind, "reason": a.reason, "stage": a.stage} for a in evaluation.actions],
        adjusted_thresholds=[{"trigger": a.trigger, "threshold": a.threshold, "review_on": a.review_on.isoformat()}
                             for a in employee.adjusted_thresholds or []])


@bp.route("/employees/<assignment_number>/cases")
@api_token("read")
def employee_cases(assignment_number: str):
    """The employee's cases, oldest first: kind, status, stage, the stage history with the figures that
    triggered each stage, and the open tasks."""
    employee = _employee_or_404(assignment_number)
    cases = Case.objects(employee=employee.pk).exclude("audit", "notes", "migrated").order_by("opened_on", "id")
    return jsonify(cases=[_case(case) for case in cases])


def _refused(message: str):
    """A request refused as a whole: 400 with the message as `error`, and as the one item of `errors` (naming no
    absence and no field), so a client reading either finds it."""
    return jsonify(error=message, errors=[{"index": None, "field": None, "message": message}]), 400


def _json_body() -> object:
    """The request's JSON, or None when it is not JSON Casebook can read: not UTF-8, not JSON, nested too deep
    for the parser (which raises RecursionError, not ValueError), or holding a lone surrogate ("\\ud800": no
    character, and no text the database can store)."""
    try:
        body = json.loads(request.get_data(cache=False))
        json.dumps(body, ensure_ascii=False).encode()
    except (ValueError, RecursionError):   # UnicodeError is a ValueError
        return None
    return body


def _case(case: Case) -> dict:
    return {"id": str(case.pk), "kind": case.kind, "status": case.status, "paused": case.paused,
            "stage": case.stage, "policy": {"key": case.policy_key, "revision": case.policy_revision},
            "opened_on": _iso(case.opened_on), "closed_on": _iso(case.closed_on),
            "stages": [{"key": stage.key, "entered_on": _iso(stage.entered_on), "left_on": _iso(stage.left_on),
                        "associated_absence_ids": [snapshot.external_id or str(snapshot.absence_id)
                                                   for snapshot in stage.associated],
                        "outcome": _outcome(stage.outcome), "trigger_explanation": stage.trigger_explanation,
                        "trigger_figures": stage.trigger_figures or None} for stage in case.stages],
            "open_tasks": [{"id": task.id, "kind": task.kind, "title": task.title, "assignee": task.assignee,
                            "due_on": _iso(task.due_on)} for task in case.open_tasks()]}


def _outcome(outcome) -> dict | None:
    """What the stage decided, without the free-text summary (it may hold personal detail)."""
    if outcome is None:
        return None
    return {"kind": outcome.kind, "decided_on": _iso(outcome.decided_on), "review_date": _iso(outcome.review_date),
            "warning_level": outcome.warning_level, "warning_expires_on": _iso(outcome.warning_expires_on),
            "appeal_deadline": _iso(outcome.appeal_deadline)}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _employee_or_404(assignment_number: str) -> Employee:
    """The employee, when the token may see them (a token limited to divisions sees only theirs): else 404, as
    for one that does not exist."""
    employee = Employee.objects(assignment_number=assignment_number).exclude("audit").first()
    if employee is not None and not g.api_token.sees(employee.division):
        note_refusal("scope", employee.assignment_number, g.api_token.actor)
        employee = None
    if employee is None:
        abort(404, f"No employee has the assignment number {assignment_number}.")
    return employee


def _absence(absence: Absence, pattern: WorkingPattern, today: dt.date, medical: bool) -> dict:
    values = {"absence_id": absence.external_id, "first_day": absence.first_day.isoformat(),
              "last_day": absence.last_day.isoformat() if absence.last_day else None,
              "reason_category": absence.reason_category,
              **absence_length(absence.first_day, absence.last_day, pattern, today),
              "rtw_date": absence.rtw.held_on.isoformat() if absence.rtw else None}
    if medical:
        values["reason_detail"] = absence.reason_detail
    return values


@bp.cli.group("token")
def token():
    """API tokens for other systems: create, rotate, revoke, list."""


def _actor() -> str:
    return f"command by {getpass.getuser()}"


@token.command("create")
@click.argument("name")
@click.option("--scope", default="read", show_default=True, help="Comma-separated scopes: read, write, medical.")
@click.option("--days", default=accounts.DEFAULT_TOKEN_DAYS, show_default=True, type=int,
              help="How many days the token works (1 to 3650); a new token is needed after that.")
@click.option("--division", "divisions", multiple=True,
              help="Only the employees of this division; repeatable. Without it, every division.")
def create_token(name: str, scope: str, days: int, divisions: tuple[str, ...]):
    """Issue a token named NAME; the token is printed once, alone on the last line."""
    with one_line_reasons():
        document, secret = accounts.issue_token(name, [part.strip() for part in scope.split(",") if part.strip()],
                                                days, list(divisions), _actor())
    click.echo(f"Token {document.name} created with scope {','.join(document.scopes)} for "
               f"{_divisions(document)}, working until {document.expires_at:%Y-%m-%d %H:%M} UTC. Store it now: it "
               "cannot be shown again.")
    click.echo(secret)


@token.command("rotate")
@click.argument("name")
@click.option("--days", default=accounts.DEFAULT_TOKEN_DAYS, show_default=True, type=int,
              help="How many days the new secret works (1 to 3650).")
def rotate_token(name: str, days: int):
    """A new secret for the token NAME, with the same scopes and divisions; the old secret stops working at once.
    The new one is printed once, alone on the last line."""
    with one_line_reasons():
        document, secret = accounts.rotate_token(name, days, _actor())
    click.echo(f"Token {document.name} rotated: the old secret no longer works; the new one works until "
               f"{document.expires_at:%Y-%m-%d %H:%M} UTC. Store it now: it cannot be shown again.")
    click.echo(secret)


@token.command("revoke")
@click.argument("name")
def revoke_token(name: str):
    """Stop the token named NAME from working."""
    with one_line_reasons():
        accounts.revoke_token(name, _actor())
    click.echo(f"Token {name} revoked.")


@token.command("list")
def list_tokens():
    """Every token, one a line, tab-separated: its name, scopes, divisions, when it was created, when it expires,
    when it was last used, and its state (live, expired or revoked)."""
    for document in ApiToken.objects.exclude("audit").order_by("name"):
        state = f"revoked {document.revoked_at:%Y-%m-%d}" if document.revoked_at else document.state
        used = f"{document.last_used_at:%Y-%m-%d %H:%M}" if document.last_used_at else "never"
        expires = f"{document.expires_at:%Y-%m-%d}" if document.expires_at else "never"
        click.echo(f"{document.name}\t{','.join(document.scopes)}\t{_divisions(document)}\t"
                   f"created {document.created_at:%Y-%m-%d}\texpires {expires}\tlast used {used}\t{state}")


def _divisions(document: ApiToken) -> str:
    return ", ".join(document.divisions) if document.divisions else "every division"
