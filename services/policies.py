"""Policy versions as admins handle them: every stored version with its open cases, a version's main
numbers as settings, a change stored as a new revision (a stored revision is never edited), activation,
and what a scan would do under another version.

Whether a policy is valid is decided by `casework.policy.load_policy`; this module reads, stores and compares.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import tomllib
from collections import Counter
from typing import Iterable

import tomli_w
from mongoengine.errors import NotUniqueError

from casework.absences import long_date
from casework.month_figures import long_term_alike
from casework.plain_words import title_case
from casework.policy import Policy, PolicyError, load_policy
from casework.policy_reader import where
from documents.base import StaleEditError
from documents.case import Case
from documents.employee import Employee
from documents.policy import Policy as PolicyDocument
from documents.policy import policy_rules
from services import clock
from services.errors import Refused
from services.figures import FIGURES_REBUILD
from services.jobs import Host, start
from services.triggers import active_policy, scan

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
# Far beyond any real policy; larger windows would reach back past the first day the calendar knows.
LARGEST = 10_000
RACE_MESSAGE = "Someone else stored a version of this policy at the same moment. Reload the page and try again."


@dataclasses.dataclass(frozen=True)
class Version:
    """One stored version, with how many cases not yet closed run under it."""

    document: PolicyDocument
    open_cases: int

    @property
    def created_at(self) -> dt.datetime | None:
        return self.document.audit[0].at if self.document.audit else None


def versions() -> list[tuple[str, list[Version]]]:
    """Every stored version grouped by key (keys in order, latest revision first); presets are installed first."""
    active_policy()
    counts = open_cases_by_version()
    groups: dict[str, list[Version]] = {}
    for document in PolicyDocument.objects.exclude("rules").order_by("key", "-revision"):
        groups.setdefault(document.key, []).append(Version(document, counts[(document.key, document.revision)]))
    return list(groups.items())


def open_cases_by_version() -> Counter:
    """{(policy key, revision): cases not closed} in one read."""
    rows = Case._get_collection().find({"status": {"$ne": "closed"}}, {"policy_key": 1, "policy_revision": 1})
    return Counter((row["policy_key"], row["policy_revision"]) for row in rows)


def stored(key: str, revision: int) -> PolicyDocument | None:
    """The stored version `key` revision `revision`, or None (presets are installed first)."""
    active_policy()
    return PolicyDocument.objects(key=key, revision=revision).first()


def rules_of(document: PolicyDocument) -> Policy:
    """The stored version's rules, loaded."""
    return load_policy(plain(document.rules))


def as_toml(document: PolicyDocument) -> str:
    """The stored version as a TOML file that uploads again as an equal policy."""
    return (f"# Casebook policy {document.key}, revision {document.revision}. Upload a changed copy to store a new "
            f"version.\n{tomli_w.dumps(plain(document.rules))}")


def read_toml(text: str) -> dict:
    """The policy table in `text`; Refused when it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _refused([f"file: not valid TOML ({error})"]) from None


def plain(value):
    """Stored rules as plain dicts and lists, detached from the document."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


@dataclasses.dataclass(frozen=True)
class Setting:
    """One number of a policy an admin may change in the form: where it sits in the rules and what it is called."""

    path: tuple
    group: str
    label: str
    value: int | float

    @property
    def key(self) -> str:
        """Its name as the policy's problems give it: `sts.stages[1].notice_days`."""
        return functools.reduce(where, self.path, "")

    @property
    def name(self) -> str:
        """Its form field name: `sts-stages-1-notice_days`."""
        return re.sub(r"[^a-z0-9_]+", "-", self.key).strip("-")


@dataclasses.dataclass(frozen=True)
class Text(Setting):
    """Words of a policy an admin may change in the form: a trigger's title, or the policy's description."""

    value: str   # type: ignore[assignment]


def texts(rules: dict) -> list[Text]:
    """The description and the titles of the triggers (which state their numbers), as the form shows them."""
    found = [Text(("description",), "The whole policy", "Description", rules["description"])] \
        if rules.get("description") else []
    for index, trigger in enumerate(rules["triggers"]):
        found.append(Text(("triggers", index, "title"), f"Trigger: {trigger['title']}", "Title", trigger["title"]))
    for index, rule in enumerate(rules.get("reason_triggers", [])):
        found.append(Text(("reason_triggers", index, "title"), f"Reason trigger: {rule['title']}", "Title",
                          rule["title"]))
    return found


