"""A case's history as its page and its chronology show it: each audit entry in words (`casework.history`), with
people by name and absences by their dates, read without a query an entry.

The dates of absences are found when the page is read, not stored with the entries: the case's own stages keep a
snapshot (with its first day) of every absence associated with them, so most ids need no read at all; the ids a
later association replaced are read in one query of at most a page of ids (`MOST_READ`), first days only. Names
come from the page's own names, with one more query only for logins that only the entries' details name (a task's
assignee, an invitation's recipients).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from bson import ObjectId

from casework.history import Known, Told, told
from documents.absence import Absence
from documents.case import Case
from services.reads.people import names_for

MOST_READ = 50      # absence ids read for one page's history, at most: a page, as the lists read
NAMED_IN_DETAIL = ("assignee", "sent_to", "to_retry", "cannot_send_to")


@dataclasses.dataclass(frozen=True)
class HistoryLine:
    """One change to the case, in words: when, by whom, and what."""

    at: dt.datetime
    who: str
    told: Told


def case_history(case: Case, names: dict[str, str], titles: dict[str, str], medical: bool) -> list[HistoryLine]:
    """The case's audit entries in words, oldest first, leaving out those that changed nothing. `names` are the
    page's (actor → words), `titles` the policy's stage titles, `medical` whether the reader may read the
    employee's medical detail."""
    known = history_known(case, names, titles, medical)
    lines = []
    for entry in case.audit:
        said = told(entry.action, entry.before or {}, entry.after or {}, entry.reason, known)
        if said is not None:
            lines.append(HistoryLine(entry.at, known.who(entry.actor), said))
    return lines


def history_known(case: Case, names: dict[str, str], titles: dict[str, str], medical: bool) -> Known:
    """What the words of the case's entries need: names (those of `names`, and the logins the entries' details
    name), and the first day of every absence the entries name."""
    first_days = {str(snapshot.absence_id): snapshot.first_day for stage in case.stages
                  for snapshot in stage.associated}
    named: set[str] = set()
    wanted: list[str] = []
    for entry in case.audit:
        for values in (entry.before or {}, entry.after or {}):
            for key in NAMED_IN_DETAIL:
                found = values.get(key)
                named.update(found if isinstance(found, list) else [found] if isinstance(found, str) else [])
            wanted += [absence for absence in values.get("associated") or [] if absence not in first_days]
    missing = [actor for actor in named if actor not in names]
    names = {**names, **names_for(missing, employees=True)} if missing else names
    ids = [ObjectId(absence) for absence in dict.fromkeys(wanted) if ObjectId.is_valid(absence)][:MOST_READ]
    if ids:
        first_days.update({str(absence.pk): absence.first_day
                           for absence in Absence.objects(pk__in=ids).only("id", "first_day")})
    return Known(names=names, first_days=first_days, titles=titles, medical=medical)
