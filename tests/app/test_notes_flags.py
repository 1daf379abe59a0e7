"""Notes never move a stage; a manager's request not to progress goes to HR; HR's decisions by role;
slowing a long-term case snoozes its reminders; "wrong stage" and "not my report" flags from the case and
the team page, in the division's HR queue, resolved with an audit entry."""
from __future__ import annotations

import datetime as dt
import html

import pytest

from documents import Case
from services import clock
from services.cases.tasks import hr_queue
from tests.app.test_outcomes import make_case
from tests.conftest import csrf_token

TODAY = clock.today()


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    boss = make_employee(first_name="Bea")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    worker = make_employee(first_name="Wes", last_name="Worker", supervisor_assignment_number=boss.assignment_number)
    make_user("hr@example.org", ["hr"], hr_divisions=[worker.division])
    make_user("elsewhere@example.org", ["hr"], hr_divisions=["Acute Medicine"])
    make_user("support@example.org", ["support"])
    make_user("admin@example.org", ["admin"])
    return {"worker": worker}


def post(auth, case, url: str, **fields):
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    return auth.client.post(f"/cases/{case.pk}/{url}", data={"csrf_token": csrf_token(html),
                                                            "version": case.version, **fields})


def test_a_note_never_moves_the_stage(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "A note never changes a stage." in page
    assert post(auth, case, "notes", text="Wes asked to move the meeting.").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.stage, saved.status, len(saved.stages), len(saved.open_tasks())) == (
        "formal_1", "open", 1, len(case.open_tasks()))
    [note] = saved.notes
    assert (note.author, note.kind, note.text) == ("bea@example.org", "note", "Wes asked to move the meeting.")
    entry = saved.audit[-1]
    assert (entry.action, entry.after["note"], entry.before["stage"], entry.after["stage"]) == (
        "note added", note.id, "formal_1", "formal_1")
    assert "Wes asked" not in str(entry.to_mongo())
    empty = post(auth, saved, "notes", text="  ")
    assert empty.status_code == 400 and "Write the note." in empty.get_data(as_text=True)


def _part(html: str, heading: str) -> str:
    """The case page from the heading `heading` (an id) to the end of its section."""
    start = html.index(f'id="{heading}"')
    return html[start:html.index("</section>", start)]


def test_the_message_is_said_in_the_part_it_concerns_and_takes_the_focus(auth, people):
    """Issue 19: a note's message is in the notes, focused (a redirect to #flash; autofocus on a form sent
    back); none is said at the top of the page."""
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    added = post(auth, case, "notes", text="Wes asked to move the meeting.")
    assert added.status_code == 302 and added.headers["Location"].endswith(f"/cases/{case.pk}#flash")
    page = auth.client.get(added.headers["Location"]).get_data(as_text=True)
    notes = _part(page, "notes-title")
    assert page.count('id="flash"') == 1 and 'id="flash" class="cb-feedback" tabindex="-1" autofocus' in notes
    assert "Note added. A note never changes the stage." in notes
    assert 'id="flash"' not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)   # said once
    refused = post(auth, Case.objects.get(pk=case.pk), "notes", text="")
    notes = _part(refused.get_data(as_text=True), "notes-title")
    assert refused.status_code == 400 and 'autofocus data-feedback="notes"' in notes
    assert '<a href="#text">Write the note.</a>' in notes      # the problem, linked to its field


