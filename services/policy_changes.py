"""What a new policy version changes, in words an administrator checks before storing and activating it: the
titles and description that still state a number the form changed (with the new wording where it is certain),
each setting that differs from the version in force, and activation from a later day.

Which version is in force on a day is decided by `casework.policy_timeline`; the numbers themselves by
`services.policies.settings`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools

from casework.absences import long_date
from casework.policy_reader import where
from casework.policy_timeline import Scheduled, in_force, still_to_come
from casework.policy_wording import mentions, number_words, renumbered
from documents.base import utcnow
from documents.policy import Handover
from documents.policy import Policy as PolicyDocument
from services import clock
from services.errors import Refused
from services.jobs import Host
from services.policies import Setting, Text, activate, handover_words, plain, settings, texts
from services.triggers import install_presets


@dataclasses.dataclass(frozen=True)
class Ask:
    """Words that still state a number the form changed: what to tell the administrator, and the same words with
    the new numbers when that is certain (else None)."""

    text: Text
    message: str
    suggestion: str | None


@dataclasses.dataclass(frozen=True)
class Change:
    """One setting or wording that differs between the version in force and another."""

    group: str
    label: str
    before: object
    after: object


def words_to_check(old: dict, new: dict, description_checked: bool = False) -> list[Ask]:
    """The titles and description of `new` left as they were in `old` that still state a number the form
    changed: a title for the numbers of its own rule, the description for any (unless `description_checked`:
    the administrator said it is still right)."""
    before = {setting.path: setting.value for setting in settings(old)}
    changed = [(setting, before[setting.path]) for setting in settings(new)
               if setting.path in before and before[setting.path] != setting.value]
    was = {text.path: text.value for text in texts(old)}
    asks = []
    for text in texts(new):
        if was.get(text.path) != text.value or (text.path == ("description",) and description_checked):
            continue
        own = [(setting, old_value) for setting, old_value in changed
               if text.path == ("description",) or setting.path[:2] == text.path[:2]]
        stated = [(setting, old_value) for setting, old_value in own if mentions(text.value, old_value)]
        if stated:
            asks.append(_ask(text, stated))
    return asks


def _ask(text: Text, stated: list[tuple[Setting, int | float]]) -> Ask:
    what = "; ".join(f"{setting.label.lower()} is now {number_words(setting.value)}, not "
                     f"{number_words(old)}" for setting, old in stated)
    if text.path == ("description",):
        return Ask(text, f"The description still says {number_words(stated[0][1])}, but the {what}: update it, or "
                         "tick “The description is still right”.", None)
    suggestion = renumbered(text.value, {old: setting.value for setting, old in stated})
    return Ask(text, f"The title still says {number_words(stated[0][1])}, but the {what}: check the new title"
                     f"{' (changed to match)' if suggestion else ''} and save again.", suggestion)


def changes_against(base: dict, rules: dict) -> list[Change]:
    """Each name, wording and main number of `rules` that differs from `base` (the version in force), in the
    order the form shows them."""
    old = _described(base)
    new = _described(rules)
    found = [Change(group, label, old.get(path, (None, None, None))[2], value)
             for path, (group, label, value) in new.items() if old.get(path, (None, None, None))[2] != value]
    found += [Change(group, label, value, None) for path, (group, label, value) in old.items() if path not in new]
    return found


def labels(rules: dict) -> dict[str, str]:
    """Each name an audit entry of `rules` gives a changed setting or wording (`triggers[0]/threshold`), in words:
    "Threshold (Trigger: 4 or more occasions in 12 months)"."""
    return {functools.reduce(where, path, "").replace(".", "/"): label if group == "The whole policy" else
            f"{label} ({group})" for path, (group, label, _) in _described(rules).items()}


def _described(rules: dict) -> dict[tuple, tuple[str, str, object]]:
    rules = plain(rules)
    described = {("name",): ("The whole policy", "Name", rules["name"])}
    for item in [*texts(rules), *settings(rules)]:
        described[item.path] = (item.group, item.label, item.value)
    return described


@dataclasses.dataclass(frozen=True)
class Standing:
    """The version in force today and the versions scheduled to take effect later, soonest first."""

    in_force: tuple[str, int]
    to_come: list[Scheduled]

    def version_in_force(self) -> PolicyDocument:
        """The stored version in force."""
        return PolicyDocument.objects.get(key=self.in_force[0], revision=self.in_force[1])

    def starts_on(self, key: str, revision: int) -> dt.date | None:
        """The day `key` revision `revision` is scheduled to take effect, or None."""
        return next((item.starts_on for item in self.to_come if (item.key, item.revision) == (key, revision)), None)


def standing(today: dt.date | None = None) -> Standing:
    """Which version is in force `today` (the clock's unless given) and which are still to take effect."""
    today = today or clock.today()
    active, scheduled = PolicyDocument.standing()
    if active is None:
        document = install_presets()
        active = (document.key, document.revision)
    return Standing(in_force(active, scheduled, today), still_to_come(scheduled, today))


def activate_from(document: PolicyDocument, actor: str, host: Host, starts_on: dt.date | None = None) -> list:
    """Activate `document` at once (no `starts_on`, or today: every schedule is cancelled; see
    `services.policies.activate`, which returns the versions it replaced) or from a later day (`schedule`)."""
    if starts_on is not None and starts_on != clock.today():
        schedule(document, starts_on, actor)
        return []
    clear_schedules(actor, document)
    return activate(PolicyDocument.objects.get(pk=document.pk), actor, host)


def schedule(document: PolicyDocument, starts_on: dt.date, actor: str) -> None:
    """Make `document` take effect from `starts_on`, a day after today, with an audit entry on it and on the active
    version (which keeps the hand-over): from that day scans, evaluations and new cases use it; until then the
    version in force stays in force."""
    today = clock.today()
    if starts_on <= today:
        raise Refused("The day it takes effect must be after today; to activate it today, leave the day empty.",
                      field="starts_on")
    if standing(today).in_force == (document.key, document.revision):
        raise Refused("This version is already in force.", field="starts_on")
    active = PolicyDocument.objects.get(active=True)
    label = f"{document.key} revision {document.revision}"
    earlier = [item for item in active.handovers if (item.key, item.revision) == (document.key, document.revision)]
    before = {"takes_effect_on": _day_words(earlier[0].starts_on) if earlier else "not scheduled"}
    active.handovers = [item for item in active.handovers if item not in earlier] + [Handover(
        key=document.key, revision=document.revision, starts_on=dt.datetime.combine(starts_on, dt.time()),
        at=utcnow())]
    active.record(actor, "hand-over scheduled", {label: before["takes_effect_on"]}, {label: _day_words(starts_on)})
    active.save_checked()
    if document.pk != active.pk:
        document.record(actor, "scheduled to take effect", before, {"takes_effect_on": _day_words(starts_on)})
        document.save_checked()


def clear_schedules(actor: str, replaced_by: PolicyDocument) -> None:
    """Cancel every hand-over the active version holds (a version activated at once replaces them all), with an
    audit entry on it and on each version that was to take over."""
    active = PolicyDocument.objects(active=True).first()
    if active is None or not active.handovers:
        return
    instead = f"{replaced_by.key} revision {replaced_by.revision}"
    _cancel(active.handovers, actor, instead, active)
    active.record(actor, "hand-overs cancelled", {"handovers": handover_words(active.handovers)},
                  {"handovers": "none", "replaced_by": instead})
    active.handovers = []
    active.save_checked()


def take_over(actor: str, host: Host, today: dt.date | None = None) -> PolicyDocument | None:
    """Make the version scheduled to take effect on or before `today` (the clock's unless given) the active one for
    real, as activating it at once does (`services.policies.activate`: its audit entries, the version it replaces
    switched off, the kept figures rebuilt when it defines long-term absence otherwise), the reason naming its day.
    The hand-overs still to come stay scheduled; one for an earlier day that a later one overtook (no run in
    between) is cancelled. Returns the version that took over, or None when none was due; run again, it does
    nothing. The nightly scan runs it first (`services.scan_jobs.run_everyone_scan`)."""
    today = today or clock.today()
    active, scheduled = PolicyDocument.standing()
    due = [item for item in scheduled if item.starts_on <= today]
    if active is None or not due:
        return None
    key, revision = in_force(active, scheduled, today)
    document = PolicyDocument.objects.get(key=key, revision=revision)
    starts_on = max(item.starts_on for item in due if (item.key, item.revision) == (key, revision))
    holder = PolicyDocument.objects.get(active=True)
    _cancel([item for item in due if (item.key, item.revision) != (key, revision)], actor,
            f"{key} revision {revision}", holder)
    reason = f"scheduled to take effect on {_day_words(starts_on)}"
    to_come = [Handover(key=item.key, revision=item.revision, starts_on=dt.datetime.combine(item.starts_on, dt.time()),
                        at=item.at) for item in still_to_come(scheduled, today)]
    if document.active:     # scheduled again while another was in force, and back in force before any run
        document.record(actor, "hand-over made", {"handovers": handover_words(document.handovers)},
                        {"handovers": handover_words(to_come) or "none"}, reason)
        document.handovers = to_come
        document.save_checked()
    else:
        document.handovers = to_come
        activate(document, actor, host, reason)
    return document


def _cancel(items, actor: str, instead: str, holder: PolicyDocument) -> None:
    """An audit entry on each version `items` scheduled (but `holder`, the active one) saying its schedule is
    cancelled: `instead` replaces it."""
    for item in items:
        scheduled = PolicyDocument.objects(key=item.key, revision=item.revision).first()
        if scheduled is not None and scheduled.pk != holder.pk:
            scheduled.record(actor, "schedule cancelled", {"takes_effect_on": _day_words(item.starts_on)},
                             {"takes_effect_on": "not scheduled", "replaced_by": instead})
            scheduled.save_checked()


def _day_words(day: dt.date | dt.datetime | None) -> str:
    return long_date(day) if day else ""
