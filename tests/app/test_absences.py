"""Recording and following absences through the pages: validation by field, scope, audit, medical detail."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from documents import Absence
from documents.absence import MedicalRead
from services import clock
from tests.conftest import csrf_token

TODAY = clock.today()


def iso(day: dt.date) -> str:
    return day.isoformat()


def monday_weeks_ago(weeks: int) -> dt.date:
    return TODAY - dt.timedelta(days=TODAY.weekday() + 7 * weeks)


@pytest.fixture
def people(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss")
    nurse = make_employee(first_name="Nia", last_name="Nurse", supervisor_assignment_number=boss.assignment_number)
    stranger = make_employee(first_name="Sam", last_name="Stranger", division="Secure Care")
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number, name="Bea Boss")
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    make_user("hr2@example.org", ["hr"], hr_divisions=["Secure Care"])
    make_user("support@example.org", ["support"])
    return {"boss": boss, "nurse": nurse, "stranger": stranger}


def post(auth, url: str, data: dict, page: str | None = None):
    token = csrf_token(auth.client.get(page or url).get_data(as_text=True))
    return auth.client.post(url, data={**data, "csrf_token": token})


def record(auth, employee, **fields):
    data = {"first_day": iso(monday_weeks_ago(1)), "reason_category": "infections", **fields}
    return post(auth, f"/employees/{employee.assignment_number}/absences/new", data)


def field_error(html: str, field: str) -> str:
    start = html.index(f'id="{field}-error"')
    return html[start:html.index("</span>", html.index("</span>", start) + 1)]


def test_manager_records_an_absence_with_an_audit_entry(people, auth):
    auth.login("boss@example.org")
    response = record(auth, people["nurse"], reason_detail="Flu", work_related="y",
                      expected_return=iso(TODAY + dt.timedelta(days=3)))
    absence = Absence.objects.get(assignment_number=people["nurse"].assignment_number)
    assert response.status_code == 302 and response.headers["Location"] == f"/absences/{absence.pk}"
    assert (absence.reason_category, absence.reason_detail, absence.work_related, absence.source) == (
        "infections", "Flu", True, "manual")
    [entry] = absence.audit
    assert (entry.actor, entry.action, entry.after["first_day"]) == ("boss@example.org", "absence recorded",
                                                                     iso(monday_weeks_ago(1)))
    assert entry.after["reason_detail"] == "(recorded)"
    page = auth.client.get(f"/absences/{absence.pk}").get_data(as_text=True)
    assert "Complete the accident report" in page and "Flu" not in page


@pytest.mark.parametrize("fields, field, message", [
    ({"first_day": ""}, "first_day", "Enter the first day of absence."),
    ({"first_day": "2026-02-31"}, "first_day", "Enter a real date for “first day of absence”"),
    ({"first_day": iso(TODAY + dt.timedelta(days=1))}, "first_day", "cannot be in the future"),
    ({"first_day": "2019-06-03"}, "first_day", "before they started work on 6 January 2020"),
    ({"reason_category": ""}, "reason_category", "Choose the reason for the absence."),
    ({"reason_category": "vampirism"}, "reason_category", "Not a valid choice"),
    ({"expected_return": iso(monday_weeks_ago(2))}, "expected_return", "must be after the first day"),
])
def test_bad_input_is_refused_by_the_field_and_changes_nothing(people, auth, fields, field, message):
    auth.login("boss@example.org")
    response = record(auth, people["nurse"], **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(html, field)
    assert "There is a problem" in html
    assert Absence.objects.count() == 0


def test_overlapping_absence_is_refused(people, auth):
    auth.login("boss@example.org")
    record(auth, people["nurse"], first_day=iso(monday_weeks_ago(2)))
    response = record(auth, people["nurse"], first_day=iso(monday_weeks_ago(1)))
    assert response.status_code == 400
    assert "This overlaps their absence from" in field_error(response.get_data(as_text=True), "first_day")
    assert Absence.objects.count() == 1


@pytest.mark.parametrize("login, target, status", [
    ("boss@example.org", "stranger", 404),
    ("hr2@example.org", "nurse", 404),
    ("support@example.org", "nurse", 403),
])
def test_recording_is_scoped(people, auth, login, target, status):
    auth.login(login)
    url = f"/employees/{people[target].assignment_number}/absences/new"
    assert auth.client.get(url).status_code == status
    assert Absence.objects.count() == 0


def _recorded(auth, people, **fields):
    auth.login("boss@example.org")
    record(auth, people["nurse"], **fields)
    return Absence.objects.get(assignment_number=people["nurse"].assignment_number)


def test_end_computes_working_days_and_audits_before_and_after(people, auth):
    absence = _recorded(auth, people, first_day=iso(monday_weeks_ago(2)))
    last = monday_weeks_ago(2) + dt.timedelta(days=2)
    response = post(auth, f"/absences/{absence.pk}/end", {"last_day": iso(last), "version": absence.version},
                    page=f"/absences/{absence.pk}")
    absence.reload()
    assert response.status_code == 302 and absence.last_day == last
    assert absence.working_days_lost in (1, 2, 3)  # Mon–Wed less any bank holiday
    assert absence.audit[-1].action == "absence ended"
    assert absence.audit[-1].before == {"last_day": None} and absence.audit[-1].after == {"last_day": iso(last)}


def test_end_before_the_first_day_is_refused(people, auth):
    absence = _recorded(auth, people)
    response = post(auth, f"/absences/{absence.pk}/end",
                    {"last_day": iso(absence.first_day - dt.timedelta(days=1)), "version": absence.version},
                    page=f"/absences/{absence.pk}")
    assert response.status_code == 400
    assert "must be on or after the first day" in field_error(response.get_data(as_text=True), "last_day")
    assert Absence.objects.get(pk=absence.pk).last_day is None


def test_a_stale_form_is_refused_with_a_clear_message(people, auth):
    absence = _recorded(auth, people)
    seen = absence.version
    post(auth, f"/absences/{absence.pk}/extend", {"expected_return": iso(TODAY + dt.timedelta(days=5)),
                                                   "version": seen}, page=f"/absences/{absence.pk}")
    response = post(auth, f"/absences/{absence.pk}/end", {"last_day": iso(TODAY), "version": seen},
                    page=f"/absences/{absence.pk}")
    assert response.status_code == 400
    assert "Someone else changed this record" in response.get_data(as_text=True)
    assert Absence.objects.get(pk=absence.pk).last_day is None


def test_correction_needs_a_reason_and_is_audited(people, auth):
    absence = _recorded(auth, people)
    url = f"/absences/{absence.pk}/correct"
    form = {"first_day": iso(absence.first_day), "reason_category": "digestive", "version": absence.version}
    refused = post(auth, url, form)
    assert refused.status_code == 400
    assert "Say why the absence is being corrected." in field_error(refused.get_data(as_text=True), "correction_reason")
    assert post(auth, url, {**form, "correction_reason": "Wrong reason chosen"}).status_code == 302
    absence.reload()
    entry = absence.audit[-1]
    assert (absence.reason_category, entry.action, entry.reason) == ("digestive", "absence corrected",
                                                                     "Wrong reason chosen")
    assert entry.before == {"reason_category": "infections"} and entry.after == {"reason_category": "digestive"}


def test_a_correction_that_changes_nothing_writes_nothing_and_says_so(people, auth):
    """Issue 19, point 5: no entry when nothing changed. The form sent back as it came (the medical detail
    included, whitespace round it) is no correction: no save, no audit entry, and the page says so."""
    absence = _recorded(auth, people, reason_detail="Flu", work_related="y")
    entries, version = len(absence.audit), absence.version
    answer = post(auth, f"/absences/{absence.pk}/correct", {
        "first_day": iso(absence.first_day), "reason_category": "infections", "reason_detail": " Flu ",
        "work_related": "y", "correction_reason": "Checking the migrated row", "version": absence.version})
    assert answer.status_code == 302 and answer.headers["Location"].startswith(f"/absences/{absence.pk}")
    assert ("Nothing changed: the absence already has these dates and details, so no correction was kept."
            in auth.client.get(answer.headers["Location"]).get_data(as_text=True))
    absence.reload()
    assert (len(absence.audit), absence.version, absence.audit[-1].action) == (entries, version, "absence recorded")


def test_contacts_fit_notes_and_steps(people, auth):
    absence = _recorded(auth, people, first_day=iso(monday_weeks_ago(2)), reason_category="mental_health")
    page = f"/absences/{absence.pk}"
    assert post(auth, f"{page}/contacts", {"contact_on": iso(absence.first_day), "method": "phone",
                                           "version": absence.version}, page=page).status_code == 302
    absence.reload()
    bad = post(auth, f"{page}/fit-notes", {"from_day": iso(TODAY), "to_day": iso(TODAY - dt.timedelta(days=1)),
                                           "version": absence.version}, page=page)
    assert "must end on or after" in field_error(bad.get_data(as_text=True), "to_day")
    assert post(auth, f"{page}/fit-notes", {"from_day": iso(absence.first_day + dt.timedelta(days=7)),
                                            "to_day": iso(TODAY + dt.timedelta(days=7)), "detail": "Anxiety",
                                            "version": absence.version}, page=page).status_code == 302
    absence.reload()
    assert post(auth, f"{page}/steps/oh-referral", {"oh-done_on": iso(TODAY), "oh-version": absence.version},
                page=page).status_code == 302
    assert post(auth, f"{page}/steps/teleport", {}, page=page).status_code == 404
    absence.reload()
    assert [c.method for c in absence.contacts] == ["phone"] and absence.oh_referral_on == TODAY
    assert [entry.action for entry in absence.audit] == [
        "absence recorded", "contact logged", "fit note recorded", "OH referral recorded"]
    html = auth.client.get(page).get_data(as_text=True)
    assert "Anxiety" not in html and "Refer to occupational health now" in html


def test_return_to_work_interview(people, auth):
    first = monday_weeks_ago(2)
    absence = _recorded(auth, people, first_day=iso(first))
    page = f"/absences/{absence.pk}"
    assert auth.client.get(f"{page}/return-to-work").status_code == 302  # still off: end it first
    last = first + dt.timedelta(days=1)
    post(auth, f"{page}/end", {"last_day": iso(last), "version": absence.version}, page=page)
    absence.reload()
    form = auth.client.get(f"{page}/return-to-work").get_data(as_text=True)
    assert "Return-to-work interview" in form
    too_early = post(auth, f"{page}/return-to-work", {"held_on": iso(first), "fit_for_work": "fit",
                                                       "version": absence.version})
    assert "is a day of the absence" in field_error(too_early.get_data(as_text=True), "held_on")
    no_plan = post(auth, f"{page}/return-to-work", {"held_on": iso(TODAY), "fit_for_work": "fit",
                                                     "phased_return": "y", "version": absence.version})
    assert "Describe the phased return" in field_error(no_plan.get_data(as_text=True), "phased_return_plan")
    assert post(auth, f"{page}/return-to-work", {"held_on": iso(TODAY), "fit_for_work": "fit_with_adjustments",
                                                 "adjustments": "No night shifts for two weeks",
                                                 "version": absence.version}).status_code == 302
    absence.reload()
    assert absence.rtw.held_by == "Bea Boss" and absence.rtw.day_number >= 5
    assert "No night shifts" in auth.client.get(page).get_data(as_text=True)
    assert auth.client.get(f"{page}/return-to-work").status_code == 302


def test_the_interview_is_held_once_they_are_back_and_due_by_one_date_everywhere(people, auth):
    """Policy, part 2 paragraph 5: "Managers will conduct a Return to Work interview with all employees returning
    from sickness absences, ideally on their first day back and no later than the third day back". Off Mon 23 to
    Thu 26 November 2026: back Fri 27 (day 1); Mon 30 is day 2 and Tue 1 December day 3, the latest."""
    with clock.frozen(dt.date(2026, 12, 2)):
        absence = _recorded(auth, people, first_day="2026-11-23")
        page = f"/absences/{absence.pk}"
        post(auth, f"{page}/end", {"last_day": "2026-11-26", "version": absence.version}, page=page)
        absence.reload()
        assert "by 1 December 2026 at the latest" in auth.client.get(page).get_data(as_text=True)
        form = auth.client.get(f"{page}/return-to-work").get_data(as_text=True)
        assert "Hold it on their first day back, 27 November 2026, and no later than 1 December 2026." in form
        assert '<div class="nhsuk-hint" id="held_on-hint">On or after their first day back, 27 November 2026.' in form
        for held_on, problem in (("2026-11-20", "cannot be before the absence began on 23 November 2026"),
                                 ("2026-11-23", "23 November 2026 is a day of the absence"),
                                 ("2026-11-26", "26 November 2026 is a day of the absence"),
                                 ("2026-12-03", "cannot be in the future")):
            refused = post(auth, f"{page}/return-to-work", {"held_on": held_on, "fit_for_work": "fit",
                                                             "version": absence.version})
            assert refused.status_code == 400
            assert problem in field_error(refused.get_data(as_text=True), "held_on")
        assert Absence.objects.get(pk=absence.pk).rtw is None
        held = post(auth, f"{page}/return-to-work", {"held_on": "2026-11-27", "fit_for_work": "fit",
                                                      "version": absence.version})
        assert held.status_code == 302
    absence.reload()
    assert (absence.rtw.held_on, absence.rtw.day_number) == (dt.date(2026, 11, 27), 1)
    assert absence.audit[-1].action == "return-to-work interview recorded"


def test_the_reminder_task_is_due_on_the_date_the_pages_show(people, auth):
    """The return-to-work reminder is due on the third working day back, the date the absence page and the form
    give: off Mon 23 to Thu 26 November 2026, back Fri 27, due Tue 1 December (Fri 27, Mon 30, Tue 1)."""
    with clock.frozen(dt.date(2026, 11, 27)):
        absence = _recorded(auth, people, first_day="2026-11-23")
        page = f"/absences/{absence.pk}"
        post(auth, f"{page}/end", {"last_day": "2026-11-26", "version": absence.version}, page=page)
        [reminder] = Absence.objects.get(pk=absence.pk).tasks
        assert reminder.due_on == dt.date(2026, 12, 1)
        assert "by 1 December 2026 at the latest" in auth.client.get(page).get_data(as_text=True)


def test_medical_detail_is_shown_on_request_and_each_read_logged(people, auth):
    absence = _recorded(auth, people, reason_detail="Migraine with aura")
    response = auth.client.get(f"/absences/{absence.pk}/medical", headers={"HX-Request": "true"})
    assert "Migraine with aura" in response.get_data(as_text=True) and "<html" not in response.get_data(as_text=True)
    read = MedicalRead.objects.get()
    assert (read.reader, read.assignment_number, read.absence) == (
        "boss@example.org", people["nurse"].assignment_number, absence.pk)
    auth.logout()
    auth.login("hr@example.org")
    assert "Migraine" in auth.client.get(f"/absences/{absence.pk}/medical").get_data(as_text=True)
    assert MedicalRead.objects.count() == 2
    auth.logout()
    auth.login("support@example.org")
    assert auth.client.get(f"/absences/{absence.pk}").status_code == 200
    assert auth.client.get(f"/absences/{absence.pk}/medical").status_code == 403
    assert "Migraine" not in auth.client.get(f"/absences/{absence.pk}").get_data(as_text=True)
    assert "Migraine" not in auth.client.get(f"/employees/{people['nurse'].assignment_number}").get_data(as_text=True)
    assert MedicalRead.objects.count() == 2
    assert all("Migraine" not in str(entry.to_mongo()) for entry in Absence.objects.get(pk=absence.pk).audit)


def test_employee_page_shows_the_rolling_figures(people, auth):
    first = monday_weeks_ago(3)
    auth.login("boss@example.org")
    for offset in (0, 7):
        day = first + dt.timedelta(days=offset)
        record(auth, people["nurse"], first_day=iso(day))
        absence = Absence.objects.get(first_day=day)
        post(auth, f"/absences/{absence.pk}/end", {"last_day": iso(day + dt.timedelta(days=1)),
                                                    "version": absence.version}, page=f"/absences/{absence.pk}")
    page = auth.client.get(f"/employees/{people['nurse'].assignment_number}").get_data(as_text=True)
    policy = page[page.index('id="attendance-policy"'):]
    row = policy[policy.index("counting short-term absences"):policy.index("</tr>", policy.index("counting short"))]
    occasions, days, _, bradford = re.findall(r"<td>([\d.]+)</td>", row)
    assert occasions == "2" and 2 <= int(days) <= 4 and int(bradford) == 4 * int(days)   # 2² × days
    assert "<dt>Occasions</dt>" not in page        # one set of figures: the policy's, not a second of every absence


def test_a_changed_medical_detail_is_audited_without_its_text(people, auth):
    absence = _recorded(auth, people, reason_detail="Sprained ankle")
    post(auth, f"/absences/{absence.pk}/correct", {
        "first_day": iso(absence.first_day), "reason_category": "infections", "reason_detail": "Broken ankle",
        "correction_reason": "Detail was wrong", "version": absence.version})
    absence.reload()
    assert absence.reason_detail == "Broken ankle"
    assert absence.audit[-1].before == {"reason_detail": "(previous detail)"}
    assert absence.audit[-1].after == {"reason_detail": "(new detail)"}
    stored = str([entry.to_mongo() for entry in absence.audit])
    assert "ankle" not in stored and absence.audit[0].after["reason_detail"] == "(recorded)"


def test_the_service_refuses_an_interview_for_an_absence_going_on_or_already_interviewed(people, auth):
    """The rule is the service's, not only the page's: an interview follows the last day of absence, and is
    recorded once."""
    from services.absences.care import Interview, record_return_to_work
    from services.errors import Refused
    first = monday_weeks_ago(2)
    absence = _recorded(auth, people, first_day=iso(first))
    interview = Interview(held_on=TODAY, fit_for_work="fit")
    with pytest.raises(Refused, match="End the absence first"):
        record_return_to_work(absence, people["nurse"], interview, "Bea Boss", "boss@example.org", TODAY, None)
    page = f"/absences/{absence.pk}"
    post(auth, f"{page}/end", {"last_day": iso(first + dt.timedelta(days=1)), "version": absence.version}, page=page)
    absence.reload()
    record_return_to_work(absence, people["nurse"], interview, "Bea Boss", "boss@example.org", TODAY, None)
    with pytest.raises(Refused, match="already recorded on"):
        record_return_to_work(absence, people["nurse"], interview, "Bea Boss", "boss@example.org", TODAY, None)
    assert Absence.objects.get(pk=absence.pk).rtw.held_on == TODAY
