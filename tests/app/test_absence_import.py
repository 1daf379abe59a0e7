"""Importing absences.csv: the command, the bulk writes, idempotent re-runs and the upload page."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time

import pytest

from casework.absence_feed import COLUMNS
from casework.feed_templates import TEMPLATE_COLUMNS
from documents import Absence, Employee, ImportJob
from services.imports import absences
from tests.conftest import csrf_token

AS_OF = "2026-03-31"


def feed(rows: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def absence_row(absence_id: str, number: str, first: str, last: str = "", **values) -> dict:
    return {"absence_id": absence_id, "assignment_number": number, "first_day": first, "last_day": last,
            "reason_category": "Flu", "reason_detail": "Temperature", "work_related": "N", "pregnancy_related": "N",
            "disability_related": "N", "rtw_date": "", "rtw_by_assignment_number": "", **values}


@pytest.fixture
def staff(built_once, make_employee):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("staff", lambda: build_staff(make_employee))


def build_staff(make_employee):
    boss = make_employee(first_name="Bea", last_name="Boss")
    return {"boss": boss, "anna": make_employee(first_name="Anna", supervisor_assignment_number=boss.assignment_number),
            "ben": make_employee(first_name="Ben", supervisor_assignment_number=boss.assignment_number)}


@pytest.fixture
def good_file(staff, tmp_path):
    anna, ben, boss = staff["anna"].assignment_number, staff["ben"].assignment_number, staff["boss"].assignment_number
    path = tmp_path / "absences.csv"
    path.write_text(feed([
        absence_row("AB1", anna, "2026-03-02", "2026-03-04", rtw_date="2026-03-05", rtw_by_assignment_number=boss),
        absence_row("AB2", anna, "2026-03-16", reason_category="stress"),
        absence_row("AB3", ben, "2026-02-02", "2026-02-02", work_related="Y"),
    ]))
    return path


def run_import(app, *args):
    return app.test_cli_runner().invoke(args=["import", "absences", *map(str, args), "--as-of", AS_OF])


def state() -> dict:
    """Each absence's version and number of audit entries, by absence id."""
    return {row["external_id"]: (row["version"], len(row["audit"]))
            for row in Absence._get_collection().find({}, {"external_id": 1, "version": 1, "audit": 1})}


