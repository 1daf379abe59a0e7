"""An attendance policy as data: trigger rules, pattern concerns, the long-term threshold,
the stage ladders and the sick-pay scheme, loaded from TOML or a dict and checked key by key.

Every number the engine uses comes from here; `casework/presets/*.toml` holds the policies
Casebook ships. A policy is frozen once loaded: a case records the `key` and `revision` it
was opened under.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import pathlib
import tomllib

from casework.calendar import rolling_window
from casework.ladders import LTS_STAGES, STS_STAGES, Ladder, read_ladder
from casework.policy_reader import PolicyError, Reader, where
from casework.reasons import REASON_CATEGORIES

PRESETS = pathlib.Path(__file__).parent / "presets"
REASONS = tuple(REASON_CATEGORIES)
FLAGS = ("pregnancy_related", "disability_related")
MEASURES = ("occasions", "working_days", "bradford")
COUNTS = ("short_term", "long_term", "all")
REASON_ACTIONS = ("oh_referral",)

@dataclasses.dataclass(frozen=True)
class Window:
    """A rolling window of whole months or whole weeks ending on the evaluation date, both ends included."""

    months: int | None = None
    weeks: int | None = None

    def span(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the window ending on `as_of`."""
        if self.weeks:
            return as_of - dt.timedelta(weeks=self.weeks) + dt.timedelta(days=1), as_of
        return rolling_window(as_of, self.months or 0)

    @property
    def words(self) -> str:
        """'12 months' or '52 weeks'."""
        count, unit = (self.weeks, "week") if self.weeks else (self.months, "month")
        return f"{count} {unit}{'' if count == 1 else 's'}"


@dataclasses.dataclass(frozen=True)
class Counting:
    """Which absences a rule counts: short-term, long-term or all, less excluded reasons and flags."""

    absences: str = "short_term"
    exclude_reasons: tuple[str, ...] = ()
    exclude_flags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Trigger:
    """A short-term trigger: `measure` at or above `threshold` (up to `up_to` for a band) in a window
    leads to `stage`. Working-day thresholds may be pro-rated to the employee's week; occasions never."""

    key: str
    title: str
    measure: str
    threshold: float
    window: Window
    counting: Counting
    stage: str
    prorate: bool = False
    up_to: float | None = None
    per_working_week: bool = False

    def threshold_for(self, days_per_week: int, full_time_days: int) -> float:
        """The threshold for someone working `days_per_week`: threshold × days ÷ a full-time week when pro-rated;
        threshold × their days a week when it is given in working weeks (`per_working_week`: "2 working weeks"
        is 10 days for a 5-day week, 6 for a Tue–Thu week)."""
        if self.per_working_week:
            return self.threshold * days_per_week
        if self.prorate:
            return self.threshold * days_per_week / full_time_days
        return self.threshold


@dataclasses.dataclass(frozen=True)
class ReasonTrigger:
    """An absence for `reason` overlapping the window is a trigger on its own, leading to `action`."""

    reason: str
    title: str
    action: str
    window: Window


@dataclasses.dataclass(frozen=True)
class PatternRule:
    """A concern (never a stage) when `occasions` or more absences of at most `max_working_days` of the
    employee's working days start on the first or end on the last working day of their week (`week_edges`)
    or sit next to a bank holiday."""

    occasions: int
    window: Window
    counting: Counting
    week_edges: bool = True
    bank_holidays: bool = True
    max_working_days: int = 2


@dataclasses.dataclass(frozen=True)
class ShortTermRules:
    """The short-term ladder, the letter sent on improvement and how long a lapsed warning may be referred to."""

    ladder: Ladder
    improved_letter: str
    lapsed_warning_referable_months: int


@dataclasses.dataclass(frozen=True)
class RepeatedLongTerm:
    """Several long-term absences in a rolling window (`spells` or more) call for the short-term procedure to be
    considered (the council's paragraph 17): a task for the manager, never a stage by itself."""

    spells: int
    window: Window
    title: str


