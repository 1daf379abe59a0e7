"""Outcomes of a stage: the policy's dates shown before saving, saved on the stage, refused before the
absences are associated, closing outcomes close the case, and a long-term case not closed by hand."""
from __future__ import annotations

import datetime as dt

import gridfs
import pytest
from bson import ObjectId
from markupsafe import escape
from mongoengine.connection import get_db

from documents import Case, User
from documents.case import AbsenceSnapshot, Stage
from services.accounts import set_dismissal_authority
from services.cases.letters import generate
from services.cases.tasks import add_stage_tasks, case_policy
from services.triggers import active_policy
from tests.app.held_meetings import hold_meeting
from tests.app.test_letters import ORG, text_of
from tests.conftest import csrf_token

D = dt.date
ENTERED = D(2026, 2, 16)


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    boss = make_employee(first_name="Bea")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    worker = make_employee(first_name="Wes", supervisor_assignment_number=boss.assignment_number)
    make_user("hr@example.org", ["hr"], hr_divisions=[worker.division])
    return {"worker": worker}


def make_case(employee, stage: str, kind: str = "STS", entered: dt.date = ENTERED,
              associated: bool = True, held: bool = True) -> Case:
    """A case sitting at `stage` since `entered` with that stage's tasks, its absences associated or not, and
    (when `held`) its meeting held on 2 March 2026 with the people the policy asks for."""
    active_policy()   # installs the presets on a fresh database
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                stage=stage, opened_on=entered, stages=[Stage(key=stage, entered_on=entered)])
    add_stage_tasks(case, employee, case_policy(case), entered)
    if associated:
        case.current_stage.associated_on = dt.datetime(2026, 2, 17, 9, 0)
        case.current_stage.associated_by = "bea@example.org"
    case.save_checked()
    return hold_meeting(case, D(2026, 3, 2)) if held else case


def post_outcome(auth, case, **fields):
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(html), "version": case.version, **fields}
    return auth.client.post(f"/cases/{case.pk}/outcome", data=data)


# A first written warning decided on Monday 2 March 2026, the letter dated Wednesday 4 March (council-2019,
# formal_1): live 6 months from the letter, to the day before 4 September; appeal within 2 weeks and 1 day
# of the letter; review 12 weeks after the decision.
WARNING = {"outcome_kind": "warning", "decided_on": "2026-03-02", "letter_dated": "2026-03-04",
           "target_occasions": "2", "target": "Ring in before 8am."}
WARNING_WORDS = [
    "Written warning and a review period, decided on 2 March 2026.",
    "Letter C4 confirms it.",
    "The first written warning is live until 3 September 2026.",
    "Attendance is reviewed until 25 May 2026.",
    "Appeal by 19 March 2026 (the line manager of the person who held the meeting, or another suitable manager).",
    "If attendance does not improve, next is the 2nd Formal Absence Review Meeting.",
]


def test_checking_the_dates_shows_them_and_saves_nothing(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'id="outcome"' in page and 'value="warning"' in page and 'value="more_time"' in page
    assert 'value="improved"' in page and 'name="step" value="save"' not in page
    checked = post_outcome(auth, case, **WARNING)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200
    for sentence in WARNING_WORDS:
        assert sentence in html
    assert 'name="step" value="save"' in html
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version and saved.current_stage.outcome is None


def test_the_preview_fragment_follows_the_choice(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert f'hx-post="/cases/{case.pk}/outcome/preview"' in html
    answer = auth.client.post(f"/cases/{case.pk}/outcome/preview", headers={"HX-Request": "true"},
                              data={"csrf_token": csrf_token(html), "version": case.version, **WARNING})
    fragment = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in fragment and 'id="outcome-plan"' in fragment
    assert all(sentence in fragment for sentence in WARNING_WORDS)
    more_time = auth.client.post(f"/cases/{case.pk}/outcome/preview", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(html), **WARNING, "outcome_kind": "more_time"}).get_data(as_text=True)
    assert "Letter C5 confirms it." in more_time and "written warning is live" not in more_time
    assert "Attendance is reviewed until 25 May 2026." in more_time
    late_letter = auth.client.post(f"/cases/{case.pk}/outcome/preview", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(html), **WARNING, "letter_dated": "2026-03-01"}).get_data(as_text=True)
    assert "The letter cannot be dated before the decision." in late_letter and "Save the outcome" not in late_letter


