"""Who did something, by name: the actors a page shows (audit entries, notes' authors, flags, task assignees,
letters, uploads…) in words, with one query for the logins among them, however many entries name them.
"""
from __future__ import annotations

from collections.abc import Iterable

import mongoengine as me

from casework.people import actor_words, login_in
from documents.employee import Employee
from documents.user import User

# The fields of documents and their embedded parts that name who did something (or who holds a task).
ACTOR_FIELDS = frozenset({
    "actor", "author", "assignee", "by", "raised_by", "resolved_by", "arranged_by", "notes_by", "cancelled_by",
    "decided_by", "recorded_by", "associated_by", "completed_by", "imported_by", "confirmed_by", "corrected_by",
    "set_by", "created_by", "uploaded_by",
})


def names_for(actors: Iterable[str | None], employees: bool = False) -> dict[str, str]:
    """Each of `actors` in words (`casework.people.actor_words`): a login's name, read with one query for all
    the logins they name (none when they name none); a login no longer known stays its e-mail, or with
    `employees` takes the name of the employee with that e-mail (one more query, only when one is missing)."""
    wanted = {actor for actor in actors if actor}
    logins = sorted({login for actor in wanted if (login := login_in(actor))})
    names = {user.email: user.name for user in User.objects(email__in=logins).only("email", "name")} if logins else {}
    missing = [login for login in logins if login not in names]
    if employees and missing:
        names.update({person.email: person.name for person in Employee.objects(email__in=missing).only(
            "email", "first_name", "last_name")})
    return {actor: actor_words(actor, names) for actor in wanted}


def name_of(actor: str) -> str:
    """One actor in words, for words a service writes down (a stage's reason, a case's closing reason): the
    audit entry beside them keeps the login itself."""
    return names_for([actor]).get(actor, actor)


def actors_in(*found) -> set[str]:
    """Every actor named in `found` (documents, their embedded parts, lists of them) and in their embedded
    parts: the strings of the fields in ACTOR_FIELDS. Reads nothing from the database."""
    actors: set[str] = set()
    waiting = list(found)
    while waiting:
        item = waiting.pop()
        if isinstance(item, (list, tuple)):
            waiting.extend(item)
        elif isinstance(item, (me.Document, me.EmbeddedDocument)):
            for name in item._fields:
                value = getattr(item, name, None)
                if name in ACTOR_FIELDS and isinstance(value, str):
                    actors.add(value)
                elif isinstance(value, (list, me.EmbeddedDocument)):
                    waiting.append(value)
    return actors


def names_in(*found) -> dict[str, str]:
    """`names_for` every actor in `found` (`actors_in`): what a page passes its templates as `names`."""
    return names_for(actors_in(*found))
