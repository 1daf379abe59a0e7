"""The plain values the trigger engine reads: an employee, their absences and their cases.

Services build these from documents (or CSV rows, or tests); the engine never sees a document.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.calendar import WEEKDAYS, WorkingPattern, calendar_days


@dataclasses.dataclass(frozen=True)
class AdjustedThreshold:
    """A trigger's threshold HR raised for one employee (an agreed adjustment): which trigger, the threshold,
    why, the day it was agreed and the day to review it by. It stays in force after that day; HR is asked to
    review it once (`review_task_given`)."""

    trigger: str
    threshold: float
    reason: str
    review_on: dt.date
    agreed_on: dt.date | None = None
    review_task_given: bool = False


@dataclasses.dataclass(frozen=True)
class EmployeeFacts:
    """What the engine needs to know about an employee: their week, region, FTE and start date, and the trigger
    thresholds HR adjusted for them."""

    working_days: tuple[str, ...] = WEEKDAYS[:5]
    region: str = "ENG"
    fte: float = 1.0
    start_date: dt.date | None = None
    adjusted_thresholds: tuple[AdjustedThreshold, ...] = ()

    def adjustment_for(self, trigger: str) -> AdjustedThreshold | None:
        """The threshold HR adjusted for them for `trigger`, or None."""
        return next((adjusted for adjusted in self.adjusted_thresholds if adjusted.trigger == trigger), None)

    @property
    def pattern(self) -> WorkingPattern:
        """Their working pattern, for counting working days."""
        return WorkingPattern(tuple(self.working_days), self.region or "ENG", self.fte)


@dataclasses.dataclass(frozen=True)
class AbsenceFacts:
    """One sickness absence: `last_day` is None while it goes on. `expected_return` is the day they are expected
    back and `fit_note_until` the last day its fit notes cover, when known: the later of the day before the one
    and the other is the last day it is expected to last (`casework.absences.expected_end`)."""

    id: object
    first_day: dt.date
    last_day: dt.date | None = None
    reason_category: str = "other"
    pregnancy_related: bool = False
    disability_related: bool = False
    expected_return: dt.date | None = None
    fit_note_until: dt.date | None = None

    def until(self, as_of: dt.date) -> dt.date:
        """Its last day as seen on `as_of`: an ongoing absence runs to `as_of`."""
        return min(self.last_day or as_of, as_of)

    def length_on(self, as_of: dt.date) -> int:
        """Its calendar days up to and including `as_of`."""
        return calendar_days(self.first_day, self.until(as_of))

    def ongoing_on(self, as_of: dt.date) -> bool:
        """Whether the employee is off on `as_of` with this absence."""
        return self.first_day <= as_of and (self.last_day is None or self.last_day >= as_of)


@dataclasses.dataclass(frozen=True)
class CaseFacts:
    """One of the employee's cases as the engine sees it. Pass open and monitoring cases, and the latest
    closed short-term case too: its stage date keeps old absences from opening a case again, and its
    warning may be live or still referable."""

    id: object
    kind: str  # "STS" or "LTS"
    status: str  # "open", "monitoring" or "closed"
    stage: str
    stage_entered_on: dt.date
    review_date: dt.date | None = None
    warning_level: str | None = None
    warning_expires_on: dt.date | None = None
    paused: bool = False
    review_from: dt.date | None = None  # the day of the meeting's decision that set the review period
    target_occasions: int | None = None  # the attendance target agreed for the review period
    target_days: int | None = None
    review_task_for: dt.date | None = None  # the decision whose review meeting the scan already made due

    @property
    def decided_from(self) -> dt.date:
        """The day of the stage's last decision (what set its review period or monitoring), else the day it began."""
        return self.review_from or self.stage_entered_on

    def warning_live(self, as_of: dt.date) -> bool:
        """Whether its warning is live on `as_of`: a warning is live up to and including its expiry date."""
        return self.warning_expires_on is not None and as_of <= self.warning_expires_on

    def review_open(self, as_of: dt.date) -> bool:
        """Whether its review period is running on `as_of`: up to and including the review date."""
        return self.review_date is not None and as_of <= self.review_date

    @property
    def is_live(self) -> bool:
        """Open or on continued monitoring (not closed)."""
        return self.status in ("open", "monitoring")
