"""Words letters put to the employee, made from a case's figures and decisions: why the stage was reached, the
reason for a dismissal in capability words, the notice given, and whom to write to with an appeal. Human
sentences, never the engine's own explanations ("Open a short-term case at …").

Pure: plain values in (dates, numbers, the figures a stage keeps), words out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from casework.absences import count_of, long_date

# The reason for a dismissal in capability words, by the kind of case (part 2, paragraphs 8d and 9h).
DISMISSAL_REASONS = {
    "STS": "your frequent short-term sickness absence has not improved to the level required, despite the support "
           "you have been given and the warnings issued under the attendance management policy, and there is no "
           "reasonable prospect that it will",
    "LTS": "your ill health prevents you from carrying out the duties of your job, and there is no reasonable "
           "prospect of your returning to them, or to another suitable post, within a reasonable time",
}
YOUR_DIRECTOR = "your Director"
# Each outcome as a letter tells the employee of it ("The outcome is: …"), not as the outcome form lists it.
OUTCOME_WORDS = {
    "support_agreed": "support agreed, with an attendance target and a review period",
    "warning": "a written warning, with an attendance target and a review period",
    "more_time": "more time to improve your attendance, with an attendance target and a review period",
    "dismissal": "dismissal on the grounds of capability",
    "other": "a further review period, with an attendance target",
    "redeployment": "redeployment to another suitable post",
    "ill_health_retirement": "ill-health retirement",
    "improved": "your attendance has improved and the matter is closed",
    "continue_support": "continued support, and we will meet again by the review date",
    "progress": "the matter moves on to the next stage of the policy",
}



def _absence_words(occasions: int, working_days: int) -> str:
    return (f"{count_of(occasions, 'occasion')} of sickness absence, with {count_of(working_days, 'working day')} "
            f"lost")


def trigger_words(windows: Sequence[Mapping], rows: Sequence[Mapping]) -> str:
    """Why a stage was reached, in words: the figures of each window the trigger counted ('4 occasions of sickness
    absence, with 10 working days lost, in the 12 months to 2 November 2026'), or, when the stage kept none (a
    migrated case, a stage HR moved on), the associated absences' ('… between 4 February 2026 and 14 October
    2026'). `windows` are the stage's kept figures (dates ISO), `rows` the associated absences (dates in words)."""
    said = []
    for window in windows:
        if "occasions" not in window or not window.get("to"):
            continue
        span = (count_of(window["months"], "month") if window.get("months")
                else count_of(window["weeks"], "week") if window.get("weeks") else "")
        end = long_date(dt.date.fromisoformat(str(window["to"])))
        said.append(f"{_absence_words(window['occasions'], window.get('working_days') or 0)}, in the "
                    f"{span + ' ' if span else 'period '}to {end}")
    if said:
        return "; and ".join(said)
    if not rows:
        return ""
    days = sum(row.get("working_days") or 0 for row in rows)
    first, last = rows[0]["first_day"], rows[-1]["first_day"]
    when = f"on {first}" if len(rows) == 1 else f"between {first} and {last}"
    return f"{_absence_words(len(rows), days)}, {when}"


def notice_words(weeks: int, pay_in_lieu: bool) -> str:
    """The notice a dismissal gives: '12 weeks’ notice' or '12 weeks’ pay in lieu of notice'."""
    length = "1 week’s" if weeks == 1 else f"{weeks} weeks’"
    return f"{length} pay in lieu of notice" if pay_in_lieu else f"{length} notice"


def appeal_write_to(name: str, job_title: str) -> str:
    """Whom an appeal is written to (part 2, 8f: "to the employee's Director"): by name and job title where known,
    else 'your Director'."""
    if not name:
        return YOUR_DIRECTOR
    return f"{name}, {job_title}" if job_title else name