@dataclasses.dataclass(frozen=True)
class LongTermRules:
    """When an absence becomes long-term (after `after_calendar_days`, or a shorter number per reason),
    when OH referral is due, when the statutory sick pay notice is due, and the long-term ladder."""

    ladder: Ladder
    after_calendar_days: int
    after_calendar_days_by_reason: tuple[tuple[str, int], ...]
    oh_referral_after_days: int
    ssp_notice_weeks: int
    repeated: RepeatedLongTerm | None = None

    def after_days(self, reason: str) -> int:
        """How many calendar days an absence for `reason` may last before it is long-term."""
        return dict(self.after_calendar_days_by_reason).get(reason, self.after_calendar_days)

    @property
    def definition(self) -> str:
        """The one definition of long-term, in words: 'an absence of over 28 calendar days (over 14 for
        mental health)'. The trigger engine and the board report both count by it."""
        by_reason = "; ".join(f"over {days} for {REASON_CATEGORIES[reason].lower()}"
                              for reason, days in self.after_calendar_days_by_reason)
        return f"an absence of over {self.after_calendar_days} calendar days" + (f" ({by_reason})" if by_reason else "")


@dataclasses.dataclass(frozen=True)
class SickPayBand:
    """From `completed_years` (or `completed_months`) of service: months of full pay and of half pay."""

    completed_years: int
    full_pay_months: int
    half_pay_months: int
    completed_months: int = 0

    @property
    def service_months(self) -> int:
        """The completed months of service the band starts from (12 a year)."""
        return self.completed_years * 12 + self.completed_months

    @property
    def service(self) -> str:
        """The service the band starts from in words: '4 months'' or '1 year''."""
        count, unit = ((self.completed_years, "year") if self.completed_years or not self.completed_months
                       else (self.completed_months, "month"))
        return f"{count} {unit}{'' if count == 1 else 's'}'"


@dataclasses.dataclass(frozen=True)
class SickPay:
    """An occupational sick-pay scheme: entitlement by completed years of service, less sickness in the
    `lookback_months` before the first day of absence."""

    scheme: str
    lookback_months: int
    bands: tuple[SickPayBand, ...]

    def band_for(self, completed_months: int) -> SickPayBand:
        """The entitlement for someone with `completed_months` of service on the first day of absence."""
        return [band for band in self.bands if band.service_months <= completed_months][-1]

    def band_after(self, band: SickPayBand) -> SickPayBand | None:
        """The next band up from `band`, None for the last."""
        later = [other for other in self.bands if other.service_months > band.service_months]
        return later[0] if later else None


@dataclasses.dataclass(frozen=True)
class CareRules:
    """Looking after someone who is off: the days of absence they are to be in touch on (day 1 is the first,
    calendar days), the day of absence a fit note is needed by and the days before it they certify themselves,
    and the working days back by which the return-to-work interview is ideally, and at the latest, held."""

    contact_days: tuple[int, ...]
    fit_note_from_day: int
    self_certified_days: int
    rtw_ideal_day: int
    rtw_latest_day: int
    stated: bool = True  # False: the version has no [care] section (stored before it had one): Casebook's defaults


# The care rules of a version stored before policies stated them: contact on days 1, 4 and 8, a fit note from day 8
# after 7 self-certified days (the statutory rule), the interview on the first working day back, at the latest the
# third. The policy page says they are Casebook's defaults, not the version's.
CARE_NOT_STATED = CareRules((1, 4, 8), 8, 7, 1, 3, stated=False)


@dataclasses.dataclass(frozen=True)
class Policy:
    """A whole attendance policy."""

    key: str
    name: str
    revision: int
    full_time_days_per_week: int
    triggers: tuple[Trigger, ...]
    reason_triggers: tuple[ReasonTrigger, ...]
    pattern: PatternRule | None
    sts: ShortTermRules
    lts: LongTermRules
    sick_pay: SickPay | None
    care: CareRules
    description: str = ""
    adjusted_thresholds: bool = False   # HR may raise a trigger's threshold for one employee (pertinent factors)


