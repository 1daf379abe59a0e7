"""The fields of a letter, filled from the documents: the organisation, the employee and their manager, the
case and its stage, the associated absences with totals, the meeting, the outcome's dates, one absence (its
medical detail only for the occupational health referral and only for who may read it) and the return-to-work
interview. Dates are written out ("23 November 2026"); `casework.letters.FIELDS` lists every field.
"""
from __future__ import annotations

import datetime as dt

from casework.absences import absence_length, long_date
from casework.calendar import WorkingPattern
from casework.checklists import COMPANION_LABELS, RELATIVE_ALLOWED, ROLE_LABELS
from casework.letter_words import (
    DISMISSAL_REASONS,
    OUTCOME_WORDS,
    appeal_write_to,
    notice_words,
    trigger_words,
)
from casework.letters import LETTERS
from casework.plain_words import title_case
from casework.reasons import REASON_CATEGORIES
from documents.absence import Absence, MedicalRead
from documents.base import utcnow
from documents.case import Case, Meeting, Stage
from documents.employee import Employee
from documents.scope import may_read_medical
from services.cases.meetings import meeting_title
from services.cases.tasks import case_policy, ladder_of
from services.organisation import organisation_context
from services.settings import OrganisationDefaults

FIT_WORDS = {"fit": "Fit for work", "fit_with_adjustments": "Fit for work with adjustments or support",
             "not_fit": "Not fit for work"}


def _day(day: dt.date | None) -> str:
    return long_date(day) if day else ""


def _absence_row(first_day, last_day, reason_category, calendar_days, working_days) -> dict:
    return {"first_day": long_date(first_day), "last_day": _day(last_day) or "still off",
            "calendar_days": calendar_days, "working_days": working_days,
            "reason": REASON_CATEGORIES.get(reason_category, reason_category)}


def letter_context(case: Case | None, employee: Employee, stage: Stage | None, meeting: Meeting | None = None,
                   absence: Absence | None = None, *, today: dt.date, organisation: OrganisationDefaults | dict,
                   code: str | None = None, reader=None) -> dict:
    """Every field of `casework.letters.FIELDS`, filled from the documents as words (empty when unknown).
    The medical detail is filled only for a letter that may carry it (B4) and a `reader` who may read it;
    that read is logged. `organisation` is the configured details, or the letter's organisation fields read
    already (`organisation_context`) when several letters are looked at together."""
    spec = LETTERS.get(code) if code else None
    if stage is not None:
        rows = [_absence_row(s.first_day, s.last_day, s.reason_category, s.calendar_days, s.working_days)
                for s in sorted(stage.associated, key=lambda snapshot: snapshot.first_day)]
    elif absence is not None:
        length = absence_length(absence.first_day, absence.last_day, WorkingPattern.for_employee(employee), today)
        rows = [_absence_row(absence.first_day, absence.last_day, absence.reason_category,
                             length["calendar_days"], length["working_days"])]
    else:
        rows = []
    outcome = stage.outcome if stage is not None else None
    dated = outcome.letter_dated if outcome and spec and spec.source == "outcome" else None
    boss = Employee.objects(assignment_number=employee.supervisor_assignment_number).only(
        "first_name", "last_name", "job_title", "email").first() if employee.supervisor_assignment_number else None
    live = [arranged for arranged in (stage.meetings if stage is not None else []) if not arranged.cancelled]
    held = meeting or (live[-1] if live else None)
    hr = next((p for p in (held.participants if held else []) if p.role == "hr"), None)
    return {
        "organisation": organisation if isinstance(organisation, dict) else organisation_context(organisation),
        "letter_date": long_date(dated or today),
        "reference": (f"{case.kind}-{employee.assignment_number}-{case.opened_on:%Y-%m}" if case else
                      f"ABS-{employee.assignment_number}-{absence.first_day:%Y-%m}" if absence else ""),
        "employee": {"name": employee.name, "first_name": employee.first_name, "last_name": employee.last_name,
                     "job_title": employee.job_title or "", "assignment_number": employee.assignment_number,
                     "department": ", ".join(part for part in (employee.department, employee.directorate,
                                                               employee.division) if part),
                     "email": employee.email or "", "address": employee.postal_address},
        "manager": {"name": boss.name if boss else "", "job_title": (boss.job_title or "") if boss else "",
                    "email": (boss.email or "") if boss else ""},
        "hr_advisor": {"name": hr.name if hr else "", "email": (hr.email or "") if hr else ""},
        "case": _case_fields(case, stage, rows),
        "absences": rows,
        "totals": {"occasions": len(rows), "working_days": sum(row["working_days"] or 0 for row in rows),
                   "calendar_days": sum(row["calendar_days"] or 0 for row in rows)},
        "meeting": _meeting_fields(case, stage, meeting),
        "outcome": _outcome_fields(case, stage, employee if spec else None),
        "absence": _absence_fields(absence, employee, bool(spec and spec.medical), reader),
        "rtw": _rtw_fields(absence.rtw if absence else None),
    }


