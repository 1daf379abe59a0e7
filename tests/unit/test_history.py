"""A case's history in words (casework.history): each kind of audit entry as the sentence a chronology shows."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.history import Known, Told, absences_words, told, unchanged, value_words

KNOWN = Known(names={"sam@example.org": "Sam Patel", "mo@example.org": "Mo Khan"},
              first_days={"a1": dt.date(2026, 2, 3), "a2": dt.date(2026, 3, 10), "a3": dt.date(2026, 1, 5)},
              titles={"informal": "Informal stage", "formal_1": "Formal stage 1"})
OPEN = {"stage": "informal", "status": "open", "paused": False, "open_tasks": 3}


def _with(summary: dict, **detail) -> dict:
    return {**summary, **detail}


@pytest.mark.parametrize("action, before, after, reason, sentence, details", [
    # opened by the scan: the stage by its title, the reason as the scan gave it
    ("case opened", {}, {"kind": "STS", "stage": "informal", "paused": False, "open_tasks": 2}, "3 occasions ≥ 3",
     "Opened a short-term case at Informal stage", ("3 occasions ≥ 3",)),
    ("case opened", {}, {"kind": "STS", "stage": "formal_1", "paused": True}, None,
     "Opened a short-term case at Formal stage 1", ("Short-term work waits while they are off long-term",)),
    # absences by their first days, oldest first (a3 5 Jan, a1 3 Feb, a2 10 Mar), not by id
    ("absences associated", _with(OPEN, associated=[]), _with(OPEN, open_tasks=2, associated=["a1", "a2", "a3"]),
     None, "Associated 3 absences: 5 Jan 2026, 3 Feb 2026, 10 Mar 2026", ()),
    # a second association says what it replaced; an id no longer on record is counted
    ("absences associated", _with(OPEN, associated=["a1", "a2"]), _with(OPEN, associated=["a2", "gone"]), None,
     "Associated 2 absences: 10 Mar 2026 and 1 no longer on record",
     ("In place of 2 absences: 3 Feb 2026, 10 Mar 2026",)),
    # the outcome by its label; its dates said once (by the reason, the plan's words); its status in words
    ("outcome recorded", _with(OPEN, outcome=None),
     _with(OPEN, status="monitoring", outcome="support_agreed", review_date="2026-06-01", warning_expires_on=None,
           appeal_deadline=None), "Review on 1 June 2026.",
     "Recorded the outcome: Support agreed and a review period set",
     ("The case is on continued monitoring", "Review on 1 June 2026.")),   # the reason says the review date
    # without a reason (an entry written before the plan's words were kept), the dates are said as details
    ("outcome recorded", _with(OPEN, outcome=None),
     _with(OPEN, outcome="support_agreed", review_date="2026-06-01", appeal_deadline=None), None,
     "Recorded the outcome: Support agreed and a review period set", ("Review date: 1 June 2026",)),
    # moving on: the stages by their titles, the earlier outcome by its label
    ("outcome recorded", _with(OPEN, outcome="support_agreed"),
     _with(OPEN, stage="formal_1", outcome="progress", review_date=None), None,
     "Recorded the outcome: Move on to the next stage",
     ("In place of the earlier outcome: Support agreed and a review period set",
      "Moved from Informal stage to Formal stage 1")),
    # a dismissal's terms, pay in lieu said in words (never "True")
    ("outcome recorded", _with(OPEN, outcome=None),
     _with(OPEN, status="closed", outcome="dismissal", termination_date="2026-05-29", notice_weeks=4,
           pay_in_lieu=True, dismissed_by_name="Ann Lee", dismissed_by_title="Director"), None,
     "Recorded the outcome: Dismissal",
     ("Employment ends: 29 May 2026", "Notice: 4 weeks", "Paid in lieu of notice", "Dismissed by Ann Lee, Director",
      "The case is closed")),
    # a reassignment by name, from whom; an old entry without its detail still says what happened
    ("task reassigned", OPEN, _with(OPEN, task="Hold the meeting", assignee="mo@example.org"), None,
     "Gave the task “Hold the meeting” to Mo Khan", ()),
    ("task reassigned", _with(OPEN, assignee="sam@example.org"), _with(OPEN, task="Hold the meeting",
                                                                         assignee="hr:Surgery"), None,
     "Gave the task “Hold the meeting” to HR advisors, Surgery", ("It was with Sam Patel",)),
    ("task reassigned", OPEN, OPEN, None, "Gave a task to someone else", ()),
    ("task completed", _with(OPEN, task="Phone them", task_status="open"),
     _with(OPEN, open_tasks=2, task="Phone them", task_status="done"), None, "Completed the task: Phone them", ()),
    # meetings: the date in words, what changed with what it was, yes/no as what it means
    ("meeting arranged", _with(OPEN, meeting="none"),
     _with(OPEN, meeting="Welfare meeting on 3 March 2026 at 10:00", meeting_on="2026-03-03", meeting_time="10:00"),
     None, "Arranged a meeting: Welfare meeting on 3 March 2026 at 10:00", ()),
    ("meeting changed",
     _with(OPEN, meeting_on="2026-03-03", meeting_time="10:00", place="Room 1", by_call=False, sequence=0),
     _with(OPEN, meeting_on="2026-03-05", meeting_time="10:00", place="Room 1", by_call=True, sequence=1), None,
     "Changed the meeting of 3 March 2026", ("Date: 5 March 2026 (was 3 March 2026)", "How: By telephone or video "
                                             "call (was In person)")),
    ("meeting moved", _with(OPEN, meeting_on="2026-03-03", meeting_time="10:00", sequence=0),
     _with(OPEN, meeting_on="2026-03-09", meeting_time="14:00", sequence=1), "The employee proposed another date.",
     "Moved the meeting of 3 March 2026 to 9 March 2026 at 14:00", ("The employee proposed another date.",)),
    ("meeting cancelled", _with(OPEN, cancelled=False, sequence=0),
     _with(OPEN, cancelled=True, meeting_on="2026-03-03", sequence=1), "They are in hospital",
     "Cancelled the meeting of 3 March 2026", ("They are in hospital",)),
    ("meeting invitation e-mailed", OPEN, _with(OPEN, meeting_on="2026-03-03", sequence=0,
                                                sent_to=["sam@example.org", "pat@example.org"], to_retry=[]), None,
     "E-mailed the invitation to the meeting of 3 March 2026", ("Sent to: Sam Patel, pat@example.org",)),
    ("meeting notes saved", _with(OPEN, meeting_held=False),
     _with(OPEN, meeting_held=True, notes="saved", tasks_completed=["Hold the meeting"]), None,
     "Recorded the notes of the meeting: it was held", ("Tasks completed: Hold the meeting",)),
    # letters by code and title
    ("letter generated", OPEN, _with(OPEN, letter="C1", letter_version=1, source="generated", file="c1.docx"), None,
     "Made letter C1: Following an (informal) absence support meeting", ()),
    ("letter marked as sent", OPEN, _with(OPEN, letter="C1", sent_on="2026-03-04", sent_how="By e-mail",
                                          tasks_completed=[]), None,
     "Sent letter C1: Following an (informal) absence support meeting", ("By e-mail on 4 March 2026",)),
    # an appeal by its outcome's words; the warning's end as a date
    ("appeal recorded", _with(OPEN, appeal=None, warning_level="first", warning_expires_on="2027-03-01"),
     _with(OPEN, appeal="upheld", received_on="2026-03-10", late=False, appeal_decided_on="2026-03-20",
           warning_level=None, warning_expires_on=None), None,
     "Recorded the appeal: Upheld: the decision is withdrawn",
     ("Appeal received: 10 March 2026", "In time", "Appeal decided: 20 March 2026",
      "Warning: none (was first)", "Warning live until: none (was 1 March 2027)")),
    # notes and flags: never the note's text or its id
    ("note added", OPEN, _with(OPEN, note="n1"), None, "Added a note", ()),
    ("flag raised: wrong stage", OPEN, _with(OPEN, flag="wrong stage"), None, "Raised the “wrong stage” flag", ()),
    ("reminders snoozed", OPEN, _with(OPEN, note="n1", snoozed_until="2026-05-01", agreed_by_hr="Ann Lee"),
     "Agreed by Ann Lee (HR)", "Snoozed the reminders of the case's tasks",
     ("Reminders snoozed until: 1 May 2026", "Agreed by Ann Lee (HR)")),
    # the case following the employee: no assignment numbers
    ("scope followed the employee's move", _with(OPEN, division="Surgery", manager_path=["100"], queue="hr:Surgery"),
     _with(OPEN, division="Medicine", manager_path=["200"], queue="hr:Medicine"), None,
     "The case followed the employee to Medicine (from Surgery)",
     ("Tasks waiting with: HR advisors, Medicine (was HR advisors, Surgery)",)),
    ("scope followed the employee's supervisors", {"manager_path": ["100"]}, {"manager_path": ["200"]}, None,
     "The case followed the employee's new line managers", ()),
    # an action no rule knows: itself as a sentence, and the case's summary in words
    ("monitoring ended: the warning expired", _with(OPEN, status="monitoring"), _with(OPEN, status="closed"),
     "The warning expired on 1 March 2026", "Monitoring ended: the warning expired",
     ("The case is closed", "The warning expired on 1 March 2026")),
    ("case paused while on long-term sickness", OPEN, _with(OPEN, paused=True), None,
     "Case paused while on long-term sickness", ("Short-term work waits while they are off long-term",)),
])
def test_an_entry_in_words(action, before, after, reason, sentence, details):
    assert told(action, before, after, reason, KNOWN) == Told(sentence, details)


@pytest.mark.parametrize("action, before, after", [
    # before and after name what changed and agree: nothing changed, so no entry
    ("outcome recorded", _with(OPEN, outcome="warning"), _with(OPEN, outcome="warning")),
    ("meeting changed", _with(OPEN, place="Room 1"), _with(OPEN, place="Room 1")),
    # the same absences again, in another order
    ("absences associated", _with(OPEN, associated=["a1", "a2"]), _with(OPEN, associated=["a2", "a1"])),
    # a task given to whoever already had it
    ("task reassigned", _with(OPEN, assignee="mo@example.org"), _with(OPEN, task="T", assignee="mo@example.org")),
])
def test_an_entry_that_changed_nothing_says_nothing(action, before, after):
    assert told(action, before, after, None, KNOWN) is None


@pytest.mark.parametrize("medical, details", [
    # the pertinent factors (the entry's reason) only for those who may read medical detail
    (True, ("Disability: asthma",)),
    (False, ()),
])
def test_medical_reasons_only_for_those_who_may_read_them(medical, details):
    known = Known(medical=medical)
    after = _with(OPEN, task="Advise", task_status="done", advice="Refer to OH")
    assert told("HR advice recorded: pertinent factors", _with(OPEN, task="Advise", task_status="open"), after,
                "Disability: asthma", known) == Told("Recorded HR's advice on the pertinent factors", details)


@pytest.mark.parametrize("key, value, words", [
    ("by_call", False, "In person"),
    ("anything", True, "yes"),
    ("anything", None, "none"),
    ("review_date", "2026-06-01", "1 June 2026"),
    ("at", "2026-06-01T09:30:00", "1 June 2026"),
    ("notice_weeks", 1, "1 week"),
    ("agreed_by_hr", "sam@example.org", "Sam Patel"),
    ("place", "Room 2026-01", "Room 2026-01"),
])
def test_a_value_in_words(key, value, words):
    assert value_words(key, value, KNOWN) == words


def test_absences_words_count_and_date_each():
    # a1 3 Feb, a3 5 Jan: oldest first; one id unknown is counted, 3 in all
    assert absences_words(["a1", "a3", "x"], KNOWN) == "3 absences: 5 Jan 2026, 3 Feb 2026 and 1 no longer on record"
    assert absences_words(["a2"], KNOWN) == "1 absence: 10 Mar 2026"


@pytest.mark.parametrize("recorded, chosen, same", [
    # the same facts: nothing to save
    ({"kind": "warning", "decided_on": dt.date(2026, 3, 2)}, {"kind": "warning", "decided_on": dt.date(2026, 3, 2)},
     True),
    # nothing, an empty text and an empty list count alike
    ({"summary": None, "target_days": None}, {"summary": "", "target_days": None}, True),
    ({"tasks": []}, {"tasks": None}, True),
    # one fact differs (a day later; a word added): a change
    ({"kind": "warning", "decided_on": dt.date(2026, 3, 2)}, {"kind": "warning", "decided_on": dt.date(2026, 3, 3)},
     False),
    ({"summary": "Agreed"}, {"summary": "Agreed."}, False),
    # a fact chosen that nothing recorded: a change; 0 is a figure, not nothing
    ({}, {"notice_weeks": 4}, False),
    ({"target_occasions": None}, {"target_occasions": 0}, False),
])
def test_unchanged_compares_each_fact_chosen(recorded, chosen, same):
    assert unchanged(recorded, chosen) is same
