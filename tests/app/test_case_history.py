"""Issue 19, point 5: the case history in words (names, absences by their dates, outcome labels, never
"False → True"), no save and no entry for a change that changes nothing, and the case's printable chronology
with what each reader may see."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from documents import Case
from services.cases.meetings import record_notes
from tests.app.test_names import visible
from tests.app.test_outcomes import WARNING, build_people, make_case, post_outcome
from tests.app.test_triggers_apply import absence
from tests.conftest import csrf_token

D = dt.date


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    def build():
        built = build_people(make_employee, make_user)
        make_user("support@example.org", ["support"])
        return built
    return built_once("people", build)


def post(auth, case: Case, path: str, **fields):
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    return auth.client.post(f"/cases/{case.pk}/{path}", data={"csrf_token": csrf_token(html),
                                                                "version": case.version, **fields})


def history_of(auth, case: Case) -> str:
    return visible(auth.client.get(f"/cases/{case.pk}").get_data(as_text=True).split('id="case-audit"', 1)[1])


def test_the_history_reads_in_words_and_a_change_of_nothing_writes_nothing(auth, people):
    worker = people["worker"]
    # two absences in the 12 months before the stage began on 16 February 2026
    spells = [absence(worker, D(2025, 11, 4), D(2025, 11, 5)), absence(worker, D(2026, 2, 3), D(2026, 2, 3))]
    case = make_case(worker, "formal_1")
    auth.login("bea@example.org")
    ids = [str(spell.pk) for spell in spells]
    assert post(auth, case, "association", absence_ids=ids).status_code == 302
    case = Case.objects.get(pk=case.pk)
    saved = post_outcome(auth, case, **WARNING, step="save", summary="Warning given.")
    assert saved.status_code == 302
    case = Case.objects.get(pk=case.pk)
    meeting = case.current_stage.meetings[-1]
    notes = {"other_notes": "Held as planned."}
    assert record_notes(case, meeting.id, notes, "bea@example.org", D(2026, 3, 2)) is not None
    case = Case.objects.get(pk=case.pk)
    entries = len(case.audit)

    # the same absences again, the same outcome again: no save, no entry, and a message saying so
    again = post(auth, case, "association", absence_ids=ids)
    assert again.status_code == 302
    assert "Nothing changed: these absences, as they stand, are already associated" in visible(
        auth.client.get(again.headers["Location"]).get_data(as_text=True))
    again = post_outcome(auth, case, **WARNING, step="save", summary="Warning given.")
    assert again.status_code == 302
    assert "Nothing changed: the stage already has this outcome" in visible(
        auth.client.get(again.headers["Location"]).get_data(as_text=True))
    # the notes of the held meeting saved again as they were
    assert record_notes(case, meeting.id, dict(notes), "bea@example.org", D(2026, 3, 2)) is None
    unchanged = Case.objects.get(pk=case.pk)
    assert (len(unchanged.audit), unchanged.version) == (entries, case.version)

    history = history_of(auth, unchanged)
    # absences by their first days; the outcome by its label, its dates as dates; people by name
    assert "Bea Associated 2 absences: 4 Nov 2025, 3 Feb 2026" in history
    assert "Bea Recorded the outcome: Written warning and a review period" in history
    assert "Attendance is reviewed until 25 May 2026." in history
    assert "The first written warning is live until 3 September 2026." in history
    assert "Appeal by 19 March 2026 (" in history
    assert not re.search(r"True|False|→|[0-9a-f]{24}|bea@example", history), history


def test_a_task_given_to_whoever_has_it_changes_nothing(auth, people):
    case = make_case(people["worker"], "formal_1")
    task = case.open_tasks()[0]
    auth.login("hr@example.org")
    answer = post(auth, case, f"tasks/{task.id}/reassign", assignee=task.assignee)
    assert answer.status_code == 400
    assert f"Nothing changed: {task.assignee} already has this task." in answer.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_chronology_lists_the_case_in_date_order_with_what_the_reader_may_see(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    assert post_outcome(auth, case, **WARNING, step="save", summary="Warning given.").status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert post(auth, case, "notes", text="Wes asked for a later start.").status_code == 302
    page = auth.client.get(f"/cases/{case.pk}")
    assert f'href="/cases/{case.pk}/chronology"' in page.get_data(as_text=True)
    html = auth.client.get(f"/cases/{case.pk}/chronology").get_data(as_text=True)
    shown = visible(html)
    assert "css/chronology.css" in html and "Medical detail is left out" not in shown
    # oldest first: the stage began (16 Feb), its meeting held (2 Mar), the outcome decided (2 Mar), the note
    began = shown.index("16 February 2026 1st Formal Absence Review Meeting began")
    held = shown.index("2 March 2026 Formal absence review meeting held")
    decided = shown.index("2 March 2026 Outcome of 1st Formal Absence Review Meeting: Written warning and a "
                          "review period Warning given.")
    noted = shown.index("Wes asked for a later start.")
    assert began < held < decided < noted
    assert "Review date: 25 May 2026" in shown and "Appeal by 19 March 2026" in shown
    meeting = case.current_stage.meetings[-1]
    assert f"/cases/{case.pk}/meetings/{meeting.id}/notes" in html       # the manager may open the notes
    # support may read the case, not the medical detail: the meeting is there, the way to its notes is not
    auth.logout()
    auth.login("support@example.org")
    html = auth.client.get(f"/cases/{case.pk}/chronology").get_data(as_text=True)
    assert "Medical detail is left out" in visible(html) and "Warning given." in html
    assert f"/meetings/{meeting.id}/notes" not in html
