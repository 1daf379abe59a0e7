"""The data-fix workspace: queues, amending a case (a reason for every change, the audit's before and after,
history kept), the associated absences, bulk corrections (dry run writes nothing, all or nothing, refusals by
row and field) from the page and the command, scope by division; the routing settings and the notices a flag
sends (a real SMTP server on 127.0.0.1)."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from documents import Absence, Case, Notification, Routing
from documents.case import Flag, Migration
from services import clock
from services.cases.outcomes import raise_flag
from services.settings import Settings
from tests.app.mail import BASE, free_port
from tests.app.test_notifications import body, send
from tests.app.test_outcomes import make_case
from tests.conftest import csrf_token

D = dt.date
TODAY = clock.today()


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    boss = make_employee(first_name="Bea", division="Community Care")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    worker = make_employee(first_name="Wes", last_name="Worker", supervisor_assignment_number=boss.assignment_number,
                           division="Community Care")
    other = make_employee(first_name="Ola", last_name="Other", division="Acute Medicine")
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    make_user("acute@example.org", ["hr"], hr_divisions=["Acute Medicine"])
    make_user("support@example.org", ["support"])
    make_user("admin@example.org", ["admin"])
    return {"worker": worker, "other": other, "boss": boss}


def page(auth, url: str) -> str:
    response = auth.client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def amend(auth, case, **fields):
    html = page(auth, f"/datafix/cases/{case.pk}")
    current = Case.objects.get(pk=case.pk).current_stage
    data = {"csrf_token": csrf_token(html), "version": Case.objects.get(pk=case.pk).version,
            "stage": current.key, "stage_started_on": current.entered_on.isoformat(),
            "warning_level": current.warning_level or "",
            "warning_expires_on": current.warning_expires_on.isoformat() if current.warning_expires_on else "",
            "review_date": current.review_date.isoformat() if current.review_date else "", "reason": "", **fields}
    return auth.client.post(f"/datafix/cases/{case.pk}", data=data)


def warned(worker) -> Case:
    """Wes's case at the 1st formal review since 16 February 2026, with a first warning and a review date."""
    case = make_case(worker, "formal_1")
    stage = case.current_stage
    stage.warning_level, stage.warning_expires_on, stage.review_date = "first", D(2026, 9, 3), D(2026, 5, 25)
    case.notes.create(author="bea@example.org", text="Spoke to Wes.")
    case.save_checked()
    return case


def test_a_correction_without_a_reason_is_refused_beside_the_field_and_changes_nothing(auth, people):
    case = warned(people["worker"])
    auth.login("support@example.org")
    refused = amend(auth, case, stage="absence_support", reason="  ")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'id="reason-error"' in html and "Give the reason for the correction: it is kept in the case history." in html
    saved = Case.objects.get(pk=case.pk)
    assert (saved.stage, saved.version, len(saved.audit)) == ("formal_1", case.version, len(case.audit))


