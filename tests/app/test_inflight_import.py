"""Migrating in-flight cases: the command, each refusal, the cases created, idempotent re-runs, the upload
page, and the manager's confirmation on the case page."""
from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest

from casework.absences import long_date
from casework.inflight_feed import COLUMNS
from casework.workflow import due_on
from documents import Absence, Case, Employee, User
from documents.open_task import OpenTask
from documents.reading import EACH_UP_TO
from services import clock
from services.imports import inflight
from tests.app.test_absence_import import feed, finished
from tests.conftest import csrf_token, database_commands_sent, largest_in


def inflight_file(rows: list[dict]) -> str:
    return feed(rows, COLUMNS)


def case_row(number: str, **values) -> dict:
    return {"assignment_number": number, "case_type": "STS", "stage": "formal_1", "stage_started_on": "2026-01-05",
            "warning_level": "first", "warning_expires_on": "2026-07-04", "review_date": "2026-04-06",
            "notes": "Stage 1 letter sent on 8 January", **values}


@pytest.fixture
def staff(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("staff", lambda: build_staff(make_employee, make_user))


def build_staff(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    return {"boss": boss, "anna": make_employee(first_name="Anna", last_name="Ash",
                                                supervisor_assignment_number=boss.assignment_number),
            "ben": make_employee(first_name="Ben", last_name="Birch",
                                 supervisor_assignment_number=boss.assignment_number)}


@pytest.fixture
def good_file(staff, tmp_path):
    path = tmp_path / "inflight.csv"
    path.write_text(inflight_file([
        case_row(staff["anna"].assignment_number),
        case_row(staff["ben"].assignment_number, case_type="LTS", stage="lts_welfare", stage_started_on="2026-02-02",
                 warning_level="", warning_expires_on="", review_date="", notes=""),
    ]))
    return path


def run_import(app, *args):
    return app.test_cli_runner().invoke(args=["import", "inflight", *map(str, args)])


def state() -> dict:
    return {(row["assignment_number"], row["kind"]): (row["version"], len(row["audit"]), len(row["tasks"]))
            for row in Case._get_collection().find({}, {"assignment_number": 1, "kind": 1, "version": 1, "audit": 1,
                                                        "tasks": 1})}


def test_dry_run_reports_without_writing(app, good_file):
    result = run_import(app, good_file, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, refused 0" in result.stdout
    assert "Dry run: nothing was written." in result.stdout and Case.objects.count() == 0


def test_import_creates_each_case_at_its_stage(app, staff, good_file):
    result = run_import(app, good_file)
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, refused 0" in result.stdout
    anna = staff["anna"]
    case = Case.objects.get(employee=anna.pk)
    assert (case.kind, case.status, case.stage, case.opened_on, case.policy_key, case.policy_revision,
            case.version) == ("STS", "open", "formal_1", dt.date(2026, 1, 5), "council-2019", 1, 1)
    assert (case.division, case.manager_path) == (anna.division, [staff["boss"].assignment_number])
    [stage] = case.stages
    assert (stage.key, stage.entered_on, stage.review_date, stage.warning_level, stage.warning_expires_on) == (
        "formal_1", dt.date(2026, 1, 5), dt.date(2026, 4, 6), "first", dt.date(2026, 7, 4))
    assert case.migrated.source_row == case_row(anna.assignment_number)
    assert (case.migrated.row_number, case.migrated.confirmed_at) == (2, None)
    assert case.migrated.imported_by.startswith("import:inflight.csv by ")
    [note] = case.notes
    assert note.text == "Migrated from the previous system: Stage 1 letter sent on 8 January"
    assert note.author == case.migrated.imported_by
    [entry] = case.audit
    assert (entry.action, entry.after["stage"], entry.after["warning_expires_on"]) == (
        "case migrated", "formal_1", "2026-07-04")
    today = clock.today()
    tasks = [(task.kind, task.assignee, task.due_on) for task in case.tasks]
    assert tasks == [("associate_absences", "bea@example.org", due_on(today, 2, "ENG")),
                     ("send_invite", "bea@example.org", due_on(today, 5, "ENG")),
                     ("hold_meeting", "bea@example.org", due_on(today, 15, "ENG")),
                     ("send_outcome_letter", "bea@example.org", due_on(today, 20, "ENG")),
                     ("confirm_migrated", "bea@example.org", due_on(today, 5, "ENG"))]
    assert case.tasks[-1].title == "Confirm Anna Ash's stage: 1st Formal Absence Review Meeting since 5 January 2026"
    rows = OpenTask.objects(holder=case.pk).order_by("due_on")      # the kept rows the task lists read
    assert [(row.kind, row.assignee, row.last_name, row.case_kind) for row in rows][:1] == [
        ("associate_absences", "bea@example.org", "Ash", "STS")] and rows.count() == 5
    assert Employee.objects.get(pk=case.employee).summary.case_kinds == ["STS"]
    lts = Case.objects.get(employee=staff["ben"].pk)
    assert (lts.kind, lts.stage, lts.stages[0].warning_level, lts.stages[0].review_date, lts.notes) == (
        "LTS", "lts_welfare", None, None, [])


def test_re_running_the_same_file_changes_nothing(app, good_file):
    assert run_import(app, good_file).exit_code == 0
    before = state()
    result = run_import(app, good_file)
    assert result.exit_code == 0 and "created 0, updated 0, unchanged 2, refused 0" in result.stdout
    assert state() == before and len(before) == 2


def test_each_refusal_is_named_by_row_and_field_and_nothing_is_applied(app, staff, tmp_path, make_employee):
    anna, ben = staff["anna"].assignment_number, staff["ben"].assignment_number
    carl = make_employee(first_name="Carl", supervisor_assignment_number=staff["boss"].assignment_number)
    Case(employee=carl.pk, assignment_number=carl.assignment_number, division=carl.division, kind="STS",
         policy_key="council-2019", policy_revision=1, stage="absence_support", opened_on=dt.date(2026, 3, 2),
         stages=[{"key": "absence_support", "entered_on": dt.date(2026, 3, 2)}]).save_checked()
    path = tmp_path / "inflight.csv"
    path.write_text(inflight_file([
        case_row(anna),
        case_row("NOBODY"),
        case_row(ben, stage="formal_9"),
        case_row(ben, case_type="LTS", stage="lts_welfare", review_date="2026-01-01", warning_level="",
                 warning_expires_on=""),
        case_row(anna, case_type="LTS", stage="lts_welfare", warning_level=""),
        case_row(anna, stage="formal_2"),
        case_row(carl.assignment_number),
    ]))
    result = run_import(app, path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:-1] == [
        "row 3 (NOBODY): assignment_number: No employee has the assignment number NOBODY.",
        f"row 4 ({ben}): stage: 'formal_9' is not a stage of council-2019; the short-term stages are "
        "absence_support, formal_1, formal_2, formal_3.",
        f"row 5 ({ben}): review_date: The review must be after the stage started on 2026-01-05.",
        f"row 6 ({anna}): warning_level: Give the level (first or final) of the warning expiring on 2026-07-04, "
        "or leave warning_expires_on empty.",
        f"row 7 ({anna}): case_type: {anna} already has a short-term case on row 2 of this file.",
        f"row 8 ({carl.assignment_number}): case_type: {carl.assignment_number} already has an open short-term "
        "case (absence_support since 2026-03-02).",
    ]
    assert lines[-1] == "created 1, updated 0, unchanged 0, refused 6"
    assert "6 rows refused, so nothing was applied" in result.stderr
    assert Case.objects.count() == 1


@pytest.fixture
def long_term_file(staff, make_employee, tmp_path):
    """Ben (row 2) has no absence open today; Cara (row 3) has been off since 1 October and goes on."""
    cara = make_employee(first_name="Cara", last_name="Cole",
                         supervisor_assignment_number=staff["boss"].assignment_number)
    Absence(employee=cara.pk, assignment_number=cara.assignment_number, first_day=dt.date(2026, 10, 1),
            reason_category="infections").save_checked()
    Absence(employee=staff["ben"].pk, assignment_number=staff["ben"].assignment_number,
            first_day=dt.date(2026, 10, 1), last_day=dt.date(2026, 11, 6), reason_category="infections").save_checked()
    path = tmp_path / "inflight.csv"
    path.write_text(inflight_file([
        case_row(number, case_type="LTS", stage="lts_welfare", stage_started_on="2026-10-29", warning_level="",
                 warning_expires_on="", review_date="", notes="")
        for number in (staff["ben"].assignment_number, cara.assignment_number)]))
    staff["cara"] = cara
    return path


def test_a_long_term_case_for_someone_not_off_is_warned_in_the_dry_run_and_said_in_its_task(app, auth, staff,
                                                                                           long_term_file):
    """Policy part 2, paragraph 9: a long-term case follows "Any absence of over four weeks". Ben's absence ended
    on 6 November, so his row is warned (not refused) and his confirmation task asks whether the case is live."""
    ben, today = staff["ben"].assignment_number, clock.today()
    dry = run_import(app, long_term_file, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[:-1] == [
        f"row 2 ({ben}): warning: {ben} has no open absence on {today.isoformat()}: check that the long-term case "
        "is still live. The case is created, and its manager's confirmation task says so.",
        "created 2, updated 0, unchanged 0, refused 0"]
    assert Case.objects.count() == 0
    assert run_import(app, long_term_file).exit_code == 0
    confirm = {case.assignment_number: case.tasks[-1].title for case in Case.objects}
    assert confirm == {
        ben: f"Confirm Ben Birch's stage: Welfare Contact and Meeting since 29 October 2026 (no open absence on "
             f"{long_date(today)}: is the long-term case still live?)",
        staff["cara"].assignment_number: "Confirm Cara Cole's stage: Welfare Contact and Meeting since 29 October 2026"}
    assert [case.migrated.warnings for case in Case.objects.order_by("assignment_number")] == [
        [dry.stdout.splitlines()[0].split(": warning: ")[1]], []]
    auth.login("bea@example.org")
    panel = auth.client.get(f"/cases/{Case.objects.get(assignment_number=ben).pk}").get_data(as_text=True)
    assert f"When it was imported: {ben} has no open absence on {today.isoformat()}" in panel
    assert "Is this stage right?" in panel


def test_the_upload_page_shows_the_warning_on_its_row(auth, make_user, staff, long_term_file):
    make_user("support@example.org", ["support"])
    auth.login("support@example.org")
    page = auth.client.get("/imports/inflight").get_data(as_text=True)
    response = auth.client.post("/imports/inflight", data={"csrf_token": csrf_token(page), "file": (
        io.BytesIO(long_term_file.read_bytes()), "inflight.csv")}, content_type="multipart/form-data")
    job = finished(response.headers["Location"].rsplit("/", 1)[1])
    assert job.counts == {"created": 2, "updated": 0, "unchanged": 0, "refused": 0}
    assert [(row["row"], row["action"], len(row["warnings"])) for row in job.rows] == [
        (2, "created", 1), (3, "created", 0)]
    shown = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert f"{staff['ben'].assignment_number} has no open absence on" in shown and "What is wrong or to check" in shown
    assert "Apply these changes" in shown


def test_skip_invalid_creates_the_valid_rows_and_writes_the_report(app, staff, tmp_path):
    path, report = tmp_path / "inflight.csv", tmp_path / "refused.csv"
    path.write_text(inflight_file([case_row(staff["anna"].assignment_number),
                                   case_row(staff["ben"].assignment_number, warning_expires_on="2025-12-01")]))
    result = run_import(app, path, "--skip-invalid", "--report", report)
    assert result.exit_code == 0, result.output
    assert "created 1, updated 0, unchanged 0, refused 1" in result.stdout
    assert list(Case.objects.scalar("assignment_number")) == [staff["anna"].assignment_number]
    [refused] = list(csv.DictReader(io.StringIO(report.read_text())))
    assert (refused["assignment_number"], refused["row"], refused["errors"]) == (
        staff["ben"].assignment_number, "3",
        "warning_expires_on: The warning must expire after the stage started on 2026-01-05.")


def test_the_migration_keeps_no_unknown_column_and_no_notes_in_the_audit_trail(app, staff, tmp_path):
    """A row's extra columns (a diagnosis, say) are kept nowhere; its notes become the case's note only."""
    path = tmp_path / "inflight.csv"
    path.write_text(feed([case_row(staff["anna"].assignment_number, notes="Off with depression",
                                   diagnosis="Major depressive disorder", **{"gp notes": "sertraline"})],
                         (*COLUMNS, "diagnosis", "gp notes")))
    assert run_import(app, path).exit_code == 0
    case = Case.objects.get(employee=staff["anna"].pk)
    [entry] = case.audit
    assert entry.action == "case migrated"
    assert set(entry.after) == set(COLUMNS) - {"notes"}
    audit = str(Case._get_collection().find_one({"_id": case.pk}, {"audit": 1}))
    assert "depress" not in audit.lower() and "sertraline" not in audit
    assert "sertraline" not in str(Case._get_collection().find_one({"_id": case.pk}))
    assert set(case.migrated.source_row) == set(COLUMNS)
    assert [note.text for note in case.notes] == ["Migrated from the previous system: Off with depression"]


def test_the_refused_rows_report_leaves_out_notes_and_unknown_columns(app, staff, tmp_path):
    path, report = tmp_path / "inflight.csv", tmp_path / "refused.csv"
    path.write_text(feed([case_row("=HYPERLINK(\"http://evil.example\")", notes="Off with depression",
                                   diagnosis="Depression")], (*COLUMNS, "diagnosis")))
    assert run_import(app, path, "--skip-invalid", "--report", report).exit_code == 0
    [refused] = list(csv.DictReader(io.StringIO(report.read_text())))
    assert list(refused) == [name for name in COLUMNS if name != "notes"] + ["row", "errors"]
    assert refused["assignment_number"] == "'=HYPERLINK(\"http://evil.example\")"
    assert "epression" not in report.read_text()


def test_the_command_fails_with_a_one_line_reason_for_a_file_without_the_columns(app, tmp_path):
    path = tmp_path / "inflight.csv"
    path.write_text("assignment_number,case_type\nA1,STS\n")
    result = run_import(app, path)
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "the header lacks the columns stage, stage_started_on, warning_level" in result.stderr


def test_more_rows_than_two_chunks(app, tmp_path, capsys, monkeypatch):
    """300 cases for staff of 100 managers who sign in (each task goes to its manager's login): more rows than
    two of the import's chunks, written 100 rows a chunk (CHUNK is 500; 1,200 rows at that size took half of
    this file's time)."""
    monkeypatch.setattr(inflight, "CHUNK", 100)
    assert inflight.CHUNK * 2 < 300
    bosses, numbers = [f"S{n:03d}" for n in range(100)], [f"M{n:05d}" for n in range(300)]
    Employee.objects.insert([Employee(assignment_number=number, first_name="Pat", last_name=number, fte=1.0,
                                      division="Community Care", start_date=dt.date(2020, 1, 6), version=1,
                                      supervisor_assignment_number=bosses[n % 100] if number in numbers else None)
                             for n, number in enumerate(numbers + bosses)], load_bulk=False)
    User.objects.insert([User(email=f"{boss.lower()}@example.org", name=boss, roles=["manager"],
                              assignment_number=boss, password_hash="x") for boss in bosses], load_bulk=False)
    path = tmp_path / "big.csv"
    path.write_text(inflight_file([case_row(number, stage=("absence_support", "formal_1", "formal_2")[n % 3])
                                   for n, number in enumerate(numbers)]))
    start = time.perf_counter()
    result = run_import(app, path)
    took = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    assert "created 300, updated 0, unchanged 0, refused 0" in result.stdout
    assert Case.objects.count() == 300
    assert Case.objects(assignment_number="M00251").first().tasks[-1].assignee == "s051@example.org"  # 251 % 100
    start = time.perf_counter()
    assert "unchanged 300" in run_import(app, path).stdout
    again = time.perf_counter() - start
    with capsys.disabled():
        print(f"\n300-row in-flight import: {took:.1f} s; re-run (unchanged): {again:.1f} s")


# The manager's confirmation on the case page


@pytest.fixture
def migrated(app, staff, good_file, auth):
    assert run_import(app, good_file).exit_code == 0
    auth.login("bea@example.org")
    return Case.objects.get(employee=staff["anna"].pk)


def post_on_case(client, case, url: str, **data):
    page = client.get(f"/cases/{case.pk}").get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), "version": str(case.version), **data})


def test_the_case_page_shows_the_source_row_and_the_two_answers(auth, migrated):
    page = auth.client.get(f"/cases/{migrated.pk}").get_data(as_text=True)
    assert "Migrated from the previous system" in page and "Is this stage right?" in page
    assert "Stage 1 letter sent on 8 January" in page and "2026-07-04" in page and "Row 2 of the in-flight file" in page
    assert "This stage is right" in page and "This stage is wrong" in page
    assert page.index('id="migrated"') < page.index('id="tasks"')
    assert '<a href="#migrated">Say whether the stage is right</a>' in page   # the task's action, not "Mark as done"
    assert "Confirm Anna Ash&#39;s stage: 1st Formal Absence Review Meeting since 5 January 2026" in page


def test_this_stage_is_right_confirms_it(auth, migrated):
    response = post_on_case(auth.client, migrated, f"/cases/{migrated.pk}/migration/confirm")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{migrated.pk}#flash")
    case = Case.objects.get(pk=migrated.pk)
    assert (case.migrated.confirmed_by, case.version) == ("bea@example.org", 2)
    task = next(task for task in case.tasks if task.kind == "confirm_migrated")
    assert (task.status, task.completed_by) == ("done", "bea@example.org")
    assert (case.audit[-1].action, case.audit[-1].after["migrated_stage"]) == ("migrated stage confirmed", "confirmed")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'The stage was confirmed by <span title="bea@example.org">Bea</span>' in page
    assert "This stage is right" not in page
    again = post_on_case(auth.client, case, f"/cases/{case.pk}/migration/confirm")
    assert again.status_code == 400 and "not waiting for its migrated stage to be confirmed" in again.get_data(
        as_text=True)


def test_this_stage_is_wrong_flags_it_for_hr_and_completes_the_task(auth, make_user, migrated):
    response = post_on_case(auth.client, migrated, f"/cases/{migrated.pk}/migration/wrong-stage",
                            wrong_stage_comment="She is on the 2nd formal review since March")
    assert response.status_code == 302
    case = Case.objects.get(pk=migrated.pk)
    [flag] = case.flags
    assert (flag.kind, flag.status, flag.raised_by, flag.comment, flag.stage_key) == (
        "wrong_stage", "open", "bea@example.org", "She is on the 2nd formal review since March", "formal_1")
    task = next(task for task in case.tasks if task.kind == "confirm_migrated")
    assert (task.status, case.migrated.confirmed_at, case.stage) == ("done", None, "formal_1")
    assert [entry.action for entry in case.audit[-2:]] == ["flag raised: wrong stage", "migrated stage reported wrong"]
    auth.logout()
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    auth.login("hr@example.org")
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert "She is on the 2nd formal review since March" in queue and "Anna Ash" in queue


def test_mark_as_done_cannot_complete_the_confirmation(auth, migrated):
    task = next(task for task in migrated.tasks if task.kind == "confirm_migrated")
    response = post_on_case(auth.client, migrated, f"/cases/{migrated.pk}/tasks/{task.id}/complete")
    assert response.status_code == 400
    assert "Say whether the migrated stage is right" in response.get_data(as_text=True)
    assert Case.objects.get(pk=migrated.pk).tasks[-1].status == "open"


def test_the_confirmation_task_is_in_the_managers_inbox(auth, migrated):
    inbox = auth.client.get("/tasks").get_data(as_text=True)
    assert "Confirm Anna Ash&#39;s stage: 1st Formal Absence Review Meeting since 5 January 2026" in inbox


# The upload page


@pytest.mark.parametrize("roles, status", [(["support"], 200), (["admin"], 200), (["hr"], 403), (["manager"], 403)])
def test_upload_page_is_for_support_and_admin(auth, make_user, staff, roles, status):
    make_user("someone@example.org", roles, assignment_number=staff["boss"].assignment_number,
              hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get("/imports/inflight").status_code == status


def test_upload_checks_then_applies_with_outcomes_by_row(auth, make_user, staff, good_file):
    make_user("support@example.org", ["support"])
    auth.login("support@example.org")
    page = auth.client.get("/imports/inflight").get_data(as_text=True)
    assert "Import in-flight cases" in page and 'action="/imports/inflight"' in page
    bad = good_file.read_text() + "NOBODY,STS,formal_1,2026-01-05,,,,\n"
    refused = auth.client.post("/imports/inflight", data={"csrf_token": csrf_token(page),
                                                          "file": (io.BytesIO(b"assignment_number\nX\n"), "i.csv")},
                               content_type="multipart/form-data")
    assert refused.status_code == 400 and "it lacks case_type, stage" in refused.get_data(as_text=True)
    response = auth.client.post("/imports/inflight", data={"csrf_token": csrf_token(page),
                                                           "file": (io.BytesIO(bad.encode()), "inflight.csv")},
                                content_type="multipart/form-data")
    job = finished(response.headers["Location"].rsplit("/", 1)[1])
    assert (job.kind, job.status, job.counts) == ("inflight", "checked",
                                                  {"created": 2, "updated": 0, "unchanged": 0, "refused": 1})
    assert [(row["row"], row["key"], row["action"]) for row in job.rows] == [
        (2, "STS", "created"), (3, "LTS", "created"), (4, "STS", "refused")]
    shown = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert "In-flight cases import" in shown and '<th scope="col">Case type</th>' in shown
    assert "No employee has the assignment number NOBODY." in shown and Case.objects.count() == 0
    auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": csrf_token(shown), "skip_invalid": "y"})
    job = finished(job.pk)
    assert job.status == "applied" and Case.objects.count() == 2
    case = Case.objects.get(employee=staff["anna"].pk)
    assert (case.migrated.row_number, case.migrated.imported_by) == (2, "import:inflight.csv by support@example.org")


def test_who_is_off_sick_is_read_by_employee_for_a_few_and_in_one_pass_for_many(make_employee):
    """The long-term rows' check for an open absence: one indexed read per employee for a few; for more, the
    absences open today are read in one pass and kept for those employees, with the same answer; never `$in`."""
    from bson import ObjectId
    today = dt.date(2026, 11, 23)
    off, back, other = make_employee(), make_employee(), make_employee()
    for person, last in ((off, None), (back, dt.date(2026, 11, 20)), (other, None)):
        Absence(employee=person.pk, assignment_number=person.assignment_number, first_day=dt.date(2026, 11, 2),
                last_day=last, reason_category="infections").save_checked()
    few = [off.pk, back.pk]
    many = few + [ObjectId() for _ in range(EACH_UP_TO)]
    with database_commands_sent() as sent:
        assert inflight._off_sick(few, today) == {off.pk}
    finds = [command["filter"] for command in sent if "find" in command]
    assert sorted(str(found["employee"]) for found in finds) == sorted(map(str, few))   # one read each
    with database_commands_sent() as sent:
        assert inflight._off_sick(many, today) == {off.pk}
    finds = [command["filter"] for command in sent if "find" in command]
    assert len(finds) == 1 and "employee" not in finds[0]    # 502 ids: one pass
    assert largest_in(sent) == 0