def settings(rules: dict) -> list[Setting]:
    """The main numbers of `rules` (already valid), grouped as the form shows them."""
    found = [Setting(("full_time_days_per_week",), "The whole policy", "Working days in a full-time week",
                     rules["full_time_days_per_week"])]
    for index, trigger in enumerate(rules["triggers"]):
        group, path = f"Trigger: {trigger['title']}", ("triggers", index)
        label = "Threshold, in the employee's working weeks" if trigger.get("per_working_week") else "Threshold"
        found.append(Setting((*path, "threshold"), group, label, trigger["threshold"]))
        if "up_to" in trigger:
            found.append(Setting((*path, "up_to"), group, "Top of the band", trigger["up_to"]))
        found.append(_window(path, trigger, group))
    for index, rule in enumerate(rules.get("reason_triggers", [])):
        found.append(_window(("reason_triggers", index), rule, f"Reason trigger: {rule['title']}"))
    if "pattern" in rules:
        found.append(Setting(("pattern", "occasions"), "Pattern concern", "Occasions", rules["pattern"]["occasions"]))
        found.append(_window(("pattern",), rules["pattern"], "Pattern concern"))
        if "max_working_days" in rules["pattern"]:
            found.append(Setting(("pattern", "max_working_days"), "Pattern concern", "Most working days an absence "
                                 "may last to count", rules["pattern"]["max_working_days"]))
    found.append(Setting(("sts", "lapsed_warning_referable_months"), "Short-term ladder",
                         "Months a lapsed warning can still be referred to",
                         rules["sts"]["lapsed_warning_referable_months"]))
    found += _stages(rules["sts"]["stages"], "sts")
    lts = rules["lts"]
    for key, label in (("after_calendar_days", "Calendar days after which an absence is long-term"),
                       ("oh_referral_after_days", "Days after which occupational health is due"),
                       ("ssp_notice_weeks", "Weeks until the statutory sick pay notice")):
        found.append(Setting(("lts", key), "Long-term absence", label, lts[key]))
    for reason, days in lts.get("after_calendar_days_by_reason", {}).items():
        found.append(Setting(("lts", "after_calendar_days_by_reason", reason), "Long-term absence",
                             f"Long-term after (days) for {reason.replace('_', ' ')}", days))
    found += _stages(lts["stages"], "lts")
    if "sick_pay" in rules:
        found.append(Setting(("sick_pay", "lookback_months"), "Sick pay", "Months of sickness looked back on",
                             rules["sick_pay"]["lookback_months"]))
        for index, band in enumerate(rules["sick_pay"]["bands"]):
            service = (f"{band['completed_months']} months'" if "completed_months" in band
                       else f"{band['completed_years']} years'")
            for key in ("full_pay_months", "half_pay_months"):
                found.append(Setting(("sick_pay", "bands", index, key), "Sick pay",
                                     f"{key.split('_')[0].capitalize()} pay months from {service} service", band[key]))
    found += _care(rules["care"])
    return found


def _care(care: dict) -> list[Setting]:
    group = "Looking after someone who is off"
    return [Setting(("care", key), group, label, care[key]) for key, label in (
        ("fit_note_from_day", "Day of absence a fit note is needed by"),
        ("self_certified_days", "Days they certify themselves"),
        ("rtw_ideal_day", "Working day back the return-to-work interview is ideally held on"),
        ("rtw_latest_day", "Working day back the return-to-work interview is held by at the latest"))]


def _window(path: tuple, item: dict, group: str) -> Setting:
    unit = "months" if "months" in item else "weeks"
    return Setting((*path, unit), group, f"Window in {unit}", item[unit])


