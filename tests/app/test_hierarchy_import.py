"""Importing employees.csv: the dry-run diff, whole-file refusals, applying (paths, cases, tasks moved with
audit and notice e-mails), idempotent re-runs, the upload page and a 25,000-row tree."""
from __future__ import annotations

import datetime as dt
import io
import time

import pytest

from casework.hierarchy_feed import ADDRESS_COLUMNS, COLUMNS
from documents import Case, Employee, Notification, rebuild_manager_paths
from documents.case import Stage, Task
from services.imports import hierarchy
from services.imports.hierarchy import import_employees
from services.settings import Settings
from tests.app.test_absence_import import feed as csv_text
from tests.app.test_absence_import import finished
from tests.conftest import csrf_token

D = dt.date
AS_OF = "2026-11-23"


def feed(rows: list[dict]) -> str:
    return csv_text(rows, COLUMNS)


def row_of(employee: Employee, **cells) -> dict:
    """The file row that says exactly what is stored for `employee`, with `cells` changed."""
    values = {name: getattr(employee, name) for name in COLUMNS}
    values.update(working_days=" ".join(employee.working_days), fte=f"{employee.fte:g}",
                  contracted_hours=f"{employee.contracted_hours:g}", start_date=employee.start_date.isoformat(),
                  end_date=employee.end_date.isoformat() if employee.end_date else "",
                  supervisor_assignment_number=employee.supervisor_assignment_number or "")
    return {**values, **cells}


def new_row(number: str, supervisor: str, first: str = "Nia", last: str = "Newman", **cells) -> dict:
    return {"assignment_number": number, "employee_number": "E" + number, "first_name": first, "last_name": last,
            "email": f"{first.lower()}@example.org", "job_title": "Healthcare assistant", "division": "Community Care",
            "directorate": "Adult Services", "department": "District Nursing", "fte": "0.5",
            "contracted_hours": "18.75",
            "working_days": "Mon Tue Wed", "region": "", "supervisor_assignment_number": supervisor,
            "start_date": "2026-11-30", "end_date": "", **cells}


def run(app, path, *args):
    return app.test_cli_runner().invoke(args=["import", "employees", str(path), "--as-of", AS_OF, *args])


@pytest.fixture
def staff(built_once, make_employee):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("staff", lambda: build_staff(make_employee))


def build_staff(make_employee):
    top = make_employee(first_name="Tom", last_name="Top")
    bea = make_employee(first_name="Bea", last_name="Boss", supervisor_assignment_number=top.assignment_number)
    carl = make_employee(first_name="Carl", last_name="Chief", supervisor_assignment_number=top.assignment_number)
    anna = make_employee(first_name="Anna", last_name="Able", supervisor_assignment_number=bea.assignment_number)
    ben = make_employee(first_name="Ben", last_name="Baker", supervisor_assignment_number=bea.assignment_number)
    return {"top": top, "bea": bea, "carl": carl, "anna": anna, "ben": ben}


@pytest.fixture
def changes_file(staff, tmp_path):
    """Anna moves from Bea to Carl, Ben leaves, Carl changes job and hours, Nia starts under Carl."""
    top, bea, carl, anna, ben = (staff[name] for name in ("top", "bea", "carl", "anna", "ben"))
    path = tmp_path / "employees.csv"
    path.write_text(feed([
        row_of(top), row_of(bea),
        row_of(carl, job_title="Team leader", fte="0.8"),
        row_of(anna, supervisor_assignment_number=carl.assignment_number),
        row_of(ben, end_date="2026-11-30"),
        new_row("N0001", carl.assignment_number),
    ]))
    return path


def state() -> dict:
    """Each employee's version and number of audit entries, by assignment number."""
    return {row["assignment_number"]: (row["version"], len(row["audit"]))
            for row in Employee._get_collection().find({}, {"assignment_number": 1, "version": 1, "audit": 1})}


def test_dry_run_shows_the_diff_and_writes_nothing(app, staff, changes_file):
    before = state()
    result = run(app, changes_file, "--dry-run")
    assert result.exit_code == 0, result.output
    anna, ben, carl = (staff[name].assignment_number for name in ("anna", "ben", "carl"))
    bea = staff["bea"].assignment_number
    assert result.stdout.splitlines() == [
        "New starters: 1",
        "  row 7 (N0001): Nia Newman, Healthcare assistant, Community Care",
        "Leavers: 1",
        f"  row 6 ({ben}): Ben Baker leaves on 2026-11-30",
        "Changed details: 1",
        f"  row 4 ({carl}): job_title: Staff nurse → Team leader; fte: 1 → 0.8",
        "Changed supervisors: 1",
        f"  row 5 ({anna}): supervisor: {bea} → {carl}",
        "Manager logins to make: 3",    # Tom (Bea, Carl), Bea (Ben) and Carl (Anna) supervise staff in post
        *(f"  {staff[name].assignment_number} {staff[name].name} ({staff[name].email}): supervises staff in post"
          for name in ("top", "bea", "carl")),
        "created 1, updated 3, unchanged 2, refused 0",
        "Dry run: nothing was written.",
    ]
    assert state() == before and Employee.objects.count() == 5


