"""Where flags go by e-mail: saving the routing settings and telling a flag's recipients.

"Not my report" notifies the hierarchy administrator and the division's HR team; "wrong stage" the
division's HR team. A notice names the employee and the stage, never a comment or medical detail.
"""
from __future__ import annotations

import re

import mongoengine as me

from documents.base import StaleEditError
from documents.case import FLAG_WORDS, Case, Flag
from documents.employee import Employee
from documents.notification import Notification
from documents.routing import DivisionRoute, Routing
from services.errors import Refused
from services.mail import MailSettings
from services.notifications import send_notice

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MESSAGE = "Enter an e-mail address like name@example.org."


def known_divisions() -> list[str]:
    """Every division with employees or saved settings, sorted."""
    saved = Routing.current()
    return sorted(set(Employee.objects.distinct("division")) | {route.name for route in (saved.divisions if saved
                                                                                          else [])} - {""})


def routing_problems(hierarchy_admin_email: str, divisions: list[tuple[str, str]]) -> dict[str, str]:
    """{field: message} for the settings: each address an e-mail address, each division named once. Fields
    are named as the form names them: hierarchy_admin_email, divisions-<i>-name, divisions-<i>-hr_email."""
    problems, seen = {}, set()
    if hierarchy_admin_email and not EMAIL.fullmatch(hierarchy_admin_email):
        problems["hierarchy_admin_email"] = EMAIL_MESSAGE
    for index, (name, email) in enumerate(divisions):
        if email and not EMAIL.fullmatch(email):
            problems[f"divisions-{index}-hr_email"] = EMAIL_MESSAGE
        if email and not name:
            problems[f"divisions-{index}-name"] = "Enter the division's name, or clear its e-mail address."
        elif name and name.lower() in seen:
            problems[f"divisions-{index}-name"] = f"{name} is listed twice."
        if len(name) > 200 or len(email) > 200:
            problems[f"divisions-{index}-name"] = "Use at most 200 characters."
        seen.add(name.lower())
    return problems


def save_routing(actor: str, hierarchy_admin_email: str, divisions: list[tuple[str, str]],
                 version: int | None = None) -> bool:
    """Save the hierarchy administrator's address and each division's HR team address (a division without
    one is left out), with an audit entry of what changed. False when nothing changed.

    Raises Refused naming each field that is wrong (nothing saved) and StaleEditError when `version`
    is given and someone else saved the settings since."""
    hierarchy_admin_email = (hierarchy_admin_email or "").strip()
    divisions = [((name or "").strip(), (email or "").strip()) for name, email in divisions]
    problems = routing_problems(hierarchy_admin_email, divisions)
    if problems:
        raise Refused.naming(problems)
    document = Routing.current() or Routing()
    if version is not None and version != document.version:
        raise StaleEditError()
    before = document.settings()
    document.hierarchy_admin_email = hierarchy_admin_email or None
    document.divisions = [DivisionRoute(name=name, hr_email=email) for name, email in sorted(divisions) if email]
    after = document.settings()
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    if not changed and document.pk:
        return False
    document.record(actor, "routing changed", {key: before.get(key) for key in changed},
                    {key: after.get(key) for key in changed})
    try:
        document.save_checked()
    except me.NotUniqueError:
        raise StaleEditError() from None
    return True


def flag_recipients(kind: str, division: str) -> list[str]:
    """Who hears of a flag: the division's HR team, and for "not my report" the hierarchy administrator."""
    routing = Routing.current()
    if routing is None:
        return []
    found = [routing.hr_email(division)]
    if kind == "not_my_report":
        found.append(routing.hierarchy_admin_email)
    return [email for email in found if email]


def notify_flag(case: Case, flag: Flag, settings: MailSettings) -> list[Notification]:
    """E-mail a notice of a flag just raised to whoever its kind goes to; one the mail server does not take
    now is kept and sent by `notify send`."""
    recipients = flag_recipients(flag.kind, case.division)
    if not recipients:
        return []
    employee = Employee.objects(pk=case.employee).only("first_name", "last_name", "assignment_number").first()
    who = f"{employee.name} ({employee.assignment_number})" if employee else case.assignment_number
    words = FLAG_WORDS[flag.kind]
    kind = "long-term" if case.kind == "LTS" else "short-term"
    lines = [f"{flag.raised_by} flagged {who}'s {kind} case ({case.division}, stage {flag.stage_key}) "
             f"as “{words}”.",
             f"The case: {settings.base_url}/cases/{case.pk}",
             f"Resolve the flag and say what was done (kept in the case history): {settings.base_url}/hr/flags"]
    return send_notice(recipients, f"Casebook: {words}: {who}", lines, f"flag:{case.pk}:{flag.id}", settings)