@pytest.mark.parametrize("stage, outcome, letter", [
    ("absence_support", "support_agreed", "C1"), ("formal_1", "warning", "C4"), ("formal_1", "more_time", "C5")])
def test_an_outcome_whose_letter_states_the_target_is_refused_without_it_beside_the_field(auth, people, stage,
                                                                                          outcome, letter):
    """Issue 15, point 2: the target is recorded in figures, required where the stage's letter states it, and
    checked on the outcome form (not only when the letter is made): nothing is saved without it."""
    case = make_case(people["worker"], stage)
    auth.login("bea@example.org")
    for step in ("check", "save"):
        answer = post_outcome(auth, case, outcome_kind=outcome, decided_on="2026-03-02", step=step,
                              target="Words alone are not the target.")
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400
        assert ('id="target_occasions-error"><span class="nhsuk-u-visually-hidden">Error:</span> Enter the attendance '
                f'target: the most occasions, the most working days, or both, in the review period. Letter {letter} '
                f'states it.') in html
    out_of_range = post_outcome(auth, case, outcome_kind=outcome, decided_on="2026-03-02", step="save",
                                target_occasions="2", target_days="100").get_data(as_text=True)
    assert 'id="target_days-error"><span class="nhsuk-u-visually-hidden">Error:</span> Enter a whole number from 0 ' \
           'to 99.' in out_of_range
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, saved.current_stage.outcome) == (case.version, None)


def test_saving_the_outcome_sets_the_stage_dates_with_an_audit_entry(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    saved_answer = post_outcome(auth, case, **WARNING, step="save", summary="Warning given, support offered.")
    assert saved_answer.status_code == 302 and saved_answer.headers["Location"].endswith("#flash")
    saved = Case.objects.get(pk=case.pk)
    stage, outcome = saved.current_stage, saved.current_stage.outcome
    assert (outcome.kind, outcome.decided_on, outcome.decided_by, outcome.letter, outcome.letter_dated) == (
        "warning", D(2026, 3, 2), "bea@example.org", "C4", D(2026, 3, 4))
    assert (outcome.review_date, outcome.warning_level, outcome.warning_expires_on, outcome.appeal_deadline,
            outcome.next_stage) == (D(2026, 5, 25), "first", D(2026, 9, 3), D(2026, 3, 19), "formal_2")
    assert (outcome.target, outcome.target_occasions, outcome.target_days) == (
        "No more than 2 occasions of sickness absence in the review period. Ring in before 8am.", 2, None)
    assert (stage.review_date, stage.warning_level, stage.warning_expires_on, stage.appeal_deadline) == (
        D(2026, 5, 25), "first", D(2026, 9, 3), D(2026, 3, 19))
    assert (saved.status, saved.stage) == ("open", "formal_1")
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.after["outcome"], entry.after["warning_expires_on"]) == (
        "outcome recorded", "bea@example.org", "warning", "2026-09-03")
    assert entry.reason == " ".join(WARNING_WORDS)
    assert "Warning given" not in str(entry.to_mongo())
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "First written warning, live until 3 September 2026" in page and "Appeal by" in page


@pytest.mark.parametrize("decided_on, field_message", [
    ("2099-01-05", "The decision cannot be dated in the future."),
    ("2026-02-13", "The decision cannot be before the stage began on 16 February 2026."),
    ("", "Enter the date the outcome was decided."),
])
def test_bad_dates_are_refused_beside_the_field(auth, people, decided_on, field_message):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    answer = post_outcome(auth, case, **{**WARNING, "decided_on": decided_on}, step="save")
    assert answer.status_code == 400 and field_message in answer.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).current_stage.outcome is None


def test_an_outcome_waits_for_the_association(auth, people):
    case = make_case(people["worker"], "formal_1", associated=False)
    auth.login("bea@example.org")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    section = page[page.index('id="outcome"'):page.index('id="notes"')]
    assert "Associate the absences with this stage first" in section and "Check the dates" not in section
    refused = post_outcome(auth, case, **WARNING, step="save")
    assert refused.status_code == 400
    assert "Associate the absences with this stage first" in refused.get_data(as_text=True)
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version and saved.current_stage.outcome is None


