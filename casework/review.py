"""Review periods and the attendance target agreed at a meeting: what counts in the period, and whether the
target was missed or met.

The council policy (part 2, paragraph 8a): at the absence support meeting the manager and employee "discuss
support, improvements, targets, review period"; "a further review meeting will be arranged to review progress".
Only absences that start inside the review period the meeting set count towards the next stage, and the
target decides: when it is missed, or the period ends, a review meeting is due. Formal action is never
automatic (paragraph 2): the stage moves only when the outcome of a held meeting is recorded.

The review period runs from the day after the meeting that set it to the review date, inclusive.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import count_of, long_date
from casework.calendar import WorkingPattern, working_days_in_window
from casework.facts import AbsenceFacts
from casework.figures import counted
from casework.policy import Counting, LongTermRules

MAX_TARGET = 99



@dataclasses.dataclass(frozen=True)
class Target:
    """The attendance target for a review period: no more than `occasions` occasions and no more than
    `working_days` working days of sickness absence (either may be left out, not both)."""

    occasions: int | None = None
    working_days: int | None = None

    @property
    def is_set(self) -> bool:
        return self.occasions is not None or self.working_days is not None

    def words(self) -> str:
        """'no more than 2 occasions and no more than 5 working days of sickness absence in the review period'."""
        limits = []
        if self.occasions is not None:
            limits.append(f"no more than {count_of(self.occasions, 'occasion')}")
        if self.working_days is not None:
            limits.append(f"no more than {count_of(self.working_days, 'working day')}")
        return f"{' and '.join(limits)} of sickness absence in the review period" if limits else ""

    def missed_by(self, occasions: int, working_days: int) -> list[str]:
        """How the figures go past the target, in words (empty when the target is kept)."""
        over = []
        if self.occasions is not None and occasions > self.occasions:
            over.append(f"{count_of(occasions, 'occasion')} (target: no more than {self.occasions})")
        if self.working_days is not None and working_days > self.working_days:
            over.append(f"{count_of(working_days, 'working day')} (target: no more than {self.working_days})")
        return over


def target_problems(target: Target) -> dict[str, str]:
    """{field: message} for a target entered on the outcome form: at least one limit, each a whole number from
    0 to 99."""
    if not target.is_set:
        return {"target_occasions": "Enter the attendance target: the most occasions, the most working days, "
                                    "or both, in the review period."}
    problems = {}
    for field, value in (("target_occasions", target.occasions), ("target_days", target.working_days)):
        if value is not None and not 0 <= value <= MAX_TARGET:
            problems[field] = f"Enter a whole number from 0 to {MAX_TARGET}."
    return problems


def target_text(target: Target, extra: str = "") -> str:
    """The target as the letters state it: the limits in words, then anything else agreed."""
    said = target.words()
    said = said[:1].upper() + said[1:]
    extra = extra.strip()
    return f"{said}. {extra}" if said and extra else said or extra


@dataclasses.dataclass(frozen=True)
class ReviewFigures:
    """The counted absences that started in a review period, seen on `as_of`: occasions and working days lost
    inside the period (an ongoing absence up to `as_of`)."""

    start: dt.date
    end: dt.date
    occasions: int
    working_days: int
    absence_ids: tuple

    def words(self) -> str:
        """'2 occasions and 3 working days from 25 February 2026 to 19 May 2026'."""
        return (f"{count_of(self.occasions, 'occasion')} and {count_of(self.working_days, 'working day')} of absence "
                f"from {long_date(self.start)} to {long_date(self.end)}")


def review_figures(absences: Sequence[AbsenceFacts], meeting_on: dt.date, review_date: dt.date,
                   counting: Counting, rules: LongTermRules, pattern: WorkingPattern, as_of: dt.date) -> ReviewFigures:
    """The figures of the review period set on `meeting_on` to `review_date`, as they stand on `as_of`: only
    absences that start after the meeting and by the end of the period (or `as_of`) count."""
    start, end = meeting_on + dt.timedelta(days=1), min(review_date, as_of)
    inside = [absence for absence in counted(absences, counting, rules, as_of) if start <= absence.first_day <= end]
    lost = sum(working_days_in_window(absence.first_day, absence.until(as_of), start, end, pattern)
               for absence in inside)
    return ReviewFigures(start, end, len(inside), lost, tuple(absence.id for absence in inside))
