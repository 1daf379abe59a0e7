"""The Users page: finding logins, making one, giving it roles, HR divisions, an assignment and the authority to
dismiss, switching it off and on, and sending set-password links, one or to every login awaiting its first
sign-in. Each change is audited on the login (who, when, before and after) through services/accounts.py or the
login's own transitions; every read is an indexed one, a page at a time.
"""
from __future__ import annotations

import dataclasses

from bson import ObjectId
from mongoengine.errors import ValidationError

from documents.base import AuditEntry, field_errors, utcnow
from documents.employee import Employee
from documents.password_link import PasswordLink
from documents.user import ROLES, User
from services import accounts
from services.errors import Refused
from services.mail import MailSettings

BATCH = 200            # logins read at a time by the bulk sending of links
MOST_LINKS = 200       # links one bulk sending sends at most (a request's worth); the page says how many still wait
_TAKEN = ("sent",)
LOGINS_COUNTED = 1000  # logins the Users list counts at most ("more than 1,000"): a bounded read, not every login


def find_logins(words: str, role: str, division: str, state: str = ""):
    """The logins in name order whose name or e-mail address has words starting with each of `words`, holding
    `role` and HR division `division` and in `state` (each when given): indexed reads, for a page at a time."""
    logins = User.with_words(words).exclude("audit", "password_hash")
    if role in ROLES:
        logins = logins.filter(roles=role)
    if division:
        logins = logins.filter(hr_divisions=division)
    if state == "active":
        logins = logins.filter(active=True)
    elif state == "awaiting":
        logins = logins.filter(awaiting_first_sign_in=True)
    elif state == "off":
        logins = logins.filter(active=False, awaiting_first_sign_in=False)
    return logins.order_by("name")


def held_divisions() -> list[str]:
    """The HR divisions some login holds, for filtering the list (read from the logins, not the employees): only
    the logins holding a division, by the (hr_divisions, name) index."""
    return sorted(division for division in User.objects(__raw__={"hr_divisions": {"$gt": ""}}).distinct(
        "hr_divisions") if division)


def holders(numbers: list[str]) -> dict[str, str]:
    """{assignment number: the employee's name} for the few numbers of one page of logins."""
    return {employee.assignment_number: employee.name for employee in Employee.objects(
        assignment_number__in=[number for number in numbers if number]).only(
        "assignment_number", "first_name", "last_name")}


@dataclasses.dataclass(frozen=True)
class NewLogin:
    """What an administrator enters to make a login."""

    email: str
    name: str
    roles: list[str]
    hr_divisions: list[str]
    assignment_number: str | None
    may_dismiss: bool


def create_login(new: NewLogin, actor: str) -> User:
    """A new login without a password, awaiting its first sign-in (by single sign-on or a set-password link).
    Refused beside the field for an address already used, an unknown role or division, or a manager without an
    assignment number, an unknown one or one linked to another login."""
    _check_divisions(new.hr_divisions)
    if new.assignment_number:
        _check_assignment_free(new.assignment_number, None)
    user = User(email=new.email, name=new.name.strip(), roles=new.roles, hr_divisions=new.hr_divisions,
                assignment_number=new.assignment_number or None, may_dismiss=new.may_dismiss, active=False,
                awaiting_first_sign_in=True)
    return accounts.save_new_login(user, actor)


def set_access(email: str, roles: list[str], hr_divisions: list[str], actor: str, version: int | None) -> User:
    """Give the login these roles and HR divisions (chosen from the hierarchy's); its sessions end."""
    _check_divisions(hr_divisions)
    return accounts.set_roles(email, roles, actor, hr_divisions, version=version)


def link_assignment(email: str, assignment_number: str, actor: str, version: int | None) -> User:
    """Link the login to its holder's own assignment (an empty number unlinks it; a manager cannot be unlinked).
    Refused for a number the hierarchy does not hold, or one linked to another login (naming both)."""
    user = _login(email)
    number = assignment_number.strip()
    if number:
        _check_assignment_free(number, user)
    try:
        user.change(actor, "assignment linked" if number else "assignment unlinked",
                    lambda user: user.link_to_assignment(number), version=version)
    except ValidationError as error:
        raise Refused.naming(field_errors(error)) from None
    return user