def test_improvement_closes_the_case_with_letter_c2(auth, people):
    case = make_case(people["worker"], "absence_support")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'value="support_agreed"' in html and 'value="improved"' in html and 'value="warning"' not in html
    checked = post_outcome(auth, case, outcome_kind="improved", decided_on="2026-05-11").get_data(as_text=True)
    assert "Letter C2 confirms it." in checked and "The case closes." in checked and "Appeal by" not in checked
    assert post_outcome(auth, case, outcome_kind="improved", decided_on="2026-05-11", step="save").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.closed_on, saved.closed_reason) == (
        "closed", D(2026, 5, 11), "Attendance improved: the review ends (letter C2)")
    assert saved.current_stage.left_on == D(2026, 5, 11)
    # the stage's tasks are cancelled; the manager is left the closing letter to send (Monday 18 May: 5 working days)
    [letter] = saved.open_tasks()
    assert (letter.kind, letter.due_on, letter.assignee, letter.title) == (
        "send_closing_letter", D(2026, 5, 18), "bea@example.org",
        f"Send {people['worker'].name} letter C2: attendance improved: the review ends")
    assert {task.status for task in saved.tasks if task is not letter} == {"cancelled"}
    assert saved.audit[-1].before["status"] == "open" and saved.audit[-1].after["status"] == "closed"


# What letter C7 gives of a dismissal (issue 15): when employment ends, the notice, who dismissed.
DISMISSAL_TERMS = {"termination_date": "2026-05-25", "notice_weeks": "12", "dismissed_by_name": "Sid Senior",
                   "dismissed_by_title": "Head of Nursing"}


def test_dismissal_at_the_third_formal_review_closes_the_case_with_the_panel_appeal(auth, people):
    case = make_case(people["worker"], "formal_3")
    set_dismissal_authority("hr@example.org", True, "admin@example.org")
    auth.login("hr@example.org")
    answer = post_outcome(auth, case, outcome_kind="dismissal", decided_on="2026-03-02", letter_dated="2026-03-04",
                          step="save", **DISMISSAL_TERMS)
    assert answer.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    outcome = saved.current_stage.outcome
    assert (outcome.letter, outcome.appeal_deadline, outcome.appeal_route) == (
        "C7", D(2026, 3, 19), "an appeals panel of councillors")
    assert (outcome.termination_date, outcome.notice_weeks, outcome.pay_in_lieu, outcome.dismissed_by_name,
            outcome.dismissed_by_title) == (D(2026, 5, 25), 12, False, "Sid Senior", "Head of Nursing")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "25 May 2026 (12 weeks' notice); dismissed by Sid Senior, Head of Nursing" in page
    recorded = next(entry for entry in saved.audit if entry.action == "outcome recorded")
    assert (recorded.after["termination_date"], recorded.after["dismissed_by_name"]) == ("2026-05-25", "Sid Senior")
    assert (saved.status, saved.closed_on, saved.closed_reason) == ("closed", D(2026, 3, 2), "Dismissal (letter C7)")
    assert [(task.kind, task.title) for task in saved.open_tasks()] == [
        ("send_outcome_letter", f"Send {people['worker'].name} letter C7: dismissal")]


@pytest.mark.parametrize("left_out, message", [
    ("termination_date", "Enter the date employment ends: letter C7 gives it."),
    ("notice_weeks", "Enter the notice period in weeks (paid in lieu or worked): letter C7 gives it."),
    ("dismissed_by_name", "Enter the name of the manager who dismisses: they sign letter C7."),
    ("dismissed_by_title", "Enter the dismissing manager's job title: letter C7 gives it."),
])
def test_a_dismissal_without_a_term_letter_c7_gives_is_refused_beside_that_field(auth, people, left_out, message):
    """Issue 15: "C7 is signed by the dismissing officer. It gives the termination date and the notice period or
    pay in lieu"; a dismissal without one is refused, the message beside the field, and nothing is saved."""
    case = make_case(people["worker"], "formal_3")
    auth.login("hr@example.org")
    for step in ("check", "save"):
        answer = post_outcome(auth, case, outcome_kind="dismissal", decided_on="2026-03-02", step=step,
                              **{**DISMISSAL_TERMS, left_out: ""})
        assert answer.status_code == 400
        html = answer.get_data(as_text=True)
        assert f'id="{left_out}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {escape(message)}' in html
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version, saved.current_stage.outcome) == ("open", case.version, None)


