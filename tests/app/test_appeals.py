"""Appeals through the case page, against the real database (part 2, paragraph 8f: in writing within 2 weeks and
1 day of the outcome letter's date): a late appeal without a reason refused beside its field with nothing changed,
an upheld appeal withdrawing the warning the trigger engine sees while the stage keeps its outcome, an upheld appeal
against dismissal opening the case again, a partly upheld one shortening the warning, each audited with before and
after; and only those who record outcomes on the case may record its appeal."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from mongoengine.connection import get_db

from casework.workflow import DismissalTerms
from documents import Case
from services import clock
from services.accounts import set_dismissal_authority
from services.cases.letters import generate
from services.cases.outcomes import OutcomeChoice, record_outcome
from services.settings import OrganisationDefaults
from services.triggers import case_facts
from tests.app import test_outcomes
from tests.app.held_meetings import hold_meeting
from tests.app.test_letters import ABSENCES, staged
from tests.app.test_outcomes import make_case
from tests.app.test_triggers_apply import absence
from tests.conftest import csrf_token

D = dt.date
TODAY = D(2026, 4, 1)
# A first written warning decided on Monday 2 March 2026, its letter dated Wednesday 4 March: live until
# 3 September 2026, appealed by Thursday 19 March 2026 (the letter's date + 2 weeks and 1 day).
WARNING = OutcomeChoice("warning", D(2026, 3, 2), D(2026, 3, 4), target_occasions=1)
HEARD = {"received_on": "2026-03-19", "heard_by_name": "Hal Higher", "heard_by_title": "Head of Service",
         "meeting_on": "2026-03-26", "meeting_place": "Room 4, Beech House", "decided_on": "2026-03-31",
         "reasons": "Two of the absences were covered by an agreed adjustment."}


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(TODAY):
        yield


people = test_outcomes.people     # Bea manages Wes, and HR for Wes's division (the outcome tests' people)


@pytest.fixture
def wes(people, make_employee, make_user):
    """Wes, with Olu, who manages another team, and Sam from support."""
    olu = make_employee(first_name="Olu")
    make_user("olu@example.org", ["manager"], assignment_number=olu.assignment_number)
    make_user("sam@example.org", ["support"])
    return people["worker"]


def warned(worker) -> Case:
    """Wes's case at the 1st formal review with the first written warning recorded."""
    case = make_case(worker, "formal_1")
    record_outcome(case, worker, WARNING, "bea@example.org", D(2026, 3, 2))
    return Case.objects.get(pk=case.pk)


def dismissed(worker) -> Case:
    """Wes's case closed by dismissal at the 3rd formal review on 2 March 2026, the day of its letter: appealed by
    17 March 2026."""
    case = make_case(worker, "formal_3")
    set_dismissal_authority("bea@example.org", True, "admin@example.org")
    terms = DismissalTerms(D(2026, 4, 30), 8, False, "Sid Senior", "Head of Nursing")
    record_outcome(case, worker, OutcomeChoice("dismissal", D(2026, 3, 2), dismissal=terms), "bea@example.org",
                   D(2026, 3, 2))
    return Case.objects.get(pk=case.pk)


def post_appeal(auth, case: Case, **fields):
    """The appeal form of the case page sent with the appeal HEARD and `fields` changed."""
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    data = {"appeal-csrf_token": csrf_token(html), "appeal-version": case.version,
            **{f"appeal-{name}": value for name, value in {**HEARD, **fields}.items()}}
    return auth.client.post(f"/cases/{case.pk}/appeal", data=data)


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'id="appeal-{field}-error"><span[^>]*>Error:</span> ([^<]+)<', html)
    return found.group(1).strip() if found else ""


def test_the_case_page_offers_the_appeal_with_its_deadline(auth, wes):
    case = warned(wes)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'id="appeal"' in html and f'action="/cases/{case.pk}/appeal"' in html
    assert ("The outcome decided on 2 March 2026 may be appealed in writing, giving reasons, by 19 March 2026: it is "
            "heard by the line manager of the person who held the meeting, or another suitable manager.") in html
    assert 'name="appeal-late_reason"' in html and 'name="appeal-warning_change"' in html