def test_notes_are_listed_newest_first(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    post(auth, case, "notes", text="First note")
    post(auth, Case.objects.get(pk=case.pk), "notes", text="Second note")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert html.index("Second note") < html.index("First note")


def test_asking_not_to_progress_gives_hr_a_task_and_is_not_a_decision(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    asked = post(auth, case, "progress-request", request_reason="A phased return has just been agreed.")
    assert asked.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    task = saved.open_tasks()[-1]
    assert (task.kind, task.assignee, task.stage_key) == ("decide_progress", hr_queue(people["worker"].division),
                                                          "formal_1")
    assert task.title == ("Decide whether to progress Wes Worker's case beyond 1st Formal Absence Review Meeting: "
                          "the manager asks not to")
    assert (saved.notes[-1].kind, saved.notes[-1].text) == ("request", "A phased return has just been agreed.")
    assert (saved.stage, saved.status, saved.audit[-1].action) == ("formal_1", "open", "asked HR not to progress")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Your request not to progress is waiting for the division's HR advisors to decide." in html
    again = post(auth, saved, "progress-request", request_reason="Again")
    assert again.status_code == 400 and "HR already has this request to decide." in again.get_data(as_text=True)


def test_only_hr_decides_and_continued_monitoring_keeps_the_stage(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    post(auth, case, "progress-request", request_reason="Phased return agreed.")
    case = Case.objects.get(pk=case.pk)
    assert "Record the decision" not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert post(auth, case, "decision", decision="close", decision_reason="x").status_code == 403
    auth.logout()
    auth.login("hr@example.org")
    missing = post(auth, case, "decision", decision="monitoring")
    assert missing.status_code == 400 and "Give the reason for the decision." in missing.get_data(as_text=True)
    assert post(auth, case, "decision", decision="monitoring",
                decision_reason="Attendance is improving with the phased return.").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.stage) == ("monitoring", "formal_1")
    assert [task.status for task in saved.tasks if task.kind == "decide_progress"] == ["done"]
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.reason, entry.before["status"], entry.after["status"]) == (
        "HR decision: keep it on continued monitoring at the current stage", "hr@example.org",
        "Attendance is improving with the phased return.", "open", "monitoring")
    assert saved.notes[-1].kind == "decision"
    again = post(auth, saved, "decision", decision="monitoring", decision_reason="Still")
    assert again.status_code == 400 and "already on continued monitoring" in again.get_data(as_text=True)


def test_hr_going_ahead_gives_the_manager_the_review_meeting_and_moves_nothing_or_closes_it(auth, people):
    """Council policy, part 2, paragraph 2: formal action is never automatic; the stage moves only when the
    outcome of a held meeting is recorded (issue 15, point 2), so HR's "go ahead" is the review meeting to hold."""
    case = make_case(people["worker"], "formal_1")
    auth.login("hr@example.org")
    assert post(auth, case, "decision", decision="progress", decision_reason="No improvement.").status_code == 302
    moved = Case.objects.get(pk=case.pk)
    assert (moved.stage, moved.status, len(moved.stages)) == ("formal_1", "open", 1)
    [review] = [task for task in moved.open_tasks() if task.kind == "review_meeting"]
    assert (review.assignee, review.stage_key) == ("bea@example.org", "formal_1")
    assert review.title.endswith("HR decided to go ahead (No improvement.)")
    assert moved.audit[-1].action == ("HR decision: go ahead: the manager holds the review meeting, which may move "
                                      "it on")
    assert post(auth, moved, "decision", decision="close", decision_reason="Employee has left.").status_code == 302
    closed = Case.objects.get(pk=case.pk)
    assert (closed.status, closed.closed_on, closed.closed_reason) == (
        "closed", TODAY, "HR closed the case: Employee has left.")
    assert closed.open_tasks() == []


def test_slowing_a_long_term_case_needs_a_reason_an_hr_name_and_a_date(auth, people):
    case = make_case(people["worker"], "lts_welfare", kind="LTS")
    auth.login("bea@example.org")
    empty = post(auth, case, "snooze", snooze_reason="", agreed_by="", snooze_until="")
    text = empty.get_data(as_text=True)
    assert empty.status_code == 400
    assert all(message in text for message in ("Say why the case should slow down.", "Name the HR advisor who agreed.",
                                               "Enter the date reminders start again."))
    latest = TODAY + dt.timedelta(weeks=12)
    too_far = post(auth, case, "snooze", snooze_reason="Awaiting a consultant's appointment",
                   agreed_by="Hana Rashid", snooze_until=(latest + dt.timedelta(days=1)).isoformat())
    assert too_far.status_code == 400
    assert (f"no later than {latest.day} {latest.strftime('%B %Y')} (12 weeks on)" in too_far.get_data(as_text=True))
    until = TODAY + dt.timedelta(weeks=4)
    assert post(auth, case, "snooze", snooze_reason="Awaiting a consultant's appointment", agreed_by="Hana Rashid",
                snooze_until=until.isoformat()).status_code == 302
    saved = Case.objects.get(pk=case.pk)
    note = saved.notes[-1]
    assert (note.kind, note.text, note.agreed_by_hr, note.snooze_until) == (
        "snooze", "Awaiting a consultant's appointment", "Hana Rashid", until)
    assert saved.open_tasks() and {task.snoozed_until for task in saved.open_tasks()} == {until}
    entry = saved.audit[-1]
    assert (entry.action, entry.reason, entry.after["snoozed_until"], entry.after["agreed_by_hr"]) == (
        "reminders snoozed", "Agreed by Hana Rashid (HR)", until.isoformat(), "Hana Rashid")
    assert "consultant" not in str(entry.to_mongo())
    assert (saved.stage, saved.status) == ("lts_welfare", "open")


def test_a_short_term_case_offers_no_slow_down(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    assert "Snooze the reminders" not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    refused = post(auth, case, "snooze", snooze_reason="x", agreed_by="Hana", snooze_until=(
        TODAY + dt.timedelta(days=7)).isoformat())
    assert refused.status_code == 400 and "Only an open long-term case can be slowed down." in refused.get_data(
        as_text=True)


def test_a_wrong_stage_flag_is_one_click_from_the_case_and_resolved_by_the_division_hr(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    assert "Flag: wrong stage" in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert post(auth, case, "flags", kind="wrong_stage").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    [flag] = saved.flags
    assert (flag.kind, flag.raised_by, flag.status, flag.stage_key, flag.comment) == (
        "wrong_stage", "bea@example.org", "open", "formal_1", None)
    assert saved.audit[-1].action == "flag raised: wrong stage"
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Flag: wrong stage" not in page and "Waiting for the division's HR advisors." in page
    assert auth.client.get("/hr/flags").status_code == 403
    auth.logout()
    auth.login("elsewhere@example.org")
    assert "No flags are waiting." in auth.client.get("/hr/flags").get_data(as_text=True)
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert auth.client.post(f"/hr/flags/{case.pk}/{flag.id}/resolve", data={
        "csrf_token": csrf_token(queue), "resolution": "x"}).status_code == 404
    auth.logout()
    auth.login("support@example.org")
    assert "No flags are waiting." in auth.client.get("/hr/flags").get_data(as_text=True)  # not a hierarchy flag
    auth.logout()
    auth.login("hr@example.org")
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert "Wes Worker" in queue and "Wrong stage" in queue and "1st Formal Absence Review Meeting" in queue
    empty = auth.client.post(f"/hr/flags/{case.pk}/{flag.id}/resolve", data={"csrf_token": csrf_token(queue),
                                                                             "resolution": ""})
    assert empty.status_code == 400 and "Say what was done about the flag." in empty.get_data(as_text=True)
    done = auth.client.post(f"/hr/flags/{case.pk}/{flag.id}/resolve", data={
        "csrf_token": csrf_token(queue), "resolution": "Support moved the case back to the absence support stage."})
    assert done.status_code == 302 and done.headers["Location"] == "/hr/flags"
    resolved = Case.objects.get(pk=case.pk)
    assert (resolved.flags[0].status, resolved.flags[0].resolved_by) == ("resolved", "hr@example.org")
    entry = resolved.audit[-1]
    assert (entry.action, entry.reason, entry.before["flag"], entry.after["flag"]) == (
        "flag resolved: wrong stage", "Support moved the case back to the absence support stage.",
        "wrong stage: open", "wrong stage: resolved")
    assert "No flags are waiting." in auth.client.get("/hr/flags").get_data(as_text=True)
    again = auth.client.post(f"/hr/flags/{case.pk}/{flag.id}/resolve", data={
        "csrf_token": csrf_token(queue), "resolution": "Resolved twice (a second advisor, or a second click)."})
    assert again.status_code == 400 and "That flag is not waiting to be resolved." in again.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).version == resolved.version


def test_not_my_report_on_the_team_page_asks_for_a_comment_says_what_it_did_and_can_be_withdrawn(
        auth, people, make_employee):
    case = make_case(people["worker"], "formal_1")
    make_employee(first_name="Nell", supervisor_assignment_number=people["worker"].supervisor_assignment_number)
    auth.login("bea@example.org")
    team = auth.client.get("/team").get_data(as_text=True)
    assert team.count(">Confirm: not my report<") == 1          # Wes has an open case, Nell has none
    url = f"/team/{people['worker'].assignment_number}/not-my-report"
    assert f'action="{url}?page=1"' in team
    # Asked without a comment: the list again, the form open with the message beside the comment; nothing flagged.
    empty = auth.client.post(url, data={"csrf_token": csrf_token(team), "comment": "  "})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "<details class=\"nhsuk-details cb-row-details\" open>" in page
    assert "Say why Wes Worker does not report to you, for HR and the hierarchy administrator." in page
    assert Case.objects.get(pk=case.pk).flags == []
    done = auth.client.post(url + "?page=1", data={"csrf_token": csrf_token(team),
                                                   "comment": "Wes moved to Ward 9 in May."}, follow_redirects=True)
    page = html.unescape(done.get_data(as_text=True))
    assert done.status_code == 200 and done.request.path == "/team"
    assert ("Wes Worker: 1 open case flagged “not my report”. The division's HR advisors and the hierarchy "
            "administrator will correct who they report to") in page
    assert "Flagged “not my report”: waiting for HR" in page and ">Confirm: not my report<" not in page
    saved = Case.objects.get(pk=case.pk)
    [flag] = saved.flags
    assert (flag.kind, flag.raised_by, flag.status, flag.comment) == (
        "not_my_report", "bea@example.org", "open", "Wes moved to Ward 9 in May.")
    [waiting] = [task for task in saved.open_tasks() if task.kind == "resolve_flag"]
    assert (waiting.id, waiting.assignee, waiting.due_on) == (f"flag-{flag.id}", hr_queue(people["worker"].division),
                                                              TODAY)
    assert saved.audit[-1].action == "flag raised: not my report"
    again = auth.client.post(url, data={"csrf_token": csrf_token(team), "comment": "Again."}, follow_redirects=True)
    assert "Wes Worker is already flagged “not my report”: nothing more was sent." in html.unescape(
        again.get_data(as_text=True))
    assert len(Case.objects.get(pk=case.pk).flags) == 1     # a second confirmation flags nothing more
    auth.logout()
    for login in ("support@example.org", "hr@example.org", "admin@example.org"):
        auth.login(login)
        queue = auth.client.get("/hr/flags").get_data(as_text=True)
        assert "Wes Worker" in queue and "Not my report" in queue, login
        auth.logout()
    auth.login("elsewhere@example.org")
    assert "Wes Worker" not in auth.client.get("/hr/flags").get_data(as_text=True)
    auth.logout()
    # Withdrawn by the manager who raised it: the flag is closed as withdrawn, HR's task cancelled, one audit entry.
    auth.login("bea@example.org")
    withdrawn = auth.client.post(url + "/withdraw?page=1", data={"csrf_token": csrf_token(team)},
                                 follow_redirects=True)
    page = html.unescape(withdrawn.get_data(as_text=True))
    assert "Wes Worker: “not my report” withdrawn from 1 case." in page and ">Confirm: not my report<" in page
    saved = Case.objects.get(pk=case.pk)
    assert (saved.flags[0].status, saved.flags[0].resolution) == ("resolved", "Withdrawn by the manager who raised it")
    assert [task.status for task in saved.tasks if task.kind == "resolve_flag"] == ["cancelled"]
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.before["flag"], entry.after["flag"]) == (
        "flag withdrawn: not my report", "bea@example.org", "not my report: open", "not my report: withdrawn")
    nothing = auth.client.post(url + "/withdraw", data={"csrf_token": csrf_token(team)}, follow_redirects=True)
    assert "No “not my report” flag of yours is waiting on Wes Worker's cases." in html.unescape(
        nothing.get_data(as_text=True))


def test_a_flag_waits_in_hr_s_tasks_and_badge_and_the_manager_who_raised_it_is_told(auth, people, inbox):
    from documents import User
    from services.reads.inbox import badge_counts
    case = make_case(people["worker"], "formal_1")
    hr, bea = User.objects.get(email="hr@example.org"), User.objects.get(email="bea@example.org")
    before = badge_counts(hr, TODAY), badge_counts(bea, TODAY)
    auth.login("bea@example.org")
    post(auth, case, "flags", kind="wrong_stage")
    [flag] = Case.objects.get(pk=case.pk).flags
    auth.logout()
    auth.login("hr@example.org")
    assert badge_counts(hr, TODAY) == (before[0][0] + 1, before[0][1])    # due today: open, not yet overdue
    tasks = auth.client.get("/tasks").get_data(as_text=True)
    assert "Resolve the “wrong stage” flag on the case" in tasks
    assert f'href="/datafix/cases/{case.pk}">Amend the case' in tasks
    assert f'href="/hr/flags#flag-{flag.id}">Resolve it in the Flags queue' in tasks
    # The task is the flag's: only resolving the flag completes it.
    refused = post(auth, Case.objects.get(pk=case.pk), f"tasks/flag-{flag.id}/complete")
    assert "Resolve the flag in the Flags queue, saying what was done: that completes this task." in (
        refused.get_data(as_text=True))
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert f'id="flag-{flag.id}"' in queue and f'href="/datafix/cases/{case.pk}">Amend the case' in queue
    done = auth.client.post(f"/hr/flags/{case.pk}/{flag.id}/resolve", data={
        "csrf_token": csrf_token(queue), "resolution": "Moved back to the absence support stage."},
        follow_redirects=True)
    assert "Flag resolved. The case history records what was done, and Bea" in done.get_data(as_text=True)
    assert "who raised it, has been told." in done.get_data(as_text=True)
    assert badge_counts(hr, TODAY) == before[0]
    saved = Case.objects.get(pk=case.pk)
    assert [task.status for task in saved.tasks if task.kind == "resolve_flag"] == ["done"]
    [told] = [task for task in saved.open_tasks() if task.kind == "flag_answered"]
    assert (told.assignee, told.due_on, told.title) == (
        "bea@example.org", TODAY, "HR resolved your “wrong stage” flag: read what was done")
    assert badge_counts(bea, TODAY) == (before[1][0] + 1, before[1][1])
    [(recipients, message)] = [sent for sent in inbox.messages if sent[0] == ["bea@example.org"]]
    assert message["Subject"] == "Casebook: your “wrong stage” flag was resolved: Wes Worker"
    body = message.get_body(("plain",)).get_content()
    assert f"/cases/{case.pk}#notes" in body and "Moved back" not in body     # the words are read on the case
    auth.logout()
    auth.login("bea@example.org")
    mine = auth.client.get("/tasks").get_data(as_text=True)
    assert f'href="/cases/{case.pk}#flags">Read what was done' in mine
    read = post(auth, saved, f"tasks/{told.id}/complete")
    assert read.status_code == 302 and badge_counts(bea, TODAY) == before[1]


def test_a_manager_cannot_flag_someone_outside_their_team(auth, people, make_employee, make_user):
    stranger = make_employee(first_name="Sam")
    make_case(stranger, "formal_1")
    auth.login("bea@example.org")
    team = auth.client.get("/team").get_data(as_text=True)
    assert auth.client.post(f"/team/{stranger.assignment_number}/not-my-report",
                            data={"csrf_token": csrf_token(team)}).status_code == 404
    assert Case.objects.get(employee=stranger.pk).flags == []


def test_a_refusal_about_the_whole_case_is_said_at_the_top_and_beside_the_note(auth, people):
    """A note based on a version someone else has since changed is refused: the words stand at the top of the
    page (the notes form may be far down it) and beside the note itself, and the second note is not saved."""
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    assert post(auth, case, "notes", text="First note").status_code == 302
    stale = post(auth, case, "notes", text="Second note, from the page as it was")
    page = stale.get_data(as_text=True).replace("&#39;", "'")
    assert stale.status_code == 400
    assert page.count("Someone else changed this record") == 2
    assert 'id="text-error"' in page
    assert [note.text for note in Case.objects.get(pk=case.pk).notes] == ["First note"]


HEALTH = "He is off with depression, not under me"


def test_a_flag_comment_may_hold_health_information_so_support_never_reads_it(auth, people):
    case = make_case(people["worker"], "formal_1")
    auth.login("bea@example.org")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert page.count("No medical detail: say what is wrong with the case, not why they are off.") == 2
    post(auth, case, "flags", kind="not_my_report", flag_comment=HEALTH)
    post(auth, Case.objects.get(pk=case.pk), "flags", kind="wrong_stage", flag_comment=HEALTH + " (stage)")
    assert HEALTH in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)   # the manager who wrote it
    auth.logout()
    auth.login("support@example.org")
    saved = Case.objects.get(pk=case.pk)
    seen = {url: auth.client.get(url) for url in (f"/cases/{case.pk}", "/hr/flags", "/datafix")}
    seen["refused note"] = post(auth, saved, "notes", text=" ")       # the case page again, as a 400
    seen["htmx"] = auth.client.get(f"/cases/{case.pk}", headers={"HX-Request": "true"})
    for url, response in seen.items():
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400) and "Wes Worker" in html, url
        assert "depression" not in html, url
    assert "Not my report" in seen["/hr/flags"].get_data(as_text=True)    # support still resolves it
    for login in ("hr@example.org", "admin@example.org"):
        auth.logout()
        auth.login(login)
        for url in (f"/cases/{case.pk}", "/hr/flags", "/datafix"):
            assert HEALTH in auth.client.get(url).get_data(as_text=True), (login, url)


def test_support_who_is_also_hr_reads_comments_in_their_own_divisions_only(auth, people, make_user, make_employee):
    other = make_employee(first_name="Olu", last_name="Other", division="Acute Medicine")
    cases = [make_case(people["worker"], "formal_1"), make_case(other, "formal_1")]
    for case in cases:
        case.flags.create(kind="not_my_report", raised_by="someone@example.org", comment=f"{HEALTH} {case.pk}")
        case.save()
    make_user("both@example.org", ["support", "hr"], hr_divisions=[people["worker"].division])
    auth.login("both@example.org")
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert f"{HEALTH} {cases[0].pk}" in queue and "Olu Other" in queue and f"{HEALTH} {cases[1].pk}" not in queue
