"""Manager logins from the staff hierarchy: which logins an employee import makes, links, stands down or gives
back, given the employees as the import leaves them and the logins that exist.

Pure: people and logins come in as plain values. A supervisor in post is someone in post whom at least one
employee in post reports to. Each of them with an e-mail address gets a manager login linked to their assignment
number, unless one is linked already; a login with their address and no assignment number is linked instead,
and one with their address linked to another assignment is a conflict for an administrator to settle. A manager
login of someone who has left, or who supervises nobody in post, is stood down: switched off, or, when it holds
another role too, only its manager role removed. A login the import stood down whose holder supervises again is
given back: the manager role returns, and a login it switched off waits for a first sign-in again.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Iterable, Mapping

KINDS = ("make", "link", "give_back", "switch_off", "remove_manager", "conflict")
# What an import report calls each kind of change, before and after it is applied:
HEADINGS = {"make": ("Manager logins to make", "Manager logins made"),
            "link": ("Logins to link to their assignment", "Logins linked to their assignment"),
            "give_back": ("Logins to give back", "Logins given back"),
            "switch_off": ("Logins to switch off", "Logins switched off"),
            "remove_manager": ("Manager roles to remove", "Manager roles removed"),
            "conflict": ("Logins to settle by hand", "Logins to settle by hand")}


@dataclasses.dataclass(frozen=True)
class Person:
    """An employee as the import leaves them."""

    assignment_number: str
    name: str
    email: str | None
    supervisor: str | None
    in_post: bool


@dataclasses.dataclass(frozen=True)
class Login:
    """What the plan needs of an existing login."""

    email: str
    assignment_number: str | None
    roles: tuple[str, ...]
    active: bool
    awaiting_first_sign_in: bool
    stood_down_by_import: bool

    @property
    def working(self) -> bool:
        """Signs in now, or will at its first sign-in."""
        return self.active or self.awaiting_first_sign_in


@dataclasses.dataclass(frozen=True)
class LoginChange:
    """One change to a login: its `kind` (see KINDS), the login's address, the assignment and its holder's name,
    and why, in words."""

    kind: str
    email: str
    assignment_number: str
    name: str
    why: str


def supervisors_in_post(people: Mapping[str, Person]) -> set[str]:
    """The assignment numbers of everyone in post whom at least one employee in post reports to."""
    supervised = {person.supervisor for person in people.values() if person.in_post and person.supervisor}
    return {number for number in supervised if number in people and people[number].in_post}


def plan_manager_logins(people: Mapping[str, Person], logins: Iterable[Login]) -> list[LoginChange]:
    """The login changes that follow from `people` ({assignment_number: Person}), given the existing `logins`,
    in one pass over each; supervisors first by assignment number, then the logins to stand down."""
    logins = list(logins)
    supervisors = supervisors_in_post(people)
    linked: dict[str, list[Login]] = defaultdict(list)
    for login in logins:
        if login.assignment_number:
            linked[login.assignment_number].append(login)
    by_email = {login.email: login for login in logins}
    wanted = Counter(people[number].email for number in supervisors if people[number].email)
    changes = []
    for number in sorted(supervisors):
        person = people[number]
        if linked.get(number):
            changes += [LoginChange("give_back", login.email, number, person.name, _given_back_why(login))
                        for login in linked[number] if login.stood_down_by_import]
        elif person.email:
            changes.append(_new_or_linked(person, by_email.get(person.email), wanted[person.email]))
    for login in logins:
        holder = people.get(login.assignment_number or "")
        if "manager" in login.roles and login.working and holder and holder.assignment_number not in supervisors:
            why = "has left" if not holder.in_post else "supervises nobody in post"
            kind = "remove_manager" if set(login.roles) - {"manager"} else "switch_off"
            changes.append(LoginChange(kind, login.email, holder.assignment_number, holder.name, why))
    return changes


def _new_or_linked(person: Person, same_address: Login | None, supervisors_with_address: int) -> LoginChange:
    email, number, name = person.email or "", person.assignment_number, person.name
    if supervisors_with_address > 1:
        return LoginChange("conflict", email, number, name,
                           f"{supervisors_with_address} supervisors in post have the e-mail address {email}")
    if same_address is None:
        return LoginChange("make", email, number, name, "supervises staff in post")
    if same_address.assignment_number is None:
        return LoginChange("link", email, number, name, "supervises staff in post; the login has this address")
    return LoginChange("conflict", email, number, name,
                       f"the login {email} is linked to assignment {same_address.assignment_number}")


def _given_back_why(login: Login) -> str:
    return "supervises staff in post again" + ("" if login.working else "; waits for a first sign-in")


def tally(changes: Iterable[LoginChange]) -> dict[str, int]:
    """How many changes of each kind, every kind named."""
    counted = Counter(change.kind for change in changes)
    return {kind: counted[kind] for kind in KINDS}