def test_a_late_appeal_without_a_reason_is_refused_beside_the_field_and_changes_nothing(auth, wes):
    case = warned(wes)
    auth.login("bea@example.org")
    answer = post_appeal(auth, case, received_on="2026-03-20", outcome="upheld")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert error_beside(html, "late_reason") == (
        "The appeal was received on 20 March 2026, after the deadline of 19 March 2026: say why it is heard late, "
        "or do not record it.")
    assert 'value="Hal Higher"' in html       # the form comes back as it was sent
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version and saved.current_stage.appeals == []
    assert (saved.current_stage.warning_level, saved.current_stage.warning_expires_on) == ("first", D(2026, 9, 3))

    accepted = post_appeal(auth, case, received_on="2026-03-20", outcome="dismissed",
                           late_reason="The outcome letter went to an old address.")
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("#flash")
    appeal = Case.objects.get(pk=case.pk).current_stage.appeals[0]
    assert (appeal.received_on, appeal.late_reason, appeal.outcome) == (
        D(2026, 3, 20), "The outcome letter went to an old address.", "dismissed")


@pytest.mark.parametrize("fields, field, message", [
    ({"received_on": ""}, "received_on", "Enter the date the appeal was received."),
    ({"received_on": "19/03/2026"}, "received_on", "Enter a real date, for example 2026-03-27."),
    ({"heard_by_title": ""}, "heard_by_title", "Enter the job title of the person who heard the appeal."),
    ({"outcome": ""}, "outcome", "Choose the outcome of the appeal."),
    ({"outcome": "overturned"}, "outcome", "Choose the outcome of the appeal."),
    ({"outcome": "dismissed", "decided_on": "2026-03-25"}, "decided_on",
     "The appeal cannot be decided before its meeting."),
    ({"outcome": "partly_upheld", "what_changed": "Ends earlier.", "warning_change": "shorten",
      "new_expiry": "2026-03-30"}, "new_expiry", "The warning cannot end before the appeal decision on 31 March 2026."),
    ({"outcome": "upheld", "warning_change": "shorten", "new_expiry": "2026-06-30"}, "warning_change",
     "An upheld appeal withdraws the warning and a dismissed one leaves it as it is: change the warning only for a "
     "partly upheld appeal."),
])
def test_bad_input_is_refused_beside_its_field_and_changes_nothing(auth, wes, fields, field, message):
    case = warned(wes)
    auth.login("bea@example.org")
    answer = post_appeal(auth, case, **fields)
    assert answer.status_code == 400 and error_beside(answer.get_data(as_text=True), field) == message
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_upheld_appeal_withdraws_the_warning_and_keeps_the_stage_history(auth, wes):
    case = warned(wes)
    assert case_facts([case])[0].warning_level == "first"
    auth.login("bea@example.org")
    answer = post_appeal(auth, case, outcome="upheld")
    assert answer.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    stage = saved.current_stage
    facts = case_facts([saved])[0]
    assert (facts.warning_level, facts.warning_expires_on) == (None, None)    # the trigger engine sees no warning
    assert (stage.warning_level, stage.warning_expires_on) == (None, None)
    assert (stage.outcome.kind, stage.outcome.warning_level, stage.outcome.warning_expires_on,
            stage.appeal_deadline) == ("warning", "first", D(2026, 9, 3), D(2026, 3, 19))
    appeal = stage.appeals[0]
    assert (appeal.against, appeal.against_decided_on, appeal.received_on, appeal.heard_by_name,
            appeal.heard_by_title, appeal.meeting_on, appeal.meeting_place, appeal.decided_on, appeal.outcome) == (
        "warning", D(2026, 3, 2), D(2026, 3, 19), "Hal Higher", "Head of Service", D(2026, 3, 26),
        "Room 4, Beech House", D(2026, 3, 31), "upheld")
    assert (appeal.warning_level, appeal.warning_expires_on, appeal.warning_withdrawn, appeal.late_reason,
            appeal.recorded_by) == ("first", D(2026, 9, 3), True, None, "bea@example.org")
    assert (saved.status, saved.stage, len(saved.stages)) == ("open", "formal_1", 1)
    entry = saved.audit[-1]
    assert (entry.action, entry.actor) == ("appeal recorded", "bea@example.org")
    assert (entry.before["appeal"], entry.before["warning_level"], entry.before["warning_expires_on"]) == (
        None, "first", "2026-09-03")
    assert (entry.after["appeal"], entry.after["warning_level"], entry.after["warning_expires_on"],
            entry.after["late"]) == ("upheld", None, None, False)
    assert "The warning is withdrawn: it is no longer live." in entry.reason
    assert "agreed adjustment" not in str(entry.to_mongo())     # the reasons stay on the appeal, out of the audit
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "The first written warning (live until 3 September 2026) is withdrawn: it is no longer live" in page
    # the outcome keeps the warning as decided, and says what the appeal did to it
    assert ("First written warning, live until 3 September 2026; withdrawn on appeal on 31 March 2026: it is no "
            "longer live</dd>") in page
    assert 'action="/cases/{}/appeal"'.format(case.pk) not in page        # one appeal against the outcome

    again = post_appeal(auth, saved, outcome="upheld")
    assert again.status_code == 400 and "An appeal against this outcome is already recorded." in again.get_data(
        as_text=True)
    assert Case.objects.get(pk=case.pk).version == saved.version