def test_full_names_the_staff_missing_from_the_file(app, staff, tmp_path):
    path = tmp_path / "employees.csv"
    path.write_text(feed([row_of(staff[name]) for name in ("top", "bea", "carl", "anna")]))
    assert "Not in the file" not in run(app, path, "--dry-run").stdout
    lines = run(app, path, "--dry-run", "--full").stdout.splitlines()
    assert lines[4:6] == ["Not in the file, ending today (--full): 1",
                           f"  {staff['ben'].assignment_number} Ben Baker: ends 2026-11-23"]
    assert run(app, path, "--full").exit_code == 0
    ben = Employee.objects.get(pk=staff["ben"].pk)
    assert ben.end_date == D(2026, 11, 23)
    assert (ben.audit[-1].action, ben.audit[-1].before, ben.audit[-1].after) == (
        "assignment ended: not in the full hierarchy file", {"end_date": None}, {"end_date": "2026-11-23"})


@pytest.mark.parametrize("mangle, lines", [
    # a supervisor who is nobody
    (lambda rows, s: rows.append(new_row("N0001", "Z9999")),
     ["row 7 (assignment_number N0001): supervisor_assignment_number: No employee has the assignment number Z9999, "
      "in this file or in Casebook."]),
    # an assignment number given twice
    (lambda rows, s: rows.append(row_of(s["anna"], first_name="Annie")),
     ["row {anna_row} (assignment_number {anna}): assignment_number: The assignment number {anna} is given 2 times.",
      "row 7 (assignment_number {anna}): assignment_number: The assignment number {anna} is given 2 times."]),
    # Top reports to Anna, who reports to Bea, who reports to Top
    (lambda rows, s: rows.__setitem__(0, row_of(s["top"], supervisor_assignment_number=s["anna"].assignment_number)),
     ["row {n} (assignment_number {who}): supervisor_assignment_number: The supervisors go round in a circle "
      "(3 rows of this file): {cycle}."]),
])
def test_a_bad_file_is_refused_whole_with_row_numbers(app, staff, tmp_path, mangle, lines):
    rows = [row_of(staff[name]) for name in ("top", "bea", "carl", "anna", "ben")]
    mangle(rows, staff)
    path = tmp_path / "employees.csv"
    path.write_text(feed(rows))
    before = state()
    result = run(app, path)
    assert result.exit_code == 1
    numbers = {name: staff[name].assignment_number for name in staff}
    if "{cycle}" in lines[0]:
        ordered = sorted([numbers["top"], numbers["bea"], numbers["anna"]])
        following = {numbers["top"]: numbers["anna"], numbers["anna"]: numbers["bea"], numbers["bea"]: numbers["top"]}
        chain = [ordered[0]]
        while len(chain) < 4:
            chain.append(following[chain[-1]])
        rows_of = {numbers["top"]: 2, numbers["bea"]: 3, numbers["anna"]: 5}
        lines = [lines[0].format(n=rows_of[who], who=who, cycle=" → ".join(chain)) for who in
                 sorted(rows_of, key=rows_of.get)]
    else:
        lines = [line.format(anna=numbers["anna"], anna_row=5) for line in lines]
    assert result.stdout.splitlines() == lines
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {len(lines)} row{'s' if len(lines) > 1 else ''} refused, so nothing was applied: "
        "fix the file and run it again.")
    assert state() == before


@pytest.mark.parametrize("content, reason", [
    (None, "no such file."),
    ("assignment_number,first_name\nA1,Sam\n", "the header lacks the columns employee_number, last_name"),
])
def test_the_command_fails_with_one_line_reasons(app, tmp_path, content, reason):
    path = tmp_path / "employees.csv"
    if content is not None:
        path.write_text(content)
    result = run(app, path)
    assert result.exit_code == 1 and reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def open_case(employee: Employee, *tasks: tuple[str, str]) -> Case:
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind="STS", stage="absence_support", policy_key="council-2019",
                policy_revision=1, opened_on=D(2026, 11, 16),
                stages=[Stage(key="absence_support", entered_on=D(2026, 11, 16))],
                tasks=[Task(kind="hold_meeting", title=title, stage_key="absence_support", assignee=assignee,
                            due_on=D(2026, 11, 30)) for title, assignee in tasks])
    case.save_checked()
    return case