def _case_fields(case: Case | None, stage: Stage | None, rows: list[dict]) -> dict:
    if case is None or stage is None:
        return dict.fromkeys(("kind", "stage", "opened_on", "policy", "trigger"), "")
    policy = case_policy(case)
    step = ladder_of(case, policy).stage(stage.key)
    windows = (stage.trigger_figures or {}).get("windows", []) if case.kind == "STS" else []
    return {"kind": "short-term" if case.kind == "STS" else "long-term",
            "stage": title_case(step.title) if step else stage.key,
            "opened_on": long_date(case.opened_on), "policy": policy.name, "trigger": trigger_words(windows, rows)}


def _meeting_fields(case: Case | None, stage: Stage | None, meeting: Meeting | None) -> dict:
    step = ladder_of(case).stage(stage.key) if case and stage else None
    fields: dict[str, str | int] = dict.fromkeys(("title", "date", "time", "place", "chair", "participants",
                                                  "companion", "papers_by"), "")
    fields["notice_days"] = step.notice_days if step else ""
    if meeting is None or case is None or stage is None:
        return fields
    people = sorted(meeting.participants, key=lambda p: ("senior_manager", "manager", "hr").index(p.role)
                    if p.role in ("senior_manager", "manager", "hr") else 3)
    chair = people[0] if people else None
    allowed = "a trade union representative or a work colleague" + (
        ", or a partner or close relative" if meeting.kind in RELATIVE_ALLOWED else "")
    companion = f"You may be accompanied by {allowed}." + (
        f" You have told us that {meeting.companion_name} ({COMPANION_LABELS[meeting.companion_kind].lower()}) will "
        f"come with you." if meeting.companion_name else "")
    place = meeting.place or ""
    return {**fields, "title": meeting_title(case, stage.key, meeting),
            "date": f"{meeting.on:%A} {long_date(meeting.on)}",
            "time": meeting.at_time or "",
            "place": ("by telephone or video call" + (f" ({place})" if place else "")) if meeting.by_call else place,
            "chair": f"{chair.name}, {ROLE_LABELS[chair.role].lower()}" if chair else "",
            "participants": ", ".join(f"{p.name} ({ROLE_LABELS[p.role]})" for p in people[1:]),
            "companion": companion,
            "papers_by": _day(meeting.on - dt.timedelta(days=step.papers_days_before))
            if step and step.papers_days_before is not None else ""}


OUTCOME_FIELDS = ("title", "decided_on", "target", "review_date", "warning", "warning_expires_on", "warning_stays",
                  "appeal_deadline",
                  "appeal_to", "appeal_write_to", "next_stage", "summary", "dismissal_reason", "termination_date",
                  "notice", "dismissed_by", "dismissed_by_title")