def load_policy(data: dict) -> Policy:
    """The policy in `data` (parsed TOML or a dict); PolicyError naming every offending key otherwise."""
    reader = Reader()
    top = reader.table(data, "", ("key", "name", "revision", "description", "full_time_days_per_week", "triggers",
                                  "reason_triggers", "pattern", "sts", "lts", "sick_pay", "care",
                                  "adjusted_thresholds"))
    sts = _short_term(reader, _section(reader, top, "sts"))
    policy = Policy(
        key=reader.text(top, "", "key") or "", name=reader.text(top, "", "name") or "",
        revision=int(reader.number(top, "", "revision", whole=True) or 0),
        full_time_days_per_week=int(reader.number(top, "", "full_time_days_per_week", whole=True) or 1),
        triggers=tuple(_trigger(reader, item, path, sts.ladder) for path, item in reader.tables(top, "", "triggers")),
        reason_triggers=tuple(_reason_trigger(reader, item, path)
                              for path, item in reader.tables(top, "", "reason_triggers", required=False)),
        pattern=_pattern(reader, top["pattern"]) if "pattern" in top else None,
        sts=sts, lts=_long_term(reader, _section(reader, top, "lts")),
        sick_pay=_sick_pay(reader, top["sick_pay"]) if "sick_pay" in top else None,
        care=_care(reader, top["care"]) if "care" in top else CARE_NOT_STATED,
        description=reader.text(top, "", "description", "") or "",
        adjusted_thresholds=reader.flag(top, "", "adjusted_thresholds"))
    if policy.full_time_days_per_week > 7:
        reader.problem("full_time_days_per_week", "must be 7 or fewer")
    keys = [trigger.key for trigger in policy.triggers]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            reader.problem(f"triggers[{index}].key", f"{key!r} is already the key of an earlier trigger")
    if reader.problems:
        raise PolicyError(reader.problems)
    return policy


def load_policy_file(path: str | pathlib.Path) -> Policy:
    """The policy in the TOML file at `path`; PolicyError when it is not valid TOML or not a valid policy."""
    try:
        data = tomllib.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PolicyError([f"{pathlib.Path(path).name}: not valid TOML ({error})"]) from None
    return load_policy(data)


@functools.lru_cache(maxsize=None)
def load_preset(key: str) -> Policy:
    """The preset policy called `key` (e.g. "council-2019"); KeyError naming the presets when there is none."""
    path = PRESETS / f"{key}.toml"
    if key not in _preset_keys():
        raise KeyError(f"No preset called {key!r}; the presets are {', '.join(_preset_keys())}.")
    return load_policy_file(path)


def presets() -> tuple[Policy, ...]:
    """Every preset policy, by key."""
    return tuple(load_preset(key) for key in _preset_keys())


def _preset_keys() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in PRESETS.glob("*.toml")))


def _section(reader: Reader, top: dict, key: str) -> dict:
    if reader.missing(top, "", key, True):
        return {}
    return top[key] if isinstance(top[key], dict) else reader.table(top[key], key, ())


def _window(reader: Reader, data: dict, path: str) -> Window:
    months = reader.number(data, path, "months", whole=True, required=False)
    weeks = reader.number(data, path, "weeks", whole=True, required=False)
    if ("months" in data) == ("weeks" in data):
        reader.problem(where(path, "months"), "give the window in months or in weeks (one of them)")
    return Window(int(months) if months else None, int(weeks) if weeks and not months else None)


def _counting(reader: Reader, data: dict, path: str) -> Counting:
    return Counting(reader.text(data, path, "counts", "short_term", choices=COUNTS) or "short_term",
                    reader.texts(data, path, "exclude_reasons", choices=REASONS),
                    reader.texts(data, path, "exclude_flags", choices=FLAGS))