def _stages(stages: list, ladder: str) -> list[Setting]:
    found = []
    for index, stage in enumerate(stages):
        path = (ladder, "stages", index)
        group = f"{'Short' if ladder == 'sts' else 'Long'}-term stage: {title_case(stage['title'])}"
        found.append(Setting((*path, "review_weeks"), group, "Review period in weeks", stage.get("review_weeks", 0)))
        found.append(Setting((*path, "notice_days"), group, "Days of notice of the meeting",
                             stage.get("notice_days", 0)))
        if "warning" in stage:
            found.append(Setting((*path, "warning_months"), group, f"Months the {stage['warning']} warning stays live",
                                 stage["warning_months"]))
        if "papers_days_before" in stage:
            found.append(Setting((*path, "papers_days_before"), group, "Days before the meeting the papers go out",
                                 stage["papers_days_before"]))
        for appeal, words in (("appeal", "Appeal"), ("dismissal_appeal", "Appeal against dismissal")):
            if appeal in stage:
                for unit in ("weeks", "days"):
                    found.append(Setting((*path, appeal, unit), group, f"{words}: {unit} after the letter's date",
                                         stage[appeal].get(unit, 0)))
    return found


def with_values(rules: dict, values: dict[tuple, object]) -> dict:
    """A copy of `rules` with each value put at its path."""
    changed = plain(rules)
    for path, value in values.items():
        target = changed
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return changed


def problems(rules: dict) -> list[str]:
    """Every problem that stops `rules` being stored, each naming its key; none when they can be."""
    try:
        policy = load_policy(rules)
    except PolicyError as error:
        return list(error.problems)
    return _storage_problems(rules, policy)


def store_revision(rules: dict, actor: str, action: str, reason: str | None = None) -> PolicyDocument:
    """Store `rules` as a new, inactive revision of their key (the highest stored + 1, or 1 for a new key) with
    an audit entry of what changed against the latest revision; Refused listing every problem otherwise,
    and then nothing is stored."""
    found = problems(rules)
    if found:
        raise _refused(found)
    policy = load_policy(rules)
    latest = PolicyDocument.objects(key=policy.key).order_by("-revision").first()
    if latest is not None and dataclasses.replace(rules_of(latest), revision=policy.revision) == policy:
        raise _refused([f"{policy.key}: the same as revision {latest.revision}, so no new version was stored"])
    revision = latest.revision + 1 if latest else 1
    new_rules = {**plain(rules), "revision": revision}
    document = PolicyDocument(key=policy.key, revision=revision, name=policy.name, rules=new_rules, created_by=actor)
    document.record(actor, action, *_differences(plain(latest.rules) if latest else {}, new_rules), reason=reason)
    try:
        document.save_checked()
    except NotUniqueError:
        raise StaleEditError(RACE_MESSAGE) from None
    return document


def _refused(found: list[str]) -> Refused:
    """The refusal of a policy with the problems `found`, each naming its key."""
    return Refused("; ".join(found), problems=found)


def _storage_problems(rules: dict, policy: Policy) -> list[str]:
    found = []
    if not KEY_PATTERN.match(policy.key):
        found.append("key: must be up to 60 lower-case letters, digits and hyphens, starting with a letter or digit")
    if len(policy.name) > 200:
        found.append("name: must be 200 characters or fewer")
    return found + [f"{key}: must be {LARGEST:,} or less" for key, value in _numbers(rules, "") if value > LARGEST]


