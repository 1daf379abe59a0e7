"""The absence-system feed: reading one `absences.csv` row, and deciding what a batch of rows changes.

Pure: the employees and stored absences come in as values, `today` is a parameter.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Callable, Iterable, Mapping, Sequence

from casework.absences import Period, check_absence, long_date, overlapping, rtw_day_number
from casework.calendar import WorkingPattern
from casework.feed_dates import DAY_FIRST, DateOrder, date_order, feed_date
from casework.feed_files import lacking, text, yes_no
from casework.reason_codes import DEFAULT_MAPPING, PREGNANCY_CODES, accepted_reasons, esr_code
from casework.reasons import REASON_CATEGORIES

COLUMNS = ("absence_id", "assignment_number", "first_day", "last_day", "reason_category", "reason_detail",
           "work_related", "pregnancy_related", "disability_related", "rtw_date", "rtw_by_assignment_number")
OPTIONAL_COLUMNS = ("third_party", "expected_return")
# What a refused-rows report repeats of a row: every column but the medical detail.
REPORTED_COLUMNS = tuple(name for name in COLUMNS + OPTIONAL_COLUMNS if name != "reason_detail")

# Words absence systems use for a reason, lower case, and the category each belongs to.
REASON_SYNONYMS = {
    "back": "back_neck", "back pain": "back_neck", "neck": "back_neck",
    "injury": "musculoskeletal", "msk": "musculoskeletal", "sprain": "musculoskeletal",
    "stress": "mental_health", "anxiety": "mental_health", "depression": "mental_health",
    "mental health": "mental_health", "fatigue": "mental_health",
    "cold": "infections", "colds": "infections", "flu": "infections", "influenza": "infections",
    "covid": "infections", "covid-19": "infections", "infection": "infections",
    "migraine": "neurological", "headache": "neurological", "headaches": "neurological",
    "gynaecological": "genito_urinary", "urinary": "genito_urinary",
    "gastro": "digestive", "d&v": "digestive", "diarrhoea and vomiting": "digestive", "stomach": "digestive",
    "heart": "heart_circulation", "blood pressure": "heart_circulation",
    "chest": "respiratory", "asthma": "respiratory",
    "dental": "ent_dental", "eye": "ent_dental", "ear": "ent_dental",
}
_REASONS = {**REASON_SYNONYMS, **{label.lower(): key for key, label in REASON_CATEGORIES.items()},
            **{key: key for key in REASON_CATEGORIES}}
FLAGS = ("work_related", "pregnancy_related", "disability_related")
DATE_COLUMNS = ("first_day", "last_day", "rtw_date", "expected_return")
# What a reader who may not know an employee's medical detail is not told changed (`Staff.detail_known`): the
# detail, and the ESR reason code, which says more than its category (S17, cancers, counts as "other").
UNTOLD = frozenset({"reason_detail", "reason_code"})
MAX_DETAIL = 2000
MAX_ID = 100


@dataclasses.dataclass(frozen=True)
class FeedRow:
    """One row read: its ids, the absence fields it sets, and the return-to-work interview."""

    absence_id: str
    assignment_number: str
    values: dict
    rtw_date: dt.date | None = None
    rtw_by: str = ""


def missing_columns(header: Iterable[str]) -> list[str]:
    """The required columns a file's header lacks, in the documented order."""
    return lacking(header, COLUMNS)


def reason_category(text: str, codes: Mapping[str, str] = DEFAULT_MAPPING) -> str | None:
    """The category key for a key, a label (any case), a common absence-system word, or an ESR sickness reason
    code through the mapping `codes` ({code: category}); None if unknown."""
    return read_reason(text, codes)[0]