_TRIGGER_KEYS = ("key", "title", "measure", "threshold", "up_to", "months", "weeks", "counts", "exclude_reasons",
                 "exclude_flags", "prorate", "per_working_week", "stage")


def _trigger(reader: Reader, item: dict, path: str, ladder: Ladder) -> Trigger:
    data = reader.table(item, path, _TRIGGER_KEYS)
    measure = reader.text(data, path, "measure", choices=MEASURES) or "occasions"
    threshold = reader.number(data, path, "threshold") or 1
    up_to = reader.number(data, path, "up_to", required=False)
    if up_to is not None and up_to < threshold:
        reader.problem(where(path, "up_to"), f"must be at least the threshold ({threshold:g})")
    prorate = reader.flag(data, path, "prorate")
    if prorate and measure != "working_days":
        reader.problem(where(path, "prorate"), f"only working-day thresholds are pro-rated, not {measure}")
    per_week = reader.flag(data, path, "per_working_week")
    if per_week and measure != "working_days":
        reader.problem(where(path, "per_working_week"), f"only working-day thresholds are given in working weeks, "
                                                        f"not {measure}")
    elif per_week and prorate:
        reader.problem(where(path, "per_working_week"), "give the threshold in working weeks or pro-rate it, not both")
    stage = reader.text(data, path, "stage", required=False) or (ladder.first.key if ladder.stages else "")
    if ladder.stages and ladder.rank(stage) < 0:
        reader.problem(where(path, "stage"), f"unknown stage key {stage!r}: the stages are {', '.join(ladder.keys())}")
    return Trigger(reader.text(data, path, "key") or "", reader.text(data, path, "title") or "", measure, threshold,
                   _window(reader, data, path), _counting(reader, data, path), stage, prorate, up_to, per_week)


def _reason_trigger(reader: Reader, item: dict, path: str) -> ReasonTrigger:
    data = reader.table(item, path, ("reason", "title", "action", "months", "weeks"))
    return ReasonTrigger(reader.text(data, path, "reason", choices=REASONS) or "",
                         reader.text(data, path, "title") or "",
                         reader.text(data, path, "action", choices=REASON_ACTIONS) or "", _window(reader, data, path))


def _pattern(reader: Reader, section: object) -> PatternRule:
    data = reader.table(section, "pattern", ("occasions", "months", "weeks", "counts", "exclude_reasons",
                                             "exclude_flags", "week_edges", "bank_holidays", "max_working_days"))
    return PatternRule(int(reader.number(data, "pattern", "occasions", whole=True) or 1),
                       _window(reader, data, "pattern"), _counting(reader, data, "pattern"),
                       reader.flag(data, "pattern", "week_edges", True),
                       reader.flag(data, "pattern", "bank_holidays", True),
                       _pattern_length(reader, data))


def _pattern_length(reader: Reader, data: dict) -> int:
    """The most working days an absence may last to count towards the pattern; 2 for a policy stored before the
    presets said so (the number they all give)."""
    return int(reader.number(data, "pattern", "max_working_days", 2, whole=True))


def _short_term(reader: Reader, section: dict) -> ShortTermRules:
    data = reader.table(section, "sts", ("improved_letter", "lapsed_warning_referable_months", "stages"))
    return ShortTermRules(read_ladder(reader, data, "sts", STS_STAGES),
                          reader.text(data, "sts", "improved_letter") or "",
                          int(reader.number(data, "sts", "lapsed_warning_referable_months", whole=True) or 0))


