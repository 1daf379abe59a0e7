"""Who did something, in the words a page shows: a person's name for a login e-mail, and in words the other
actors that audit trails, notes and tasks record ("system", "api:NAME", "hr:DIVISION", "import:FILE by WHO",
"trigger scan by WHO", "command by WHO").

Pure: an actor string and the names of the logins it mentions in, words out. Finding the names is
`services.reads.people.names_for`.
"""
from __future__ import annotations

from collections.abc import Mapping

HR_QUEUE = "hr:"          # a task assignee standing for every HR advisor of the division that follows
API_TOKEN = "api:"        # an actor that is an API token, by its name
# Actors that are no one in particular.
FIXED = {"system": "Casebook", "demo": "the demo loader", "sso": "single sign-on"}
# What ran, in words: "KIND by WHO" and "KIND:FILE by WHO" (the import of a file, a data fix, a command).
RUNS = {"command": "command run", "datafix": "data fix"}
FROM_FILE = {"import": "import of {}", "datafix": "data fix from {}"}


def login_in(actor: str) -> str | None:
    """The login e-mail `actor` names (itself, or whoever ran "… by WHO"), or None when it names none."""
    who = actor.rpartition(" by ")[2]
    return who if "@" in who and not actor.startswith((HR_QUEUE, API_TOKEN)) else None


def actor_words(actor: str, names: Mapping[str, str]) -> str:
    """`actor` in words, with `names` (login e-mail → name) for the logins it names; a login without a name
    (removed, or never a login) stays its e-mail."""
    if actor in FIXED:
        return FIXED[actor]
    if actor.startswith(HR_QUEUE):
        return f"HR advisors, {actor[len(HR_QUEUE):]}"
    if actor.startswith(API_TOKEN):
        return f"API token {actor[len(API_TOKEN):]}"
    run, by, who = actor.rpartition(" by ")
    if not by:
        return names.get(actor) or actor
    kind, colon, file = run.partition(":")
    run = FROM_FILE[kind].format(file) if colon and kind in FROM_FILE else RUNS.get(run, run)
    return f"{run} by {names.get(who) or who}"