def _numbers(value, path: str) -> Iterable[tuple[str, float]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, where(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, where(path, index))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and path != "revision":
        yield path, value


def _differences(old: dict, new: dict) -> tuple[dict, dict]:
    """Before and after of the name and each main number that changed, and a note when anything else did."""
    if not old:
        return {}, {"key": new["key"], "revision": new["revision"], "name": new["name"]}
    before, after = _summary(old), _summary(new)
    changed = sorted(key for key in after.keys() | before.keys() if before.get(key) != after.get(key))
    # Stored field names may not hold dots.
    before = {key.replace(".", "/"): before[key] for key in changed if key in before}
    after = {key.replace(".", "/"): after[key] for key in changed if key in after}
    if not _only_numbers_differ(old, new):
        after["other settings"] = "changed: compare the two versions' TOML files"
    return before, after


def _summary(rules: dict) -> dict:
    return {"name": rules["name"], **{item.key: item.value for item in [*texts(rules), *settings(rules)]}}


def _only_numbers_differ(old: dict, new: dict) -> bool:
    numbers = {item.path: item.value for item in [*texts(new), *settings(new)] if _given(new, item.path)}
    try:
        patched = with_values(old, {**numbers, ("name",): new["name"], ("revision",): new["revision"]})
    except (KeyError, IndexError, TypeError):
        return False
    return patched == new


def _given(rules: dict, path: tuple) -> bool:
    """Whether the value at `path` is written in `rules` (rather than left to its default)."""
    target = rules
    for step in path[:-1]:
        target = target[step]
    return path[-1] in target


def activate(document: PolicyDocument, actor: str, host: Host, reason: str | None = None) -> list[PolicyDocument]:
    """Make `document` the one active version, with an audit entry (giving `reason`, when given) on it and on each
    version it replaces; return those. It is switched on before the others are switched off, so there is never
    none; a version switched off keeps no hand-over (only the active version's are read). When it defines
    long-term absence otherwise than the version it replaces or the one in force today, the kept absence figures
    are rebuilt in the background (`host` runs the job)."""
    if document.active:
        return []
    in_force = active_policy().lts
    replaced = list(PolicyDocument.objects(active=True, pk__ne=document.pk))
    long_term = policy_rules(document.key, document.revision).lts
    rebuild = any(not long_term_alike(before, long_term)
                  for before in [in_force, *(policy_rules(old.key, old.revision).lts for old in replaced)])
    document.active = True
    document.record(actor, "activated", {"active": False},
                    {"active": True, "replaces": ", ".join(f"{old.key} revision {old.revision}" for old in replaced),
                     **({"handovers": handover_words(document.handovers)} if document.handovers else {})}, reason)
    document.save_checked()
    for old in replaced:
        held = {"handovers": handover_words(old.handovers)} if old.handovers else {}
        old.active, old.handovers = False, []
        old.record(actor, "deactivated", {"active": True, **held},
                   {"active": False, "replaced_by": f"{document.key} revision {document.revision}",
                    **({"handovers": "none"} if held else {})}, reason)
        old.save_checked()
    if rebuild:
        start(FIGURES_REBUILD, {"as_of": clock.today().isoformat(), "check": False}, actor, host)
    return replaced


def handover_words(handovers: Iterable) -> str:
    """Hand-overs in words: "council-2019 revision 2 from 1 March 2027, …"."""
    return ", ".join(f"{item.key} revision {item.revision} from {long_date(item.starts_on)}"
                     for item in handovers)


@dataclasses.dataclass(frozen=True)
class Difference:
    """An employee for whom a scan would do something else under the candidate than under the active policy."""

    employee: Employee
    active: list
    candidate: list


@dataclasses.dataclass(frozen=True)
class Comparison:
    """What a scan of everyone in post would do on `as_of` under the active policy and under a candidate."""

    as_of: dt.date
    employees: int
    active_totals: Counter
    candidate_totals: Counter
    differences: list


def compare_activation(candidate: Policy, as_of: dt.date, actor: str) -> Comparison:
    """Dry-run scans of everyone in post under the active policy and under `candidate`; changes nothing.

    Employees with a live short-term case keep its version under both, as they would after activation."""
    now, then = scan(as_of, actor, apply=False), scan(as_of, actor, apply=False, active=candidate)
    current = {employee.pk: (employee, actions) for employee, actions in now.would}
    proposed = {employee.pk: (employee, actions) for employee, actions in then.would}
    differences = []
    for pk in current.keys() | proposed.keys():
        employee = (current.get(pk) or proposed[pk])[0]
        before, after = current.get(pk, (None, []))[1], proposed.get(pk, (None, []))[1]
        if _outline(before) != _outline(after):
            differences.append(Difference(employee, before, after))
    differences.sort(key=lambda difference: staff_order(difference.employee))
    return Comparison(as_of, now.employees, now.actions, then.actions, differences)


def _outline(actions: list) -> list[tuple]:
    return [(action.kind, action.stage) for action in actions]


def staff_order(employee: Employee) -> tuple:
    """How lists of staff are sorted: by division, then name."""
    return employee.division, employee.last_name, employee.first_name, employee.assignment_number