def _long_term(reader: Reader, section: dict) -> LongTermRules:
    data = reader.table(section, "lts", ("after_calendar_days", "after_calendar_days_by_reason",
                                         "oh_referral_after_days", "ssp_notice_weeks", "stages", "repeated"))
    by_reason = reader.table(data.get("after_calendar_days_by_reason", {}), "lts.after_calendar_days_by_reason",
                             REASONS)
    return LongTermRules(
        read_ladder(reader, data, "lts", LTS_STAGES),
        int(reader.number(data, "lts", "after_calendar_days", whole=True) or 1),
        tuple((reason, int(reader.number(by_reason, "lts.after_calendar_days_by_reason", reason, whole=True) or 1))
              for reason in sorted(by_reason)),
        int(reader.number(data, "lts", "oh_referral_after_days", whole=True) or 1),
        int(reader.number(data, "lts", "ssp_notice_weeks", whole=True) or 1),
        _repeated(reader, data["repeated"]) if "repeated" in data else None)


def _repeated(reader: Reader, section: object) -> RepeatedLongTerm:
    path = "lts.repeated"
    data = reader.table(section, path, ("spells", "months", "weeks", "title"))
    spells = int(reader.number(data, path, "spells", whole=True) or 2)
    if spells < 2:
        reader.problem(where(path, "spells"), "must be 2 or more: one long-term absence is the long-term procedure")
    return RepeatedLongTerm(spells, _window(reader, data, path), reader.text(data, path, "title") or "")


def _sick_pay(reader: Reader, section: object) -> SickPay:
    data = reader.table(section, "sick_pay", ("scheme", "lookback_months", "bands"))
    bands = []
    for path, item in reader.tables(data, "sick_pay", "bands"):
        band = reader.table(item, path, ("completed_years", "completed_months", "full_pay_months", "half_pay_months"))
        service = "completed_months" if "completed_months" in band else "completed_years"
        if "completed_months" in band and "completed_years" in band:
            reader.problem(path, "give completed_years or completed_months, not both")
        numbers = {key: int(reader.number(band, path, key, whole=True, zero=True) or 0)
                   for key in (service, "full_pay_months", "half_pay_months")}
        bands.append(SickPayBand(numbers.get("completed_years", 0), numbers["full_pay_months"],
                                 numbers["half_pay_months"], numbers.get("completed_months", 0)))
    months = [band.service_months for band in bands]
    if bands and (months[0] != 0 or months != sorted(set(months))):
        reader.problem("sick_pay.bands", "must start at 0 completed years (or months) and rise band by band")
    return SickPay(reader.text(data, "sick_pay", "scheme") or "",
                   int(reader.number(data, "sick_pay", "lookback_months", whole=True) or 12), tuple(bands))


def _care(reader: Reader, section: object) -> CareRules:
    data = reader.table(section, "care", ("contact_days", "fit_note_from_day", "self_certified_days",
                                          "rtw_ideal_day", "rtw_latest_day"))
    days = data.get("contact_days")
    if reader.missing(data, "care", "contact_days", True):
        days = []
    elif (not isinstance(days, list) or not days
          or any(isinstance(day, bool) or not isinstance(day, int) or day < 1 for day in days)):
        reader.problem("care.contact_days", "must be a list of days of absence, 1 for the first, e.g. [1, 4, 8]")
        days = []
    elif days != sorted(set(days)):
        reader.problem("care.contact_days", "must rise day by day, each day once")
    read = {key: reader.number(data, "care", key, whole=True)
            for key in ("fit_note_from_day", "self_certified_days", "rtw_ideal_day", "rtw_latest_day")}
    fit_note, certified = read["fit_note_from_day"], read["self_certified_days"]
    if fit_note and certified and certified >= fit_note:
        reader.problem("care.self_certified_days", f"must be fewer than fit_note_from_day ({fit_note:g})")
    ideal, latest = read["rtw_ideal_day"], read["rtw_latest_day"]
    if ideal and latest and latest < ideal:
        reader.problem("care.rtw_latest_day", f"must be at least rtw_ideal_day ({ideal:g})")
    whole = {key: int(value or 1) for key, value in read.items()}
    return CareRules(tuple(days), whole["fit_note_from_day"], whole["self_certified_days"], whole["rtw_ideal_day"],
                     whole["rtw_latest_day"])