def test_a_stage_correction_keeps_the_old_values_in_the_audit_and_deletes_nothing(auth, people):
    case = warned(people["worker"])
    old_tasks = {task.id for task in case.open_tasks()}
    auth.login("support@example.org")
    done = amend(auth, case, stage="absence_support", warning_level="", warning_expires_on="",
                 review_date="2026-05-18", reason="HR knew of the absence support meeting only (FAQ: in-flight data)")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/datafix/cases/{case.pk}")
    saved = Case.objects.get(pk=case.pk)
    stage = saved.current_stage
    assert (saved.stage, stage.key, stage.entered_on, stage.warning_level, stage.warning_expires_on,
            stage.review_date) == ("absence_support", "absence_support", D(2026, 2, 16), None, None, D(2026, 5, 18))
    entry = saved.audit[-1]
    assert (entry.actor, entry.action, entry.reason) == (
        "support@example.org", "stage corrected", "HR knew of the absence support meeting only (FAQ: in-flight data)")
    assert {key: entry.before[key] for key in ("stage", "stage_started_on", "warning_level", "warning_expires_on",
                                               "review_date")} == {
        "stage": "formal_1", "stage_started_on": "2026-02-16", "warning_level": "first",
        "warning_expires_on": "2026-09-03", "review_date": "2026-05-25"}
    assert {key: entry.after[key] for key in ("stage", "warning_level", "review_date")} == {
        "stage": "absence_support", "warning_level": None, "review_date": "2026-05-18"}
    # history kept: the stage is the same one (not a new one), notes, earlier audit entries and tasks all stay
    assert (len(saved.stages), len(saved.notes), len(saved.audit)) == (1, 1, len(case.audit) + 1)
    assert saved.audit[:-1] == case.audit
    cancelled = {task.id for task in saved.tasks if task.status == "cancelled"}
    assert cancelled == old_tasks
    added = [(task.kind, task.status) for task in saved.tasks if task.stage_key == "absence_support"]
    assert added == [("associate_absences", "done"), ("hold_meeting", "open"), ("send_outcome_letter", "open")]
    assert len(saved.tasks) == len(case.tasks) + 3
    html = page(auth, f"/datafix/cases/{case.pk}")
    assert "HR knew of the absence support meeting only" in html and "stage: formal_1 → absence_support" in html


def test_the_association_task_of_the_new_stage_is_done_when_absences_are_associated(auth, people):
    case = warned(people["worker"])     # make_case associates the absences
    auth.login("support@example.org")
    assert amend(auth, case, stage="formal_2", reason="Was at the 2nd review").status_code == 302
    saved = Case.objects.get(pk=case.pk)
    associate = [task for task in saved.tasks if task.stage_key == "formal_2" and task.kind == "associate_absences"]
    assert [(task.status, task.completed_by) for task in associate] == [("done", "support@example.org")]


def test_nothing_changed_needs_no_reason_and_writes_nothing(auth, people):
    case = warned(people["worker"])
    auth.login("support@example.org")
    same = amend(auth, case)
    assert same.status_code == 302
    assert Case.objects.get(pk=case.pk).version == case.version
    assert "Nothing changed." in page(auth, f"/datafix/cases/{case.pk}")


@pytest.mark.parametrize("fields, field, message", [
    ({"stage": "formal_9"}, "stage", "formal_9 is not a stage of this case&#39;s policy: use one of absence_support"),
    ({"stage_started_on": "2099-01-01"}, "stage_started_on", "The stage cannot begin in the future."),
    ({"warning_expires_on": ""}, "warning_expires_on", "Give the date the first warning expires."),
    ({"review_date": "2026-02-01"}, "review_date", "The review date cannot be before the stage began on 16 February"),
    ({"review_date": "31/02/2026"}, "review_date", "Enter a real date, for example 2026-03-02."),
])
def test_each_wrong_value_is_refused_beside_its_field(auth, people, fields, field, message):
    case = warned(people["worker"])
    auth.login("support@example.org")
    refused = amend(auth, case, reason="A reason", **fields)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'id="{field}-error"' in html and message in html
    assert Case.objects.get(pk=case.pk).version == case.version


def test_changing_the_associated_absences_needs_a_reason_and_keeps_before_and_after(auth, people):
    worker = people["worker"]
    case = make_case(worker, "formal_1", associated=False)
    first = Absence(employee=worker.pk, assignment_number=worker.assignment_number, first_day=D(2026, 1, 5),
                    last_day=D(2026, 1, 9), reason_category="infections")
    second = Absence(employee=worker.pk, assignment_number=worker.assignment_number, first_day=D(2026, 2, 2),
                     last_day=D(2026, 2, 3), reason_category="digestive")
    first.save_checked(), second.save_checked()
    auth.login("hr@example.org")
    html = page(auth, f"/datafix/cases/{case.pk}")
    assert f'value="{first.pk}"' in html and f'value="{second.pk}"' in html
    data = {"csrf_token": csrf_token(html), "version": case.version, "absence_ids": [str(first.pk)]}
    refused = auth.client.post(f"/datafix/cases/{case.pk}/absences", data={**data, "absences_reason": ""})
    assert refused.status_code == 400 and 'id="absences_reason-error"' in refused.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).current_stage.associated == []
    done = auth.client.post(f"/datafix/cases/{case.pk}/absences",
                            data={**data, "absences_reason": "Only the January absence triggered it"})
    assert done.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert [(s.absence_id, s.first_day, s.working_days) for s in saved.current_stage.associated] == [
        (first.pk, D(2026, 1, 5), 5)]
    entry = saved.audit[-1]
    assert (entry.action, entry.reason, entry.before["associated"], entry.after["associated"]) == (
        "absences associated", "Only the January absence triggered it", [], [str(first.pk)])
    # the other form's error (a stage correction without a reason) shows the stored ticks, never none
    refused = amend(auth, saved, stage="absence_support", reason="")
    assert refused.status_code == 400 and ticked(refused.get_data(as_text=True)) == [str(first.pk)]