def test_applying_moves_open_manager_tasks_with_audit_and_notices(app, staff, changes_file, make_user,
                                                                   inbox):
    make_user("bea@example.org", ["manager"], name="Bea Boss", assignment_number=staff["bea"].assignment_number)
    make_user("carl@example.org", ["manager"], name="Carl Chief", assignment_number=staff["carl"].assignment_number)
    make_user("hana@example.org", ["hr"], name="Hana HR", hr_divisions=["Community Care"])
    case = open_case(staff["anna"], ("Hold the absence support meeting", "bea@example.org"),
                     ("Check the fit note", "hr:Community Care"), ("Advise the manager", "hana@example.org"))
    ben_case = open_case(staff["ben"], ("Hold the meeting with Ben", "bea@example.org"))

    result = run(app, changes_file)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-3:] == ["created 1, updated 3, unchanged 2, refused 0",
                                               "1 open task moved to the new supervisor.", "Done."]
    carl, top = staff["carl"].assignment_number, staff["top"].assignment_number
    assert Employee.objects.get(assignment_number="N0001").manager_path == [carl, top]
    assert Employee.objects.get(pk=staff["anna"].pk).manager_path == [carl, top]
    case.reload()
    assert case.manager_path == [carl, top]
    assert [task.assignee for task in case.tasks] == ["carl@example.org", "hr:Community Care", "hana@example.org"]
    entry = case.audit[-1]
    assert (entry.action, entry.reason, entry.actor.startswith("import:employees.csv by ")) == (
        "task moved by hierarchy import", "hierarchy import employees.csv", True)
    assert (entry.before["assignee"], entry.after["assignee"], entry.after["task"]) == (
        "bea@example.org", "carl@example.org", "Hold the absence support meeting")
    # Anna's case followed her new chain of supervisors (who may see it), then its task moved; Ben's did neither.
    assert [entry.action for entry in case.audit[-2:]] == ["scope followed the employee's supervisors",
                                                           "task moved by hierarchy import"]
    assert case.version == 3 and ben_case.reload().version == 1
    assert inbox.subjects() == [("bea@example.org", "Casebook: task moved: Hold the absence support meeting"),
                                ("carl@example.org", "Casebook: task moved: Hold the absence support meeting")]
    text = inbox.to("carl@example.org")[0].get_body(preferencelist=("plain",)).get_content()
    assert "has moved from Bea Boss to Carl Chief" in text and f"/cases/{case.pk}" in text
    anna = Employee.objects.get(pk=staff["anna"].pk)
    assert (anna.version, anna.audit[-1].action, anna.audit[-1].before, anna.audit[-1].after) == (
        2, "employee updated by hierarchy import", {"supervisor_assignment_number": staff["bea"].assignment_number},
        {"supervisor_assignment_number": carl})

    before, audit_lengths = state(), len(case.reload().audit)
    again = run(app, changes_file)
    assert again.stdout.splitlines()[-2:] == ["created 0, updated 0, unchanged 6, refused 0", "Done."]
    assert state() == before and len(case.reload().audit) == audit_lengths and len(inbox.messages) == 2


