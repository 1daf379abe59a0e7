"""The data protection officer's view through its pages: the medical-read log and the refused attempts, filtered,
paged and exported as neutralised CSV; refusals logged for out-of-scope and medical pages (never for a record that
does not exist); a subject access export's zip, manifest and audit entry; and a DPO refused every case page."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from documents import Absence, AccessRefusal, Case, MedicalRead, SubjectAccessExport, rebuild_manager_paths, utcnow
from documents.case import Meeting, Participant, Stage
from services import clock
from services.cases.letters import generate
from services.settings import OrganisationDefaults
from services.triggers import install_presets
from tests.conftest import csrf_token

ORG = OrganisationDefaults(name="Example Health and Care Trust")
SECRET = "Crohns disease flare"
CONFERENCE_SECRET = "OH advises a phased return"


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    boss = make_employee(first_name="Bo", last_name="Boss", division="Community Care")
    nurse = make_employee(first_name="Nia", last_name="Nurse", division="Community Care",
                          supervisor_assignment_number=boss.assignment_number)
    other = make_employee(first_name="Oli", last_name="Other", division="Secure Care")
    rebuild_manager_paths()
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number, name="Bo Boss")
    make_user("dpo@example.org", ["dpo"], name="Dee Protect")
    make_user("admin@example.org", ["admin"], name="Ada Admin")
    make_user("support@example.org", ["support"], name="Sam Support")
    return {"boss": boss, "nurse": nurse, "other": other}


def _read(reader: str, number: str, at: dt.datetime, where: str = "absence page") -> None:
    MedicalRead(reader=reader, at=at, assignment_number=number, what="the reason's detail", where=where).save()


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_log_of_medical_reads_filters_by_employee_reader_and_days_and_shows_names(people, auth):
    nurse, other = people["nurse"].assignment_number, people["other"].assignment_number
    _read("boss@example.org", nurse, dt.datetime(2026, 6, 30, 23, 30))     # 1 July 00:30 in London (BST)
    _read("admin@example.org", nurse, dt.datetime(2026, 7, 2, 9))
    _read("boss@example.org", other, dt.datetime(2026, 7, 3, 9))
    auth.login("dpo@example.org")
    page = auth.client.get("/dpo/medical-reads").get_data(as_text=True)
    assert "3 entries" in page and "Bo Boss" in page and "Nia Nurse" in page
    assert "2026-07-01 00:30" in page                                        # the organisation's time, not UTC
    assert "2 entries" in auth.client.get(f"/dpo/medical-reads?employee={nurse}").get_data(as_text=True)
    assert "2 entries" in auth.client.get("/dpo/medical-reads?employee=nurse").get_data(as_text=True)
    assert "1 entry" in auth.client.get("/dpo/medical-reads?employee=Nia+Nurse&reader=Ada").get_data(as_text=True)
    assert "2 entries" in auth.client.get("/dpo/medical-reads?reader=BOSS@example.org").get_data(as_text=True)
    # 1 July to 2 July in London: 30 June 23:00 UTC to 2 July 23:00 UTC holds the first two
    assert "2 entries" in auth.client.get("/dpo/medical-reads?from=2026-07-01&to=2026-07-02").get_data(as_text=True)


@pytest.mark.parametrize("query, field, message", [
    ("from=2026-13-01", "from", "Enter the date as YYYY-MM-DD"),
    ("from=2026-07-02&to=2026-07-01", "to", "The last day must be on or after the first day."),
    ("to=1066-10-14", "to", "Enter a date between"),
    ("employee=Nobody", "employee", "No employee is called that."),
    ("reader=Nobody", "reader", "No login has that name."),
    ("employee=" + "x" * 101, "employee", "Enter at most 100 characters."),
])
def test_a_bad_filter_shows_the_list_with_a_message_beside_the_field(people, auth, query, field, message):
    _read("boss@example.org", people["nurse"].assignment_number, utcnow())
    auth.login("dpo@example.org")
    response = auth.client.get(f"/dpo/medical-reads?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="filter-{field}-error"' in page and message in page
    assert 'id="log-results"' in page


def test_the_csv_of_the_filtered_log_is_neutralised(people, auth):
    nurse = people["nurse"].assignment_number
    _read("=cmd|' /C calc'!A0@example.org", nurse, dt.datetime(2026, 7, 1, 9), where="=HYPERLINK(\"x\")")
    _read("boss@example.org", people["other"].assignment_number, dt.datetime(2026, 7, 1, 10))
    auth.login("dpo@example.org")
    response = auth.client.get(f"/dpo/medical-reads.csv?employee={nurse}")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    header, *rows = _rows(response)
    assert header == ["When", "Reader", "Reader's login", "Employee", "Assignment number", "What", "Where"]
    assert rows == [["2026-07-01 10:00", "", "'=cmd|' /C calc'!A0@example.org", "Nia Nurse", nurse,
                     "the reason's detail", "'=HYPERLINK(\"x\")"]]


def test_a_refusal_is_logged_for_an_out_of_scope_employee_and_a_medical_page_never_for_a_missing_record(
        people, auth):
    absence = Absence(employee=people["nurse"].pk, assignment_number=people["nurse"].assignment_number,
                      first_day=clock.today(), reason_category="digestive", reason_detail=SECRET)
    absence.save_checked()
    case = _case_with_conference(people["nurse"])
    conference = case.current_stage.meetings[0]
    auth.login("boss@example.org")
    assert auth.client.get(f"/employees/{people['other'].assignment_number}").status_code == 404
    assert auth.client.get(f"/cases/{case.pk}/meetings/{conference.id}/notes").status_code == 403
    assert auth.client.get("/employees/NOSUCH1").status_code == 404
    assert auth.client.get(f"/cases/{absence.pk}").status_code == 404          # no case has that id
    assert auth.client.get("/dpo/medical-reads").status_code == 403
    auth.logout()
    auth.login("support@example.org")
    assert auth.client.get(f"/absences/{absence.pk}/medical").status_code == 403
    found = [(entry.who, entry.reason, entry.assignment_number, entry.method, entry.endpoint)
             for entry in AccessRefusal.objects.order_by("at")]
    assert found == [
        ("boss@example.org", "scope", people["other"].assignment_number, "GET", "employees.show"),
        ("boss@example.org", "medical", people["nurse"].assignment_number, "GET", "cases.notes"),
        ("boss@example.org", "role", None, "GET", "dpo.medical_reads"),
        ("support@example.org", "role", None, "GET", "absences.medical")]
    auth.logout()
    auth.login("dpo@example.org")
    page = auth.client.get("/dpo/refusals?reader=boss%40example.org").get_data(as_text=True)
    assert "3 entries" in page and "the record is outside their scope" in page and "Oli Other" in page
    header, *rows = _rows(auth.client.get("/dpo/refusals.csv?employee=Nurse"))
    assert [row[5] for row in rows] == ["they may not read this employee's medical detail"]


def test_the_dpo_is_refused_every_case_absence_and_employee_page(people, auth):
    absence = Absence(employee=people["nurse"].pk, assignment_number=people["nurse"].assignment_number,
                      first_day=clock.today(), reason_category="digestive", reason_detail=SECRET)
    absence.save_checked()
    auth.login("dpo@example.org")
    assert auth.client.get("/").headers["Location"] == "/dpo/medical-reads"
    for url in ("/cases", f"/employees/{people['nurse'].assignment_number}", f"/absences/{absence.pk}",
                f"/absences/{absence.pk}/medical", "/employees", "/tasks", "/dashboard"):
        response = auth.client.get(url)
        assert response.status_code == 403, url
        assert SECRET not in response.get_data(as_text=True)
    assert AccessRefusal.objects(who="dpo@example.org", reason="role").count() == 7


def _case_with_conference(nurse) -> Case:
    case = Case(employee=nurse.pk, assignment_number=nurse.assignment_number, division=nurse.division,
                manager_path=nurse.manager_path, kind="LTS", policy_key="council-2019", policy_revision=1,
                stage="lts_case_conference", opened_on=clock.today(),
                stages=[Stage(key="lts_case_conference", entered_on=clock.today())])
    case.current_stage.meetings.append(Meeting(
        kind="case_conference", on=clock.today(), at_time="14:00", held=True, employee_attends=False,
        notes={"medical_advice": CONFERENCE_SECRET}, participants=[Participant(name="Dr Oz", role="oh")]))
    case.record("boss@example.org", "case opened")
    case.save_checked()
    return case


def test_a_subject_access_export_holds_everything_with_a_manifest_and_is_audited(people, auth, make_user):
    install_presets()
    nurse = people["nurse"]
    absence = Absence(employee=nurse.pk, assignment_number=nurse.assignment_number, first_day=clock.today(),
                      reason_category="digestive", reason_detail=SECRET)
    absence.save_checked()
    generate(Absence.objects.get(pk=absence.pk), "B4", "boss@example.org", clock.today(), organisation=ORG)
    _case_with_conference(nurse)
    _read("boss@example.org", nurse.assignment_number, utcnow())
    _read("boss@example.org", people["other"].assignment_number, utcnow())
    make_user("nia@example.org", ["manager"], assignment_number=nurse.assignment_number, name="Nia Nurse")
    auth.login("dpo@example.org")
    page = auth.client.get("/dpo/subject-access").get_data(as_text=True)
    refused = auth.client.post("/dpo/subject-access", data={"assignment_number": nurse.assignment_number,
                                                            "csrf_token": csrf_token(page)})
    assert refused.status_code == 400 and "Confirm the export answers a request." in refused.get_data(as_text=True)
    unknown = auth.client.post("/dpo/subject-access", data={"assignment_number": "NOSUCH1", "confirm": "y",
                                                            "csrf_token": csrf_token(page)})
    assert unknown.status_code == 400 and "No employee has that assignment number." in unknown.get_data(as_text=True)
    assert SubjectAccessExport.objects.count() == 0

    response = auth.client.post("/dpo/subject-access", data={"assignment_number": nurse.assignment_number,
                                                             "confirm": "y", "csrf_token": csrf_token(page)})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = package.namelist()
    manifest = json.loads(package.read("manifest.json"))
    assert names[-1] == "manifest.json"
    assert sorted(names[:-1]) == sorted(entry["file"] for entry in manifest["files"])
    for entry in manifest["files"]:
        data = package.read(entry["file"])
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    counts = {entry["file"]: entry["count"] for entry in manifest["files"]}
    assert {name: counts[name] for name in ("employee.json", "absences.json", "cases.json", "medical-reads.json",
                                            "refusals.json")} == {
        "employee.json": 1, "absences.json": 1, "cases.json": 1, "refusals.json": 0,
        "medical-reads.json": 2}                    # making the B4 read the reason's detail, and the read above
    [letter] = [name for name in names if name.startswith("letters/")]
    assert letter.startswith("letters/absence-1-1-B4-v1-") and letter.endswith(".docx")
    assert package.read(letter)[:2] == b"PK"
    assert SECRET in package.read("absences.json").decode()
    assert CONFERENCE_SECRET not in package.read("cases.json").decode()
    assert manifest["subject"] == {"assignment_number": nurse.assignment_number, "name": "Nia Nurse"}
    assert manifest["generated_by"] == "dpo@example.org" and "case conferences" in manifest["left_out"][0]
    audit = json.loads(package.read("audit.json"))
    assert {entry["record"] for entry in audit} >= {"absence", "case"}
    [login] = json.loads(package.read("logins.json"))              # their own login, without its password
    assert login["email"] == "nia@example.org" and "password_hash" not in login
    [made] = SubjectAccessExport.objects
    assert (made.by, made.assignment_number, made.size, made.sha256) == (
        "dpo@example.org", nurse.assignment_number, len(response.get_data()),
        hashlib.sha256(response.get_data()).hexdigest())
    listed = auth.client.get("/dpo/subject-access").get_data(as_text=True)
    assert "Dee Protect" in listed and "Nia Nurse" in listed


def test_a_token_refused_for_its_scope_is_logged_under_its_name(people, client):
    from documents import ApiToken
    _, token = ApiToken.issue("absence-feed", ["read"])
    response = client.post("/api/v1/absences", json={"absences": []}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    [refusal] = AccessRefusal.objects
    assert (refusal.who, refusal.reason, refusal.method, refusal.path, refusal.endpoint) == (
        "api:absence-feed", "token scope", "POST", "/api/v1/absences", "api.upsert_absences")


def _stages(plan: dict) -> list[str]:
    """The stages of a query plan, outermost first."""
    stages = []
    while plan:
        stages.append(plan["stage"])
        plan = plan.get("inputStage") or {}
    return stages


@pytest.mark.parametrize("kind_key", ["reads", "refusals"])
@pytest.mark.parametrize("args", [
    {}, {"employee": "A00001"}, {"employee": "Nia Nurse"}, {"reader": "boss@example.org"}, {"reader": "Bo Boss"},
    {"from": "2026-07-01"}, {"from": "2026-07-01", "to": "2026-07-31"}, {"employee": "A00001", "from": "2026-07-01"},
])
def test_each_filter_of_the_logs_is_served_by_an_index(people, kind_key, args):
    from casework.privacy import parse_log_filter
    from documents import Employee
    from services.privacy.logs import READS, REFUSALS, narrowed
    kind = {"reads": READS, "refusals": REFUSALS}[kind_key]
    for document in (kind.document, Employee):
        document.ensure_indexes()
    query, _ = narrowed(kind, parse_log_filter(args)[0], clock.zone())
    stages = _stages(query.limit(50).explain()["queryPlanner"]["winningPlan"])
    assert "IXSCAN" in stages and "COLLSCAN" not in stages, stages
    names = Employee.objects(last_name__in=["Nurse", "nurse"]).explain()["queryPlanner"]["winningPlan"]
    assert "COLLSCAN" not in _stages(names)