def test_dry_run_reports_without_writing(app, good_file):
    result = run_import(app, good_file, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "created 3, updated 0, unchanged 0, refused 0" in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert Absence.objects.count() == 0


def test_import_creates_absences_with_audit_and_interview(app, staff, good_file):
    result = run_import(app, good_file)
    assert result.exit_code == 0, result.output
    assert "created 3, updated 0, unchanged 0, refused 0" in result.stdout
    first = Absence.objects.get(external_id="AB1")
    assert (first.source, first.version, first.working_days_lost, first.employee) == ("import", 1, 3, staff["anna"].pk)
    assert (first.rtw.held_on, first.rtw.held_by, first.rtw.day_number) == (dt.date(2026, 3, 5), "Bea Boss", 1)
    assert first.reason_category == "infections" and first.reason_detail == "Temperature"
    [entry] = first.audit
    assert entry.action == "absence imported" and entry.actor.startswith("import:absences.csv by ")
    assert entry.after["reason_detail"] == "(recorded)" and "Temperature" not in str(entry.to_mongo())
    ongoing = Absence.objects.get(external_id="AB2")
    assert ongoing.last_day is None and ongoing.working_days_lost is None and ongoing.reason_category == "mental_health"


def test_re_running_the_same_file_changes_nothing(app, good_file):
    assert run_import(app, good_file).exit_code == 0
    before = state()
    result = run_import(app, good_file)
    assert result.exit_code == 0 and "created 0, updated 0, unchanged 3, refused 0" in result.stdout
    assert state() == before


def test_a_changed_row_updates_with_an_audit_entry(app, staff, good_file, tmp_path):
    assert run_import(app, good_file).exit_code == 0
    changed = tmp_path / "changed.csv"
    changed.write_text(feed([absence_row("AB2", staff["anna"].assignment_number, "2026-03-16", "2026-03-20",
                                         reason_category="stress", reason_detail="Bereavement")]))
    result = run_import(app, changed)
    assert "created 0, updated 1, unchanged 0, refused 0" in result.stdout
    absence = Absence.objects.get(external_id="AB2")
    assert (absence.version, absence.last_day, absence.working_days_lost) == (2, dt.date(2026, 3, 20), 5)
    entry = absence.audit[-1]
    assert entry.action == "absence updated by feed"
    assert entry.before == {"last_day": None, "reason_detail": "(previous detail)"}
    assert entry.after == {"last_day": "2026-03-20", "reason_detail": "(new detail)"}


def test_the_feed_keeps_what_was_said_at_an_interview_recorded_in_casebook(app, staff, good_file, tmp_path):
    assert run_import(app, good_file).exit_code == 0
    Absence.objects(external_id="AB1").update_one(set__rtw__notes="Phased return agreed", inc__version=1)
    later = tmp_path / "later.csv"
    later.write_text(feed([absence_row("AB1", staff["anna"].assignment_number, "2026-03-02", "2026-03-04",
                                       rtw_date="2026-03-06", rtw_by_assignment_number="UNKNOWN")]))
    assert "updated 1" in run_import(app, later).stdout
    rtw = Absence.objects.get(external_id="AB1").rtw
    assert (rtw.held_on, rtw.held_by, rtw.day_number, rtw.notes) == (
        dt.date(2026, 3, 6), "UNKNOWN", 2, "Phased return agreed")


def test_each_employee_is_re_evaluated_once_after_applying(app, staff, good_file, monkeypatch):
    evaluated = []
    monkeypatch.setattr("services.imports.absences.after_absences_saved",
                        lambda employees, today: evaluated.extend((e.assignment_number, today) for e in employees))
    run_import(app, good_file)
    assert sorted(evaluated) == sorted((staff[name].assignment_number, dt.date(2026, 3, 31))
                                       for name in ("anna", "ben"))
    run_import(app, good_file)
    assert len(evaluated) == 2


def test_invalid_rows_are_refused_with_row_numbers_and_nothing_is_applied(app, staff, tmp_path):
    anna = staff["anna"].assignment_number
    path = tmp_path / "absences.csv"
    path.write_text(feed([absence_row("AB1", anna, "2026-03-02", "2026-03-04"),
                          absence_row("AB2", "NOBODY", "2026-03-02"),
                          absence_row("AB3", anna, "2026-03-03", "2026-03-03", work_related="maybe")]))
    result = run_import(app, path)
    assert result.exit_code == 1
    assert "row 3 (absence_id AB2): assignment_number: No employee has the assignment number NOBODY." in result.stdout
    assert "row 4 (absence_id AB3): work_related: Write Y or N, not 'maybe'." in result.stdout
    assert "created 1, updated 0, unchanged 0, refused 2" in result.stdout
    assert "2 rows refused, so nothing was applied" in result.stderr
    assert Absence.objects.count() == 0


def test_skip_invalid_applies_the_valid_rows_and_writes_the_report(app, staff, tmp_path):
    anna = staff["anna"].assignment_number
    path, report = tmp_path / "absences.csv", tmp_path / "refused.csv"
    path.write_text(feed([absence_row("AB1", anna, "2026-03-02", "2026-03-04"),
                          absence_row("AB2", anna, "2026-03-09", "2026-03-09", reason_category="S77")]))
    result = run_import(app, path, "--skip-invalid", "--report", report)
    assert result.exit_code == 0, result.output
    assert "created 1, updated 0, unchanged 0, refused 1" in result.stdout
    assert list(Absence.objects.scalar("external_id")) == ["AB1"]
    [refused] = list(csv.DictReader(io.StringIO(report.read_text())))
    assert (refused["absence_id"], refused["row"]) == ("AB2", "3")
    assert refused["reason_category"] == "S77"
    assert refused["errors"].startswith("reason_category: Unknown reason category 'S77': use an ESR sickness reason "
                                        "code (S10, S11,")


@pytest.mark.parametrize("content, reason", [
    (None, "no such file"),
    ("absence_id,assignment_number\nX,Y\n", "the header lacks the columns first_day, last_day, reason_category"),
    ("", "the header lacks the columns absence_id"),
])
def test_the_command_fails_with_one_line_reasons(app, tmp_path, content, reason):
    path = tmp_path / "absences.csv"
    if content is not None:
        path.write_text(content)
    result = run_import(app, path)
    assert result.exit_code == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_eleven_hundred_rows_over_a_few_hundred_employees_in_three_chunks(app, tmp_path, monkeypatch):
    """More rows than two of the import's chunks: the import writes 500 rows at a time here instead of 2,000, so
    three chunks take 1,100 rows and the test stays short."""
    monkeypatch.setattr(absences, "CHUNK", 500)
    numbers = [f"E{n:05d}" for n in range(300)]
    Employee.objects.insert([Employee(assignment_number=number, first_name="Pat", last_name=number, fte=1.0,
                                      division="Community Care", start_date=dt.date(2020, 1, 6), version=1)
                             for number in numbers], load_bulk=False)
    start, rows = dt.date(2025, 4, 1), []
    for n in range(1_100):
        first = start + dt.timedelta(days=(n // len(numbers)) * 10)
        last = first + dt.timedelta(days=n % 3)
        rows.append(absence_row(f"BULK{n}", numbers[n % len(numbers)], first.isoformat(), last.isoformat(),
                                rtw_date=(last + dt.timedelta(days=1)).isoformat()))
    path = tmp_path / "bulk.csv"
    path.write_text(feed(rows))
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert "created 1100, updated 0, unchanged 0, refused 0" in result.stdout
    assert Absence.objects.count() == 1_100
    assert "unchanged 1100" in run_import(app, path, "--dry-run").stdout


# The upload page


def login_as(auth, make_user, email, roles):
    make_user(email, roles)
    auth.login(email)


def finished(job_id, timeout: float = 30) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def upload(client, content: bytes, filename: str = "absences.csv"):
    token = csrf_token(client.get("/imports/absences").get_data(as_text=True))
    return client.post("/imports/absences", data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("roles, status", [(["support"], 200), (["admin"], 200), (["hr"], 403), (["manager"], 403)])
def test_upload_page_is_for_support_and_admin(auth, make_user, staff, roles, status):
    make_user("someone@example.org", roles, assignment_number=staff["boss"].assignment_number,
              hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get("/imports/absences").status_code == status


@pytest.mark.parametrize("content, filename, message", [
    (b"absence_id\nX\n", "absences.csv", "it lacks assignment_number, first_day"),
    (b"anything", "absences.xlsx", "Upload a .csv file."),
    (b"PK\x03\x04\x00", "absences.csv", "This is a Word or Excel file (or a zip), not CSV."),
    (b"x" * 2000, "absences.csv", "The file is larger than 1 MB."),
])
def test_upload_refuses_what_is_not_an_absences_file(app, auth, make_user, monkeypatch, content, filename, message):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    login_as(auth, make_user, "support@example.org", ["support"])
    response = upload(auth.client, content, filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert ImportJob.objects.count() == 0


def test_upload_checks_then_applies(auth, make_user, staff, good_file):
    login_as(auth, make_user, "support@example.org", ["support"])
    bad = good_file.read_text() + "AB4,NOBODY,2026-03-02,,flu,,N,N,N,,\n"
    response = upload(auth.client, bad.encode())
    assert response.status_code == 302
    job = finished(response.headers["Location"].rsplit("/", 1)[1])
    assert job.status == "checked" and job.counts == {"created": 3, "updated": 0, "unchanged": 0, "refused": 1}
    page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert "No employee has the assignment number NOBODY." in page and "Apply these changes" in page
    # the button waits for the box while a row is refused; the rows name the people (planning read them)
    assert re.search(r'<button [^>]*id="apply-button" disabled data-enabled-by="skip_invalid"', page)
    assert re.search(r"<td>Anna Tester\d+ \(A\d+\)</td>", page) and "<td>NOBODY</td>" in page
    assert Absence.objects.count() == 0

    token = csrf_token(page)
    refused = auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": token}, follow_redirects=True)
    assert "Nothing was applied: 1 row is refused. Tick “Apply the valid rows and give me a report of the refused " \
           "ones” to apply the valid rows" in refused.get_data(as_text=True)
    assert finished(job.pk).status == "checked" and Absence.objects.count() == 0

    auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": token, "skip_invalid": "y"})
    job = finished(job.pk)
    assert job.status == "applied" and Absence.objects.count() == 3
    assert Absence.objects.get(external_id="AB1").audit[0].actor == "import:absences.csv by support@example.org"
    report = auth.client.get(f"/imports/{job.pk}/refused.csv")
    assert report.mimetype == "text/csv" and "AB4,NOBODY" in report.get_data(as_text=True)
    applied = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert "Applied" in applied and ">Created</strong>" in applied and "Apply these changes" not in applied


def test_each_import_page_offers_its_template_and_the_absences_page_lists_the_reasons(auth, make_user):
    login_as(auth, make_user, "support@example.org", ["support"])
    for kind, page in (("absences", "/imports/absences"), ("employees", "/imports/employees"),
                       ("inflight", "/imports/inflight")):
        html = auth.client.get(page).get_data(as_text=True)
        assert f'<a href="/imports/{kind}/template.csv" download>Download an empty {kind}.csv</a>' in html
        template = auth.client.get(f"/imports/{kind}/template.csv")
        assert template.mimetype == "text/csv" and f'filename="{kind}.csv"' in template.headers["Content-Disposition"]
        assert template.get_data(as_text=True) == ",".join(TEMPLATE_COLUMNS[kind]) + "\r\n"
    html = auth.client.get("/imports/absences").get_data(as_text=True)
    # every category and ESR code, the code's words and the category it counts in (S28 injury: musculoskeletal)
    assert "<td><code>mental_health</code></td><td>Stress, depression, mental health, fatigue</td>" in html
    assert ("<td><code>S28</code></td><td>Injury, fracture</td><td>Other musculoskeletal problems</td>" in html)
    inflight = auth.client.get("/imports/inflight").get_data(as_text=True)
    assert "<td><code>lts_case_conference</code></td>" in inflight


def test_progress_is_a_fragment_for_htmx_and_a_page_otherwise(auth, make_user, good_file):
    login_as(auth, make_user, "support@example.org", ["support"])
    job_id = finished(upload(auth.client, good_file.read_bytes()).headers["Location"].rsplit("/", 1)[1]).pk
    fragment = auth.client.get(f"/imports/{job_id}/progress", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert 'id="import-job"' in fragment.get_data(as_text=True) and "HX-Request" in fragment.headers["Vary"]
    assert "<html" in auth.client.get(f"/imports/{job_id}/progress").get_data(as_text=True)


def test_a_running_job_polls_and_offers_a_refresh_link(auth, make_user):
    user = make_user("support@example.org", ["support"])
    auth.login("support@example.org")
    job = ImportJob(kind="absences", filename="a.csv", created_by=user.pk, created_by_email=user.email,
                    stage="planning", done=50, total=200)
    job.save()
    page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and "50 of 200" in page
    assert re.search(rf'<a href="/imports/{job.pk}">Refresh', page)


def test_only_the_uploader_or_an_admin_sees_a_job(auth, make_user, good_file):
    login_as(auth, make_user, "support@example.org", ["support"])
    job_id = finished(upload(auth.client, good_file.read_bytes()).headers["Location"].rsplit("/", 1)[1]).pk
    auth.logout()
    login_as(auth, make_user, "other@example.org", ["support"])
    for url in (f"/imports/{job_id}", f"/imports/{job_id}/progress", "/imports/not-an-id"):
        assert auth.client.get(url).status_code == 404
    auth.logout()
    login_as(auth, make_user, "admin@example.org", ["admin"])
    assert auth.client.get(f"/imports/{job_id}").status_code == 200