def test_a_notice_the_mail_server_refuses_is_kept_for_notify_send(app, staff, changes_file, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", 9)      # nothing listens on the discard port
    make_user("bea@example.org", ["manager"], name="Bea Boss", assignment_number=staff["bea"].assignment_number)
    open_case(staff["anna"], ("Hold the absence support meeting", "bea@example.org"))
    assert run(app, changes_file).exit_code == 0
    kept = Notification.objects(kind="notice").order_by("recipient")
    # Carl has no login: the task goes to the division's HR queue, whose team address is not set
    assert [(notice.recipient, notice.status) for notice in kept] == [("bea@example.org", "failed")]


def login_as(auth, make_user, email, roles):
    make_user(email, roles)
    auth.login(email)


def upload(client, content: bytes, filename: str = "employees.csv"):
    token = csrf_token(client.get("/imports/employees").get_data(as_text=True))
    return client.post("/imports/employees", data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("roles, status", [(["support"], 200), (["admin"], 200), (["hr"], 403), (["manager"], 403)])
def test_upload_page_is_for_support_and_admin(auth, make_user, staff, roles, status):
    make_user("someone@example.org", roles, assignment_number=staff["bea"].assignment_number,
              hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get("/imports/employees").status_code == status


def test_upload_shows_the_diff_then_applies(auth, make_user, staff, changes_file):
    login_as(auth, make_user, "support@example.org", ["support"])
    page = auth.client.get("/imports/employees").get_data(as_text=True)
    assert "Import the staff hierarchy" in page and 'href="/imports/employees"' in page
    response = upload(auth.client, changes_file.read_bytes())
    job = finished(response.headers["Location"].rsplit("/", 1)[1])
    assert job.status == "checked" and job.counts == {"created": 1, "updated": 3, "unchanged": 2, "refused": 0}
    page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert "Staff hierarchy import" in page and "Assignment number</th>" in page
    assert "<li>New starter</li>" in page and "<li>Leaves on 2026-11-30</li>" in page
    assert f"<li>supervisor: {staff['bea'].assignment_number} → {staff['carl'].assignment_number}</li>" in page
    assert "<li>job_title: Staff nurse → Team leader</li>" in page
    assert Employee.objects.count() == 5
    auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": csrf_token(page)})
    assert finished(job.pk).status == "applied" and Employee.objects.count() == 6
    assert Employee.objects.get(pk=staff["carl"].pk).job_title == "Team leader"


def test_upload_of_a_refused_file_offers_no_apply(auth, make_user, staff):
    login_as(auth, make_user, "support@example.org", ["support"])
    content = feed([row_of(staff["top"]), new_row("N0001", "Z9999")]).encode()
    job = finished(upload(auth.client, content).headers["Location"].rsplit("/", 1)[1])
    assert job.counts == {"created": 0, "updated": 0, "unchanged": 1, "refused": 1}
    page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert "No employee has the assignment number Z9999" in page and "Apply these changes" not in page
    assert "applied whole or not at all" in page


def tree(size: int, fan_out: int = 8) -> list[dict]:
    """A tree of `size` employees: E00000 at the top, each supervising up to `fan_out` others."""
    return [new_row(f"E{index:05d}", f"E{(index - 1) // fan_out:05d}" if index else "", first=f"F{index}",
                    last=f"L{index}", start_date="2020-01-06") for index in range(size)]


def test_five_thousand_employees_go_in_whole_in_three_chunks(app, tmp_path):
    """More rows than two of the import's chunks (CHUNK = 2,000), each starter arriving with its chain of
    managers. bench/hierarchy.py times the trust's 25,000."""
    assert hierarchy.CHUNK * 2 < 5_000
    rows = tree(5_000)
    path = tmp_path / "employees.csv"
    path.write_text(feed(rows))
    started = time.perf_counter()
    dry = run(app, path, "--dry-run")
    dry_seconds = time.perf_counter() - started
    assert dry.exit_code == 0, dry.output
    assert "created 5000, updated 0, unchanged 0, refused 0" in dry.stdout and Employee.objects.count() == 0
    started = time.perf_counter()
    first = run(app, path)
    first_seconds = time.perf_counter() - started
    assert first.exit_code == 0, first.output
    assert Employee.objects.count() == 5_000
    assert Employee.objects.get(assignment_number="E04999").manager_path == [     # (n - 1) // 8, up to the top
        "E00624", "E00077", "E00009", "E00001", "E00000"]
    assert rebuild_manager_paths() == 0          # every starter arrived with its chain
    started = time.perf_counter()
    again = import_employees(rows, "import:employees.csv by test", "import", D(2026, 11, 23),
                             mail=Settings.from_config(app.config).mail)
    again_seconds = time.perf_counter() - started
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 5_000, "refused": 0}
    print(f"\n5,000 employees: dry run {dry_seconds:.1f} s, first import {first_seconds:.1f} s, "
          f"re-run {again_seconds:.1f} s")


def test_the_address_columns_are_loaded_when_given_and_kept_when_left_out(app, staff, tmp_path):
    """DESIGN, Contracts: "`employees.csv` may add `address_line_1`, `address_line_2`, `town`, `postcode` for
    letters." A file with them stores each row's address (with an audit entry); a later file without them is
    still accepted and changes nothing."""
    columns = COLUMNS + ADDRESS_COLUMNS
    rows = [{**row_of(staff[name]), "address_line_1": "", "address_line_2": "", "town": "", "postcode": ""}
            for name in ("top", "bea", "carl", "ben")]
    rows.append(row_of(staff["anna"], address_line_1="4 Mill Lane", address_line_2="Upper Town", town="Exampletown",
                       postcode="ex1 2ab"))
    with_address = tmp_path / "with.csv"
    with_address.write_text(csv_text(rows, columns))
    result = run(app, with_address)
    assert result.exit_code == 0, result.output
    assert "created 0, updated 1, unchanged 4, refused 0" in result.stdout
    anna = Employee.objects.get(pk=staff["anna"].pk)
    assert anna.postal_address == ["4 Mill Lane", "Upper Town", "Exampletown", "EX1 2AB"]
    assert anna.audit[-1].after["postcode"] == "EX1 2AB"
    assert Employee.objects.get(pk=staff["ben"].pk).postal_address == []
    without = tmp_path / "without.csv"
    without.write_text(feed([row_of(staff[name]) for name in ("top", "bea", "carl", "anna", "ben")]))
    before = state()
    result = run(app, without)
    assert result.exit_code == 0 and "created 0, updated 0, unchanged 5, refused 0" in result.stdout
    assert state() == before
    assert Employee.objects.get(pk=staff["anna"].pk).postal_address == anna.postal_address