def test_an_upheld_appeal_against_dismissal_opens_the_case_again_at_its_stage(auth, wes):
    case = dismissed(wes)
    assert (case.status, case.closed_on) == ("closed", D(2026, 3, 2))
    auth.login("hr@example.org")
    answer = post_appeal(auth, case, outcome="upheld", received_on="2026-03-17", heard_by_name="Cllr Pat Panel",
                         heard_by_title="Chair of the appeals panel")
    assert answer.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.closed_on, saved.closed_reason, saved.stage) == ("open", None, None, "formal_3")
    assert saved.current_stage.left_on is None and saved.current_stage.outcome.kind == "dismissal"
    assert saved.current_stage.appeals[0].reopened is True
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.before["status"], entry.after["status"]) == (
        "appeal recorded", "hr@example.org", "closed", "open")
    assert entry.reason.endswith("The case opens again at its stage.")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Opened again at this stage" in page and "Record another outcome" in page


def test_a_partly_upheld_appeal_shortens_the_warning_and_only_to_an_earlier_day(auth, wes):
    case = warned(wes)
    auth.login("bea@example.org")
    partly = {"outcome": "partly_upheld", "what_changed": "The warning ends at the end of June.",
              "warning_change": "shorten"}
    later = post_appeal(auth, case, **partly, new_expiry="2026-10-01")
    assert later.status_code == 400 and error_beside(later.get_data(as_text=True), "new_expiry") == (
        "The warning is live until 3 September 2026: an appeal can only shorten it, so give an earlier date.")
    assert Case.objects.get(pk=case.pk).version == case.version
    answer = post_appeal(auth, case, **partly, new_expiry="2026-06-30")
    assert answer.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.current_stage.warning_level, saved.current_stage.warning_expires_on) == ("first", D(2026, 6, 30))
    assert case_facts([saved])[0].warning_expires_on == D(2026, 6, 30)
    appeal = saved.current_stage.appeals[0]
    assert (appeal.what_changed, appeal.warning_expires_on, appeal.new_warning_expires_on) == (
        "The warning ends at the end of June.", D(2026, 9, 3), D(2026, 6, 30))
    assert (saved.audit[-1].before["warning_expires_on"], saved.audit[-1].after["warning_expires_on"]) == (
        "2026-09-03", "2026-06-30")
    assert ("First written warning, live until 3 September 2026; shortened on appeal on 31 March 2026: live until "
            "30 June 2026</dd>") in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)