def send_link(email: str, actor: str, settings: MailSettings) -> bool:
    """E-mail the login a new set-password link; whether the mail server took it."""
    return accounts.send_link(email, "set", actor, settings).status in _TAKEN


@dataclasses.dataclass(frozen=True)
class Sent:
    """What a bulk sending of links did: how many the mail server took, how many failed, how many still wait,
    and how many were passed over because their last link still works."""

    sent: int
    failed: int
    left: int
    live: int = 0


def awaiting_count() -> int:
    """How many logins await their first sign-in (counted on their index)."""
    return User.objects(awaiting_first_sign_in=True).count()


def send_links_to_awaiting(division: str, actor: str, settings: MailSettings) -> Sent:
    """Send a set-password link to every login awaiting its first sign-in (of `division` when given: an HR
    advisor's division, or that of the employee the login is linked to) whose last link no longer works, at most
    MOST_LINKS, so sending again goes on to the others: read BATCH at a time in id order, by the index on those
    awaiting, each login's links by their index."""
    in_division = _assignments_of(division) if division else None
    sent = failed = left = live = 0
    after = None
    while True:
        query = {"awaiting_first_sign_in": True, **({"_id": {"$gt": after}} if after else {})}
        batch = list(User._get_collection().find(query, {"email": 1, "assignment_number": 1, "hr_divisions": 1})
                     .sort("_id", 1).limit(BATCH))
        for row in batch:
            if in_division is not None and division not in row.get("hr_divisions", ()) and \
                    row.get("assignment_number") not in in_division:
                continue
            if PasswordLink.objects(user=row["_id"], used_at=None, expires_at__gt=utcnow()).only("id").first():
                live += 1
            elif sent + failed >= MOST_LINKS:
                left += 1
            elif send_link(row["email"], actor, settings):
                sent += 1
            else:
                failed += 1
        if len(batch) < BATCH:
            return Sent(sent, failed, left, live)
        after = batch[-1]["_id"]


def _assignments_of(division: str) -> set[str]:
    """The assignment numbers of a division's staff (one indexed read of one field)."""
    return {row["assignment_number"] for row in Employee._get_collection().find(
        {"division": division}, {"assignment_number": 1, "_id": 0})}


@dataclasses.dataclass(frozen=True)
class HistoryLine:
    """One audit entry of a login as its page shows it, with the name of who made the change when known."""

    entry: AuditEntry
    who: str


def history(user: User) -> list[HistoryLine]:
    """The login's audit entries, newest first, each naming who made it (their name, when they have a login)."""
    actors = {entry.actor for entry in user.audit}
    emails = [actor for actor in actors if "@" in actor and " " not in actor]
    names = {found.email: found.name for found in User.objects(email__in=emails).only("email", "name")}
    return [HistoryLine(entry, f"{names[entry.actor]} ({entry.actor})" if entry.actor in names else entry.actor)
            for entry in reversed(user.audit)]


def login_by_id(login_id: str) -> User | None:
    """The login with this id, or None (also for an id that is not one)."""
    return User.objects(pk=login_id).first() if ObjectId.is_valid(login_id) else None


def _login(email: str) -> User:
    user = User.objects(email=email).first()
    if user is None:
        raise Refused(f"No login for {email}.", "email")
    return user


def _check_divisions(divisions: list[str]) -> None:
    unknown = sorted(division for division in set(divisions)    # one indexed read a division
                     if Employee.objects(division=division).only("id").first() is None)
    if unknown:
        raise Refused(f"The hierarchy has no division {', '.join(unknown)}: choose from those it has.",
                      "hr_divisions")


def _check_assignment_free(number: str, user: User | None) -> None:
    employee = Employee.objects(assignment_number=number).only("first_name", "last_name").first()
    if employee is None:
        raise Refused(f"No employee has the assignment number {number}.", "assignment_number")
    other = User.objects(assignment_number=number, pk__ne=user.pk if user else None).only("email").first()
    if other is not None:
        raise Refused(f"{number} ({employee.name}) is already linked to the login {other.email}.",
                      "assignment_number")