def ticked(html: str) -> list[str]:
    """The values of the ticked absence boxes of the amend page."""
    return [re.search(r'value="([^"]+)"', box)[1] for box in re.findall(r'<input [^>]*name="absence_ids"[^>]*>', html)
            if " checked" in box]


def test_hr_of_another_division_gets_404_and_managers_403(auth, people):
    case = warned(people["worker"])
    auth.login("acute@example.org")
    assert auth.client.get(f"/datafix/cases/{case.pk}").status_code == 404
    html = page(auth, "/datafix")
    assert auth.client.post(f"/datafix/cases/{case.pk}", data={
        "csrf_token": csrf_token(html), "stage": "absence_support", "stage_started_on": "2026-02-16",
        "reason": "r"}).status_code == 404
    assert Case.objects.get(pk=case.pk).stage == "formal_1"
    assert str(case.pk) not in page(auth, "/datafix")
    auth.logout()
    auth.login("bea@example.org")
    assert auth.client.get("/datafix").status_code == 403
    assert auth.client.get(f"/datafix/cases/{case.pk}").status_code == 403
    assert auth.client.get("/admin/routing").status_code == 403


def test_the_queues_list_open_flags_and_unconfirmed_migrated_cases_in_scope(auth, people):
    flagged = warned(people["worker"])
    flagged.flags.append(Flag(kind="wrong_stage", raised_by="bea@example.org", stage_key="formal_1"))
    flagged.save_checked()
    migrated = make_case(people["other"], "absence_support")
    migrated.migrated = Migration(source_row={"stage": "absence_support"}, row_number=4, imported_by="support")
    migrated.save_checked()
    confirmed = make_case(people["other"], "lts_welfare", kind="LTS")
    confirmed.migrated = Migration(source_row={"stage": "lts_welfare"}, confirmed_at=dt.datetime(2026, 3, 1),
                                   confirmed_by="x@example.org")
    confirmed.save_checked()
    auth.login("support@example.org")
    html = page(auth, "/datafix")
    assert "Wrong stage (1)" in html and "Not my report (0)" in html
    assert "Migrated cases awaiting confirmation (1)" in html
    assert f"/datafix/cases/{flagged.pk}" in html and f"/datafix/cases/{migrated.pk}" in html
    assert f"/datafix/cases/{confirmed.pk}" not in html and "row 4" in html
    assert '<a class="nhsuk-header__navigation-link" href="/datafix" aria-current="page">Data fixes</a>' in html
    assert ">Routing<" not in html
    auth.logout()
    auth.login("hr@example.org")
    html = page(auth, "/datafix")
    assert "Wrong stage (1)" in html and "Migrated cases awaiting confirmation (0)" in html


CORRECTIONS = ("assignment_number,case_type,stage,stage_started_on,warning_level,warning_expires_on,review_date,"
               "reason\n{number},STS,absence_support,,none,none,2026-05-18,Stage known to HR\n")


def upload(auth, text: str):
    html = page(auth, "/datafix/corrections")
    return auth.client.post("/datafix/corrections", data={
        "csrf_token": csrf_token(html), "file": (io.BytesIO(text.encode()), "corrections.csv")},
        content_type="multipart/form-data")