def read_reason(text: str, codes: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(category, ESR code) for a feed's reason: an ESR code of `codes` gives its mapped category and the code,
    Casebook's own words give their category and no code; (None, None) when it is neither."""
    code = esr_code(text)
    if code is not None and code in codes:
        return codes[code], code
    return _REASONS.get(" ".join(text.split()).lower()), None


def read_row(row: Mapping[str | None, object], codes: Mapping[str, str] = DEFAULT_MAPPING,
             order: DateOrder = DAY_FIRST) -> tuple[FeedRow | None, dict[str, str]]:
    """Turn one row (CSV strings, or JSON strings/booleans/null) into a FeedRow, or say what is wrong. A JSON
    value of another kind (a number, an object, a list) is refused, never turned into text. An ESR reason code
    is read through `codes` ({code: category}); the row keeps the code given (`reason_code`), and a code saying
    the absence is pregnancy-related marks it so. Dates are ISO or UK (`casework.feed_dates`), read in the
    file's `order`."""
    kinds = kind_errors(row)
    row = {name: None if name in kinds else value for name, value in row.items()}
    errors: dict[str, str] = {}
    if row.get(None):
        errors["row"] = "This row has more cells than the header: put text containing commas in quotes."
    absence_id, number = text(row.get("absence_id")), text(row.get("assignment_number"))
    for field, value in (("absence_id", absence_id), ("assignment_number", number)):
        if not value:
            errors[field] = "Enter the " + field.replace("_", " ") + "."
        elif len(value) > MAX_ID:
            errors[field] = f"Use at most {MAX_ID} characters."
    dates = {}
    for field in DATE_COLUMNS:
        try:
            dates[field] = feed_date(row.get(field), order)
        except ValueError as problem:
            errors[field] = str(problem)
    if "first_day" not in errors and dates["first_day"] is None:
        errors["first_day"] = "Enter the first day of absence."
    given = text(row.get("reason_category"))
    category, code = read_reason(given, codes)
    if category is None:
        errors["reason_category"] = ((f"Unknown reason category {given!r}" if given else "Enter the reason category")
                                     + ": " + accepted_reasons(codes) + ".")
    detail = text(row.get("reason_detail"))
    if len(detail) > MAX_DETAIL:
        errors["reason_detail"] = f"Use at most {MAX_DETAIL} characters."
    flags = {}
    for field in FLAGS + (("third_party",) if "third_party" in row else ()):
        flags[field] = yes_no(row.get(field))
        if flags[field] is None:
            errors[field] = f"Write Y or N, not {text(row.get(field))!r}."
    rtw_by = text(row.get("rtw_by_assignment_number"))
    errors.update(_interview_errors(dates, rtw_by, errors))
    errors.update(kinds)
    if errors:
        return None, errors
    values = {"first_day": dates["first_day"], "last_day": dates["last_day"], "reason_category": category,
              "reason_detail": detail or None, **flags, "reason_code": code}
    if code in PREGNANCY_CODES:
        values["pregnancy_related"] = True
    if "expected_return" in row:
        values["expected_return"] = dates["expected_return"]
    return FeedRow(absence_id, number, values, dates["rtw_date"], rtw_by), {}


def kind_errors(row: Mapping[str | None, object]) -> dict[str, str]:
    """{column: message} for each value of a known column that is neither text nor empty (nor, for a Y/N
    column, true or false)."""
    errors = {}
    for name in COLUMNS + OPTIONAL_COLUMNS:
        value = row.get(name)
        if name in FLAGS + ("third_party",):
            if not isinstance(value, (str, bool, type(None))):
                errors[name] = f"{name} must be Y or N (or true or false)."
        elif not isinstance(value, (str, type(None))):
            errors[name] = f"{name} must be text."
    return errors


def _interview_errors(dates: dict, rtw_by: str, errors: dict) -> dict[str, str]:
    if dates.get("rtw_date") is None:
        if rtw_by and "rtw_date" not in errors:
            return {"rtw_date": "Give the date of the return-to-work interview held by "
                                f"{rtw_by}, or leave rtw_by_assignment_number empty."}
        return {}
    if "last_day" not in errors and dates["last_day"] is None:
        return {"rtw_date": "A return-to-work interview needs the last day of absence."}
    if "first_day" not in errors and dates["rtw_date"] < dates["first_day"]:
        return {"rtw_date": "The return-to-work interview cannot be before the first day of absence."}
    if "last_day" not in errors and dates["rtw_date"] <= dates["last_day"]:
        return {"rtw_date": "The return-to-work interview is held once they are back: it cannot be on a day of the "
                            "absence (on or before its last day)."}
    return {}


@dataclasses.dataclass(frozen=True)
class Staff:
    """What the feed needs to know about one employee. `detail_known` says whether whoever reads the feed's
    report may know this employee's medical detail: when not, a change of the reason detail or the ESR reason
    code alone is still written but reported as "unchanged", so uploading guesses tells nothing about the stored
    detail or code."""

    id: object
    assignment_number: str
    name: str
    started: dt.date | None
    left: dt.date | None
    pattern: WorkingPattern
    detail_known: bool = True


@dataclasses.dataclass(frozen=True)
class StoredAbsence:
    """An absence already recorded, with the fields the feed sets (`values`) and its interview."""

    id: object
    employee: object
    external_id: str | None
    version: int
    values: dict
    interview: tuple[dt.date, str] | None = None

    @property
    def period(self) -> Period:
        return Period(self.id, self.values["first_day"], self.values["last_day"])


@dataclasses.dataclass(frozen=True)
class Interview:
    """The return-to-work interview the feed records: when, by whom, which working day back."""

    held_on: dt.date
    held_by: str
    day_number: int


@dataclasses.dataclass
class Outcome:
    """What one row does, as its report says: "created", "updated", "unchanged" or "refused".

    An update carries the fields that change (`changes`) and the interview to record, if it changed;
    a refusal carries {field: message} in `errors`. An "unchanged" row may still carry a change of the
    reason detail the reader may not know of (`Staff.detail_known`): it is written all the same (`writes`).
    """

    index: int
    absence_id: str
    action: str = "refused"
    errors: dict = dataclasses.field(default_factory=dict)
    row: FeedRow | None = None
    staff: Staff | None = None
    stored: StoredAbsence | None = None
    changes: dict = dataclasses.field(default_factory=dict)
    interview: Interview | None = None

    @property
    def key(self) -> str:
        """The row's own identifier, as an import report shows it."""
        return self.absence_id

    @property
    def writes(self) -> bool:
        """Whether applying the row writes anything: a new absence, or a change reported or not."""
        return self.action == "created" or (self.action in ("updated", "unchanged")
                                            and bool(self.changes or self.interview))


def plan_feed(rows: Sequence[Mapping[str | None, object]], staff: Mapping[str, Staff], stored: Iterable[StoredAbsence],
              today: dt.date, progress: Callable[[int], None] | None = None,
              codes: Mapping[str, str] = DEFAULT_MAPPING, numbers: Sequence[int] | None = None) -> list[Outcome]:
    """Decide what each row does, given the employees it names and their stored absences, reading ESR reason
    codes through the mapping `codes` ({code: category}, read once for the whole batch).

    A row is refused when it cannot be read, names nobody, repeats an absence_id of the batch,
    carries the absence_id of someone else's absence, or its dates cannot be recorded (before
    they started, in the future, overlapping another absence stored or in the batch).
    `progress(rows read)` is called every 1,000 rows. Dates are read in the order the whole file writes them
    (`casework.feed_dates.date_order`). Two rows overlapping each other say so, naming the other by its number
    in the file (`numbers`), or by its index in the batch when there are none (the API).
    """
    stored = list(stored)
    order = date_order(rows, DATE_COLUMNS)
    by_external_id = {absence.external_id: absence for absence in stored if absence.external_id}
    repeats = Counter(text(row.get("absence_id")) for row in rows)
    outcomes = []
    for index, raw in enumerate(rows):
        row, errors = read_row(raw, codes, order)
        outcome = Outcome(index, text(raw.get("absence_id")), errors=errors, row=row)
        if row is not None:
            _check_row(outcome, row, staff, by_external_id, repeats, today)
        else:       # a row that cannot be read still names its employee, when it names someone known
            outcome.staff = staff.get(text(raw.get("assignment_number")))
        outcomes.append(outcome)
        if progress and (index + 1) % 1000 == 0:
            progress(index + 1)
    _check_overlaps(outcomes, stored, today, numbers)
    for outcome in outcomes:
        if not outcome.errors:
            _decide(outcome, staff)
    if progress:
        progress(len(rows))
    return outcomes


def _check_row(outcome: Outcome, row: FeedRow, staff, by_external_id, repeats, today) -> None:
    errors = outcome.errors
    if repeats[row.absence_id] > 1:
        errors["absence_id"] = f"The absence_id {row.absence_id} is given {repeats[row.absence_id]} times."
    outcome.staff = person = staff.get(row.assignment_number)
    if person is None:
        errors["assignment_number"] = f"No employee has the assignment number {row.assignment_number}."
        return
    outcome.stored = by_external_id.get(row.absence_id)
    if outcome.stored is not None and outcome.stored.employee != person.id:
        errors["absence_id"] = f"The absence {row.absence_id} is recorded for another employee."
    values = row.values
    errors.update(check_absence(values["first_day"], values["last_day"], values.get("expected_return"),
                                person.started, person.left, [], today))


def _check_overlaps(outcomes: list[Outcome], stored: list[StoredAbsence], today: dt.date,
                    numbers: Sequence[int] | None) -> None:
    """Refuse rows overlapping a stored absence they do not replace, or another acceptable row (named as such)."""
    periods: dict[object, list[Period]] = {}
    replaced = {outcome.stored.id for outcome in outcomes if not outcome.errors and outcome.stored}
    for absence in stored:
        if absence.id not in replaced:
            periods.setdefault(absence.employee, []).append(absence.period)
    acceptable = [outcome for outcome in outcomes if not outcome.errors]
    in_file: dict[object, list[Period]] = {}
    for outcome in acceptable:
        row, person = _accepted(outcome)
        in_file.setdefault(person.id, []).append(Period(outcome, row.values["first_day"], row.values["last_day"]))
    for outcome in acceptable:
        row, person = _accepted(outcome)
        first, last = row.values["first_day"], row.values["last_day"]
        outcome.errors.update(check_absence(first, last, row.values.get("expected_return"), person.started,
                                            person.left, periods.get(person.id, []), today))
        if outcome.errors.keys() & {"first_day", "last_day"}:
            continue
        clash = overlapping(first, last, [period for period in in_file[person.id] if period.id is not outcome])
        if clash is not None:
            field = "first_day" if clash.first_day <= first else "last_day"
            outcome.errors[field] = f"This overlaps {_row_words(clash.id, numbers)}: {_days(clash)}."


def _row_words(other: object, numbers: Sequence[int] | None) -> str:
    """"row 12 of this file (absence AB7)"; "item 3 of this batch (absence AB7)" for rows without numbers."""
    assert isinstance(other, Outcome), "a period of the file is its row's outcome"
    where = f"row {numbers[other.index]} of this file" if numbers else f"item {other.index} of this batch"
    return f"{where} (absence {other.absence_id})"


def _days(period: Period) -> str:
    """"3 March 2026 to 5 March 2026", or "from 3 March 2026, still going on"."""
    if period.last_day is None:
        return f"from {long_date(period.first_day)}, still going on"
    return f"{long_date(period.first_day)} to {long_date(period.last_day)}"


def _accepted(outcome: Outcome) -> tuple[FeedRow, Staff]:
    """The row and its employee, for a row without errors: it was read and it names someone."""
    assert outcome.row is not None and outcome.staff is not None, "a row without errors was read and names someone"
    return outcome.row, outcome.staff


def _decide(outcome: Outcome, staff: Mapping[str, Staff]) -> None:
    (row, person), stored = _accepted(outcome), outcome.stored
    if row.rtw_date is not None:
        interviewer = staff.get(row.rtw_by)
        held_by = interviewer.name if interviewer else row.rtw_by or "Not recorded"
        outcome.interview = Interview(row.rtw_date, held_by, rtw_day_number(
            row.values["last_day"], row.rtw_date, person.pattern))
    if stored is None:
        outcome.action = "created"
        return
    outcome.changes = {key: value for key, value in row.values.items() if stored.values.get(key) != value}
    if outcome.interview and (outcome.interview.held_on, outcome.interview.held_by) == stored.interview:
        outcome.interview = None
    reported = outcome.changes if person.detail_known else set(outcome.changes) - UNTOLD
    outcome.action = "updated" if reported or outcome.interview else "unchanged"


def counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many rows were created, updated, unchanged and refused."""
    tally = Counter(outcome.action for outcome in outcomes)
    return {action: tally[action] for action in ("created", "updated", "unchanged", "refused")}


def detail_not_compared(outcomes: Iterable[Outcome]) -> int:
    """How many rows of stored absences were compared without their reason detail (the reader may not know it).
    It depends on whose absences they are, never on the detail."""
    return sum(1 for outcome in outcomes if outcome.stored is not None and not outcome.errors
               and outcome.staff is not None and not outcome.staff.detail_known)