def test_an_outcome_without_an_appeal_right_offers_none(auth, wes):
    case = make_case(wes, "formal_1")
    record_outcome(case, wes, OutcomeChoice("improved", D(2026, 3, 2)), "bea@example.org", D(2026, 3, 2))
    auth.login("hr@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'id="appeal"' not in html
    answer = post_appeal(auth, Case.objects.get(pk=case.pk), outcome="upheld")
    assert answer.status_code == 400 and "carries no right of appeal" in answer.get_data(as_text=True)


@pytest.mark.parametrize("login, status", [("olu@example.org", 404), ("sam@example.org", 403)])
def test_only_those_who_record_the_outcome_record_the_appeal(auth, wes, login, status):
    """A manager of another team does not find the case (404), support may not work cases (403); neither
    changes it."""
    case = warned(wes)
    auth.login("bea@example.org")
    token = csrf_token(auth.client.get(f"/cases/{case.pk}").get_data(as_text=True))
    auth.logout()
    auth.login(login)
    answer = auth.client.post(f"/cases/{case.pk}/appeal", data={
        "appeal-csrf_token": token, "appeal-version": case.version, "appeal-outcome": "upheld",
        **{f"appeal-{name}": value for name, value in HEARD.items()}})
    assert answer.status_code == status
    assert Case.objects.get(pk=case.pk).version == case.version


def test_the_hearings_no_dismissal_letter_gives_the_appeal(app, wes):
    """C8 after a long-term case review hearing's redeployment (letter dated 4 March 2026) carries the appeal
    paragraph with its deadline, 19 March 2026."""
    for first, last, reason in ABSENCES:
        absence(wes, first, last, reason)
    case = hold_meeting(staged(wes, "lts_hearing", "LTS", meeting="hearing"), D(2026, 2, 26))
    record_outcome(case, wes, OutcomeChoice("redeployment", D(2026, 3, 2), D(2026, 3, 4)), "hr@example.org",
                   D(2026, 3, 2))
    saved = Case.objects.get(pk=case.pk)
    assert saved.current_stage.appeal_deadline == D(2026, 3, 19)
    with app.app_context():
        record = generate(saved, "C8", "hr@example.org", D(2026, 3, 4),
                          organisation=OrganisationDefaults(name="Example Health and Care Trust"))
    data = get_db()["letters.chunks"].find_one({"files_id": record.versions[-1].file_id})["data"]
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs)
    assert "You have the right to appeal against this decision; the appeal will be heard by the line manager of " \
           "the person who held the meeting, or another suitable manager." in text
    assert "giving your reasons, by 19 March 2026." in text


def test_a_warning_kept_live_by_improved_can_still_be_appealed_and_upheld_ends_the_monitoring(auth, wes):
    """Issue 15, points 4 and 5: "improved" on 16 March 2026 keeps the first written warning (live until
    3 September 2026) and the case on continued monitoring; the warning can still be appealed, and an upheld appeal
    withdraws it, which ends the monitoring that was only for it. The history keeps both outcomes."""
    case = warned(wes)
    record_outcome(case, wes, OutcomeChoice("improved", D(2026, 3, 16)), "bea@example.org", D(2026, 3, 16))
    kept = Case.objects.get(pk=case.pk)
    stage = kept.current_stage
    assert (kept.status, stage.outcome.kind, [outcome.kind for outcome in stage.earlier_outcomes]) == (
        "monitoring", "improved", ["warning"])
    assert (stage.warning_level, stage.warning_expires_on, stage.appeal_deadline) == (
        "first", D(2026, 9, 3), D(2026, 3, 19))
    assert case_facts([kept])[0].warning_expires_on == D(2026, 9, 3)
    auth.login("hr@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "The outcome decided on 2 March 2026 may be appealed in writing" in html
    assert post_appeal(auth, kept, outcome="upheld").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.closed_on, saved.closed_reason) == (
        "closed", D(2026, 3, 31), "Appeal upheld: the warning is withdrawn and continued monitoring ends")
    assert (saved.current_stage.appeals[0].against, saved.current_stage.warning_expires_on) == ("warning", None)
    assert case_facts([saved])[0].warning_expires_on is None
    assert (saved.audit[-1].before["status"], saved.audit[-1].after["status"]) == ("monitoring", "closed")
    assert ("First written warning, live until 3 September 2026; withdrawn on appeal on 31 March 2026: it is no "
            "longer live</dd>") in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