def test_the_bulk_dry_run_shows_before_and_after_and_writes_nothing_then_applies(auth, people):
    case = warned(people["worker"])
    auth.login("support@example.org")
    checked = upload(auth, CORRECTIONS.format(number=people["worker"].assignment_number))
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "What would change" in html
    assert "stage: formal_1 → absence_support" in html and "warning_level: first → none" in html
    assert "warning_expires_on: 3 September 2026 → none" in html
    assert "review_date: 25 May 2026 → 18 May 2026" in html
    assert Case.objects.get(pk=case.pk).version == case.version
    applied = auth.client.post("/datafix/corrections/apply", data={
        "csrf_token": csrf_token(html), "csv_text": CORRECTIONS.format(number=people["worker"].assignment_number)})
    assert applied.status_code == 200 and "Corrections applied: correct 1, unchanged 0, refused 0." in \
        applied.get_data(as_text=True)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.stage, saved.current_stage.warning_level, saved.current_stage.review_date) == (
        "absence_support", None, D(2026, 5, 18))
    assert (saved.audit[-1].actor, saved.audit[-1].reason) == ("datafix by support@example.org", "Stage known to HR")


def test_a_refused_row_stops_every_row_and_each_refusal_is_named(auth, people):
    good = warned(people["worker"])
    other = make_case(people["other"], "formal_1")
    text = ("case_id,stage,review_date,reason\n"
            f"{good.pk},formal_2,,Was at the 2nd review\n"
            f"{other.pk},formal_9,2026-13-01,\n"
            ",formal_1,,x\n")
    auth.login("support@example.org")
    refused = upload(auth, text)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Refused: nothing can be applied" in html
    assert "review_date: Enter a date as YYYY-MM-DD, for example 2026-03-02 (not 2026-13-01)." in html
    assert "case_id: Give the case_id, or the assignment_number and case_type." in html
    assert "Apply these corrections" not in html
    assert Case.objects.get(pk=good.pk).version == good.version
    forged = auth.client.post("/datafix/corrections/apply", data={"csrf_token": csrf_token(html), "csv_text": text})
    assert forged.status_code == 400
    assert Case.objects.get(pk=good.pk).stage == "formal_1"
    # the other division's HR advisor cannot reach Wes's case through a file either
    auth.logout()
    auth.login("acute@example.org")
    hidden = upload(auth, f"case_id,stage,reason\n{good.pk},formal_2,r\n").get_data(as_text=True)
    assert f"case_id: There is no case {good.pk} you can fix." in hidden