def test_the_dismissal_terms_are_not_asked_of_another_outcome(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("hr@example.org")
    assert 'name="termination_date"' not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert post_outcome(auth, case, step="save", **WARNING).status_code == 302
    assert Case.objects.get(pk=case.pk).current_stage.outcome.termination_date is None


def test_a_manager_cannot_close_a_long_term_case_at_the_welfare_stage(auth, people):
    case = make_case(people["worker"], "lts_welfare", kind="LTS")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'value="continue_support"' in html and 'value="progress"' in html
    for closing in ("redeployment", "ill_health_retirement", "dismissal", "improved"):
        assert f'value="{closing}"' not in html
    forged = post_outcome(auth, case, outcome_kind="redeployment", decided_on="2026-03-02", step="save")
    assert forged.status_code == 400
    assert "Choose one of the outcomes offered for this stage." in forged.get_data(as_text=True)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.version) == ("open", case.version)


def test_progress_moves_a_long_term_case_on_with_the_next_stage_tasks(auth, people):
    case = make_case(people["worker"], "lts_welfare", kind="LTS", held=False)
    auth.login("bea@example.org")
    refused = post_outcome(auth, case, outcome_kind="progress", decided_on="2026-03-02", step="save")
    assert refused.status_code == 400 and "is decided at the meeting" in refused.get_data(as_text=True)
    case = hold_meeting(Case.objects.get(pk=case.pk), D(2026, 3, 2))
    assert post_outcome(auth, case, outcome_kind="progress", decided_on="2026-03-02", step="save").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert saved.stage == "lts_case_conference" and saved.status == "open"
    assert [(stage.key, stage.entered_on, stage.left_on) for stage in saved.stages] == [
        ("lts_welfare", D(2026, 2, 16), D(2026, 3, 2)), ("lts_case_conference", D(2026, 3, 2), None)]
    assert {task.status for task in saved.tasks if task.stage_key == "lts_welfare"} == {"cancelled"}
    assert [task.kind for task in saved.open_tasks()][0] == "associate_absences"
    assert all(task.stage_key == "lts_case_conference" for task in saved.open_tasks())


def test_the_hearing_may_close_a_long_term_case_by_ill_health_retirement(auth, people):
    case = make_case(people["worker"], "lts_hearing", kind="LTS")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'value="ill_health_retirement"' in html and 'value="redeployment"' in html
    assert 'value="dismissal"' in html and 'value="progress"' not in html
    assert post_outcome(auth, case, outcome_kind="ill_health_retirement", decided_on="2026-03-02",
                        step="save").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.closed_reason) == ("closed", "Ill-health retirement (letter C8)")


# Issue 15, point 3: formal action only after the stage's meeting has been held, with the people and the notice the
# policy requires, and a dismissal only by someone with the authority to dismiss. The council policy, part 2:
# "Formal action will not be taken without a formal meeting" (paragraph 2); the 2nd formal meeting with an HR
# advisor present, the 3rd "chaired by a manager with the authority to dismiss" with HR, after "a minimum of five
# days' notice" (paragraph 8).


def refused(auth, case, **fields) -> str:
    answer = post_outcome(auth, case, **{"decided_on": "2026-03-02", "letter_dated": "2026-03-04", "step": "save",
                                         **fields})
    assert answer.status_code == 400
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, saved.current_stage.outcome, saved.status) == (case.version, None, "open")
    return answer.get_data(as_text=True)


def test_a_warning_without_its_meeting_held_is_refused_and_nothing_is_saved(auth, people):
    """Before the fix a line manager saved a warning with no meeting arranged."""
    case = make_case(people["worker"], "formal_1", held=False)
    auth.login("bea@example.org")
    html = refused(auth, case, **{**WARNING, "step": "save"})
    assert "Hold the 1st Formal Absence Review Meeting and record its notes first" in html


def test_a_meeting_arranged_but_not_yet_held_is_not_enough(auth, people):
    case = hold_meeting(make_case(people["worker"], "formal_1", held=False), D(2026, 3, 2))
    case.current_stage.meetings[0].held = False
    case.save_checked()
    auth.login("bea@example.org")
    assert "record its notes first" in refused(auth, case, **{**WARNING, "step": "save"})


def test_the_second_formal_meeting_held_without_hr_gives_no_final_warning(auth, people):
    case = hold_meeting(make_case(people["worker"], "formal_2", held=False), D(2026, 3, 2), roles=("manager",))
    auth.login("bea@example.org")
    html = refused(auth, case, **{**WARNING, "step": "save"})
    assert "did not have everyone the policy requires: hr advisor missing" in html


def test_the_third_formal_meeting_held_at_short_notice_dismisses_nobody(auth, people):
    case = make_case(people["worker"], "formal_3")
    case.current_stage.meetings[0].arranged_on = D(2026, 2, 27)   # 3 days before 2 March; the policy asks for 5
    case.save_checked()
    set_dismissal_authority("hr@example.org", True, "admin@example.org")
    auth.login("hr@example.org")
    html = refused(auth, case, outcome_kind="dismissal", **DISMISSAL_TERMS)
    assert "held without the notice the policy requires" in html