def director_of(employee: Employee) -> Employee | None:
    """The employee's Director: the top-most of their supervisors in their own division (None at the top)."""
    chain = list(employee.manager_path or [])
    if not chain:
        return None
    found = {boss.assignment_number: boss for boss in Employee.objects(
        assignment_number__in=chain, division=employee.division).only(
        "assignment_number", "first_name", "last_name", "job_title")}
    return next((found[number] for number in reversed(chain) if number in found), None)


def _outcome_fields(case: Case | None, stage: Stage | None, employee: Employee | None) -> dict:
    """The outcome's fields; the Director is looked up only for a letter being made (`employee` given), so
    listing the letters on a case page reads no more."""
    if case is None or stage is None or stage.outcome is None:
        return dict.fromkeys(OUTCOME_FIELDS, "")
    outcome = stage.outcome
    director = director_of(employee) if employee is not None and stage.appeal_deadline else None
    dismissal = outcome.kind == "dismissal"
    following = ladder_of(case).stage(outcome.next_stage) if outcome.next_stage else None
    return {"title": OUTCOME_WORDS.get(outcome.kind, ""),
            "decided_on": long_date(outcome.decided_on), "target": outcome.target or "",
            "review_date": _day(stage.review_date), "warning_expires_on": _day(stage.warning_expires_on),
            "warning": f"{stage.warning_level} written warning" if stage.warning_level else "",
            "warning_stays": _warning_stays(case, outcome),
            "appeal_deadline": _day(stage.appeal_deadline), "appeal_to": outcome.appeal_route or "",
            "next_stage": title_case(following.title) if following else "", "summary": outcome.summary or "",
            "appeal_write_to": appeal_write_to(director.name if director else "",
                                               (director.job_title or "") if director else ""),
            "dismissal_reason": DISMISSAL_REASONS.get(case.kind, "") if dismissal else "",
            "termination_date": _day(outcome.termination_date),
            "notice": notice_words(outcome.notice_weeks, bool(outcome.pay_in_lieu))
            if dismissal and outcome.notice_weeks else "",
            "dismissed_by": outcome.dismissed_by_name or "", "dismissed_by_title": outcome.dismissed_by_title or ""}


def _warning_stays(case: Case, outcome) -> str:
    """For "attendance improved" while a warning is live: 'first written warning stays live until 1 March 2027'."""
    if outcome.kind != "improved" or case.status != "monitoring":
        return ""
    warned = case.warned_stage()
    if warned is None or warned.warning_expires_on < outcome.decided_on:
        return ""
    return f"{warned.warning_level} written warning stays live until {long_date(warned.warning_expires_on)}"


def _absence_fields(absence: Absence | None, employee: Employee, medical: bool, reader) -> dict:
    if absence is None:
        return dict.fromkeys(("first_day", "last_day", "reason", "detail", "expected_return"), "")
    detail = ""
    if medical and absence.reason_detail and may_read_medical(reader, employee):
        detail = absence.reason_detail
        MedicalRead(reader=reader.email, at=utcnow(), assignment_number=employee.assignment_number, absence=absence.pk,
                    what="medical detail in the occupational health referral (B4)", where="letters").save()
    return {"first_day": long_date(absence.first_day), "last_day": _day(absence.last_day) or "still off",
            "reason": absence.reason_label, "detail": detail, "expected_return": _day(absence.expected_return)}


def _rtw_fields(rtw) -> dict:
    if rtw is None:
        return dict.fromkeys(("held_on", "held_by", "day_number", "fit_for_work", "support", "adjustments",
                              "phased_return", "oh_referral", "notes"), "")
    return {"held_on": long_date(rtw.held_on), "held_by": rtw.held_by, "day_number": rtw.day_number or "",
            "fit_for_work": FIT_WORDS.get(rtw.fit_for_work, ""), "support": rtw.support or "",
            "adjustments": rtw.adjustments or "",
            "phased_return": (rtw.phased_return_plan or "Yes") if rtw.phased_return else "No",
            "oh_referral": "Yes" if rtw.oh_referral_needed else "No", "notes": rtw.notes or ""}