def test_the_datafix_apply_command_dry_runs_applies_and_refuses_by_row(app, people, tmp_path):
    case = warned(people["worker"])
    file = tmp_path / "corrections.csv"
    file.write_text(CORRECTIONS.format(number=people["worker"].assignment_number), encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["datafix", "apply", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (f"row 2 ({people['worker'].assignment_number} STS): stage: formal_1 → absence_support; warning_level: "
            "first → none; warning_expires_on: 3 September 2026 → none; review_date: 25 May 2026 → 18 May 2026") \
        in dry.output
    assert "correct 1, unchanged 0, refused 0" in dry.output and "Dry run: nothing was written." in dry.output
    assert Case.objects.get(pk=case.pk).version == case.version
    done = runner.invoke(args=["datafix", "apply", str(file)])
    assert done.exit_code == 0 and Case.objects.get(pk=case.pk).stage == "absence_support"
    again = runner.invoke(args=["datafix", "apply", str(file)])
    assert "correct 0, unchanged 1, refused 0" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,stage,reason\nnot-an-id,formal_1,x\n", encoding="utf-8")
    refused = runner.invoke(args=["datafix", "apply", str(bad)])
    assert refused.exit_code == 1
    assert "row 2 (case not-an-id): case_id: There is no case not-an-id you can fix." in refused.output
    assert "1 row refused, so nothing was applied: fix them and run again." in refused.output
    nothing = runner.invoke(args=["datafix", "apply", str(tmp_path / "missing.csv")])
    assert nothing.exit_code == 1 and "missing.csv: no such file." in nothing.output


def save_routing_page(auth, **fields):
    html = page(auth, "/admin/routing")
    return auth.client.post("/admin/routing", data={"csrf_token": csrf_token(html), "version": fields.pop(
        "version", Routing.current().version if Routing.current() else 0), **fields})


def test_routing_settings_are_checked_beside_each_field_saved_and_audited(auth, people):
    auth.login("admin@example.org")
    html = page(auth, "/admin/routing")
    assert "Acute Medicine: HR team e-mail address" in html and "Community Care: HR team e-mail address" in html
    refused = save_routing_page(auth, hierarchy_admin_email="esr admin", **{
        "divisions-0-name": "Acute Medicine", "divisions-0-hr_email": "acute.hr",
        "divisions-1-name": "Community Care", "divisions-1-hr_email": "",
        "divisions-2-name": "", "divisions-2-hr_email": "lost@example.org"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and Routing.current() is None
    for field, message in (("hierarchy_admin_email", "Enter an e-mail address like name@example.org."),
                           ("divisions-0-hr_email", "Enter an e-mail address like name@example.org."),
                           ("divisions-2-name", "Enter the division&#39;s name, or clear its e-mail address.")):
        assert f'id="{field}-error"' in html and message in html
    assert "<li>Acute Medicine: Enter an e-mail address like name@example.org.</li>" in html   # the summary too
    saved = save_routing_page(auth, hierarchy_admin_email="esr.admin@example.org", **{
        "divisions-0-name": "Acute Medicine", "divisions-0-hr_email": "",
        "divisions-1-name": "Community Care", "divisions-1-hr_email": "communitycare.hr@example.org",
        "divisions-2-name": "", "divisions-2-hr_email": ""})
    assert saved.status_code == 302
    routing = Routing.current()
    assert (routing.hierarchy_admin_email, routing.hr_email("Community Care"), routing.hr_email("Acute Medicine")) \
        == ("esr.admin@example.org", "communitycare.hr@example.org", None)
    [entry] = routing.audit
    assert (entry.actor, entry.before, entry.after) == ("admin@example.org", {
        "hierarchy_admin_email": None, "division Community Care": None}, {
        "hierarchy_admin_email": "esr.admin@example.org", "division Community Care": "communitycare.hr@example.org"})
    stale = save_routing_page(auth, version=0, hierarchy_admin_email="other@example.org")
    assert stale.status_code == 400 and "Someone else changed this record" in stale.get_data(as_text=True)


@pytest.fixture
def routed(people):
    Routing(hierarchy_admin_email="esr.admin@example.org", divisions=[
        {"name": "Community Care", "hr_email": "communitycare.hr@example.org"}]).save_checked()
    return people


def flag(auth, case, kind: str):
    html = page(auth, f"/cases/{case.pk}")
    return auth.client.post(f"/cases/{case.pk}/flags", data={"csrf_token": csrf_token(html), "version": case.version,
                                                              "kind": kind, "flag_comment": "Her back pain is worse"})


def test_not_my_report_notifies_the_hierarchy_admin_and_the_division_hr_team(auth, routed, inbox):
    case = warned(routed["worker"])
    auth.login("bea@example.org")
    assert flag(auth, case, "not_my_report").status_code == 302
    number = routed["worker"].assignment_number
    assert inbox.subjects() == [
        ("communitycare.hr@example.org", f"Casebook: not my report: Wes Worker ({number})"),
        ("esr.admin@example.org", f"Casebook: not my report: Wes Worker ({number})")]
    text = body(inbox.to("esr.admin@example.org")[0], "plain")
    assert (f"bea@example.org flagged Wes Worker ({number})'s short-term case (Community Care, stage formal_1) as "
            "“not my report”.") in text
    assert f"{BASE}/cases/{case.pk}" in text and f"{BASE}/hr/flags" in text
    assert "back pain" not in text     # the comment may hold medical detail: it stays in Casebook
    assert [(n.kind, n.status) for n in Notification.objects] == [("notice", "sent")] * 2


def test_wrong_stage_notifies_the_division_hr_team_only(auth, routed, inbox):
    case = warned(routed["worker"])
    auth.login("bea@example.org")
    assert flag(auth, case, "wrong_stage").status_code == 302
    assert [recipient for recipient, _ in inbox.subjects()] == ["communitycare.hr@example.org"]


def test_a_notice_the_mail_server_does_not_take_is_sent_by_notify_send(app, routed, inbox, monkeypatch):
    case = warned(routed["worker"])
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    with app.test_request_context():
        raise_flag(case, "wrong_stage", "bea@example.org", mail=Settings.from_config(app.config).mail)
    [kept] = Notification.objects
    assert (kept.kind, kept.status, kept.recipient) == ("notice", "failed", "communitycare.hr@example.org")
    assert Case.objects.get(pk=case.pk).flags[-1].status == "open"
    monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
    result = send(app, TODAY)
    assert result.exit_code == 0, result.output
    number = routed["worker"].assignment_number
    assert f"communitycare.hr@example.org: Casebook: wrong stage: Wes Worker ({number}) (attempt 2)" in result.output
    assert [m["Subject"] for m in inbox.to("communitycare.hr@example.org")] == [
        f"Casebook: wrong stage: Wes Worker ({number})"]
    assert (Notification.objects.get(pk=kept.pk).status, Notification.objects.get(pk=kept.pk).attempts) == ("sent", 2)


def test_without_routing_a_flag_sends_nothing(auth, people, inbox):
    case = warned(people["worker"])
    auth.login("bea@example.org")
    assert flag(auth, case, "wrong_stage").status_code == 302
    assert inbox.messages == [] and Notification.objects.count() == 0


def test_correcting_a_migrated_case_settles_whether_its_stage_is_right(auth, people):
    """HR moving a migrated case's stage answers "Is this stage right?": the confirmation task is done, the case
    leaves the queue of migrated cases awaiting confirmation, and the audit entry of the correction says so."""
    from services.imports.inflight import import_inflight
    worker = people["worker"]
    row = {"assignment_number": worker.assignment_number, "case_type": "STS", "stage": "formal_1",
           "stage_started_on": "2026-01-05", "warning_level": "", "warning_expires_on": "", "review_date": "",
           "notes": ""}
    assert import_inflight([row], "support@example.org", "import", TODAY).applied
    case = Case.objects.get(employee=worker.pk)
    auth.login("bea@example.org")
    assert "Is this stage right?" in page(auth, f"/cases/{case.pk}")
    auth.logout()
    auth.login("hr@example.org")
    assert f"/datafix/cases/{case.pk}" in page(auth, "/datafix")
    response = amend(auth, case, stage="formal_2", reason="Our letter of 2 March: 2nd formal review")
    assert response.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    task = next(task for task in saved.tasks if task.kind == "confirm_migrated")
    assert (task.status, task.completed_by) == ("done", "hr@example.org")
    assert (saved.stage, saved.migrated.corrected_by, saved.migrated.confirmed_at) == (
        "formal_2", "hr@example.org", None)
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.reason, entry.before["migrated_stage"], entry.after["migrated_stage"],
            entry.after["stage"]) == ("stage corrected", "hr@example.org", "Our letter of 2 March: 2nd formal review",
                                      "awaiting confirmation", "corrected", "formal_2")
    assert f"/datafix/cases/{case.pk}" not in page(auth, "/datafix")
    assert 'corrected by <span title="hr@example.org">Hr</span>' in page(auth, f"/datafix/cases/{case.pk}")
    auth.logout()
    auth.login("bea@example.org")
    html = page(auth, f"/cases/{case.pk}")
    assert "Is this stage right?" not in html and "This stage is right" not in html
    assert 'The stage was corrected by <span title="hr@example.org">Hr</span>' in html