def test_only_someone_with_the_authority_to_dismiss_records_a_dismissal(auth, people):
    case = make_case(people["worker"], "formal_3")
    auth.login("hr@example.org")
    assert "Only someone with the authority to dismiss may record a dismissal" in refused(
        auth, case, outcome_kind="dismissal", **DISMISSAL_TERMS)
    set_dismissal_authority("hr@example.org", True, "admin@example.org")
    answer = post_outcome(auth, case, outcome_kind="dismissal", decided_on="2026-03-02", letter_dated="2026-03-04",
                          step="save", **DISMISSAL_TERMS)
    assert answer.status_code == 302 and Case.objects.get(pk=case.pk).status == "closed"


def test_attendance_improved_needs_no_meeting(auth, people):
    """The end of a review period with attendance improved is not formal action."""
    case = make_case(people["worker"], "formal_1", held=False)
    auth.login("bea@example.org")
    answer = post_outcome(auth, case, outcome_kind="improved", decided_on="2026-03-02", step="save")
    assert answer.status_code == 302 and Case.objects.get(pk=case.pk).status == "closed"


def test_the_authority_to_dismiss_is_given_and_taken_by_command_with_an_audit_entry(app, make_user):
    make_user("sam@example.org", ["hr"], hr_divisions=["Community Care"])
    runner = app.test_cli_runner()
    given = runner.invoke(args=["users", "set-authority", "sam@example.org", "--dismiss"])
    assert given.exit_code == 0 and "now holds the authority to dismiss" in given.output
    taken = runner.invoke(args=["users", "set-authority", "sam@example.org", "--no-dismiss"])
    assert taken.exit_code == 0 and "no longer holds" in taken.output
    audit = User.objects.get(email="sam@example.org").audit
    assert [(entry.action, entry.before["may_dismiss"], entry.after["may_dismiss"]) for entry in audit[-2:]] == [
        ("authority to dismiss given", False, True), ("authority to dismiss taken away", True, False)]
    unknown = runner.invoke(args=["users", "set-authority", "nobody@example.org", "--dismiss"])
    assert unknown.exit_code == 1 and len(unknown.output.strip().splitlines()) == 1


def test_improved_while_the_warning_is_live_keeps_it_and_c2_says_so(auth, people):
    """Issue 15, point 4: "improved" while a warning is live keeps the warning live until it expires and the case on
    continued monitoring; C2 ("no further action") only when no warning is live: otherwise it says the review has
    ended and the warning stays live until its date."""
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    assert post_outcome(auth, case, **WARNING, step="save").status_code == 302
    warned = Case.objects.get(pk=case.pk)
    checked = post_outcome(auth, warned, outcome_kind="improved", decided_on="2026-05-25").get_data(as_text=True)
    assert ("The first written warning stays live until 3 September 2026: the case stays on continued monitoring "
            "until then, and the letter says so.") in checked and "The case closes." not in checked
    assert post_outcome(auth, warned, outcome_kind="improved", decided_on="2026-05-25", step="save").status_code == 302
    kept = Case.objects.get(pk=case.pk)
    assert (kept.status, kept.current_stage.warning_level, kept.current_stage.warning_expires_on) == (
        "monitoring", "first", D(2026, 9, 3))
    assert [task.title for task in kept.open_tasks() if task.kind == "send_closing_letter"] == [
        f"Send {people['worker'].name} letter C2: the review has ended, the warning stays live"]
    entry = kept.audit[-1]
    assert (entry.before["status"], entry.after["status"], entry.after["warning_expires_on"]) == (
        "open", "monitoring", "2026-09-03")
    kept.current_stage.associated.append(AbsenceSnapshot(absence_id=ObjectId(), first_day=D(2026, 1, 14),
                                                         last_day=D(2026, 1, 14), reason_category="infections",
                                                         calendar_days=1, working_days=1, fte_days=1.0))
    kept.save_checked()
    record = generate(kept, "C2", "bea@example.org", D(2026, 5, 25), organisation=ORG)
    letter = text_of(gridfs.GridFS(get_db(), collection="letters").get(record.versions[0].file_id).read())
    assert "The review period has ended, but your first written warning stays live until 3 September 2026." in letter
    assert "no further action" not in letter
