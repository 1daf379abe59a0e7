"""A small organisation with one of everything a route can name, made through the services and pages the users
use: three people in a line (Gus manages Bea, who manages Wes), a user of each role, Wes's absences (four over
and one going on, with medical detail), a short-term case at its first formal stage with its absences associated,
a meeting, a letter, a note and a flag, an absence letter, an import job with its refused rows, an uploaded letter
template and an API token."""
from __future__ import annotations

import datetime as dt
import io

from bson import ObjectId

from documents import Absence, ApiToken, Case, Employee, ImportJob, User, rebuild_manager_paths
from documents.case import Meeting, Participant, Stage
from documents.policy import policy_rules
from services import clock
from services.cases.tasks import add_stage_tasks, associate_absences
from services.triggers import install_presets
from tests.app.hostile import forms_of, sign_in
from tests.conftest import PASSWORD, csrf_token

DAY = dt.timedelta(days=1)


def seed(app, client) -> dict:
    """Make the organisation; returns what the routes' URLs name ({"case_id": …}) and the API token."""
    today = clock.today()
    install_presets()
    gus = _employee(first_name="Gus", last_name="Grand", email="gus@example.org")
    bea = _employee(first_name="Bea", last_name="Boss", email="bea.boss@example.org",
                        supervisor_assignment_number=gus.assignment_number)
    wes = _employee(first_name="Wes", last_name="Walker", email="wes@example.org",
                        supervisor_assignment_number=bea.assignment_number)
    admin = _user("admin@example.org", ["admin"], name="Ada Admin")
    _user("hr@example.org", ["hr"], hr_divisions=[wes.division], name="Hana Hart")
    _user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, name="Bea Boss")
    support = _user("support@example.org", ["support"], name="Sam Support")
    over = [_absence(wes, today - weeks * 7 * DAY, today - (weeks * 7 - 1) * DAY) for weeks in (40, 30, 20, 10)]
    going_on = _absence(wes, today - 3 * DAY, None, "musculoskeletal", "Lower back pain; physiotherapy booked")
    case = Case(employee=wes.pk, assignment_number=wes.assignment_number, division=wes.division,
                manager_path=wes.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                stage="formal_1", opened_on=today - 10 * DAY,
                stages=[Stage(key="formal_1", entered_on=today - 10 * DAY)])
    add_stage_tasks(case, wes, policy_rules("council-2019", 1), today - 10 * DAY)
    case.current_stage.meetings.append(Meeting(
        kind="formal_review", on=today + 7 * DAY, at_time="10:00", place="Room 2, Beech House",
        arranged_by="bea@example.org", arranged_on=today - 9 * DAY,
        participants=[Participant(name="Bea Boss", role="manager", email="bea@example.org"),
                      Participant(name="Hana Hart", role="hr", email="hr@example.org")]))
    case.save_checked()
    with app.test_request_context():
        associate_absences(case, wes, [str(a.pk) for a in over], "bea@example.org", today - 9 * DAY)
    _through_pages(client, case, going_on)
    case = Case.objects.get(pk=case.pk)
    going_on = Absence.objects.get(pk=going_on.pk)
    job = ImportJob(kind="absences", filename="absences.csv", created_by=admin.pk, created_by_email=admin.email,
                    status="checked", counts={"created": 0, "updated": 0, "unchanged": 0, "refused": 1})
    job.upload.put(b"absence_id,assignment_number\r\nX1,NOBODY\r\n", content_type="text/csv", filename="absences.csv")
    job.report.put(b"absence_id,row,errors\r\nX1,2,nobody\r\n", content_type="text/csv", filename="refused.csv")
    job.save()
    _, token = ApiToken.issue("hostile-input", ["read", "write", "medical"])
    open_task = next(task for task in case.open_tasks())
    absence_task = next((task for task in going_on.tasks if task.status == "open"), None)
    return {
        "ids": {"case_id": str(case.pk), "absence_id": str(going_on.pk),
                "meeting_id": case.current_stage.meetings[0].id,
                "case_letter_id": case.current_stage.letters[0].id if case.current_stage.letters else "none",
                "absence_letter_id": going_on.letters[0].id if going_on.letters else "none",
                "case_task_id": open_task.id, "absence_task_id": absence_task.id if absence_task else "none",
                "flag_id": case.flags[0].id if case.flags else "none", "job_id": str(job.pk), "code": "C3",
                "key": "council-2019", "revision": 1, "assignment_number": wes.assignment_number, "number": 1,
                "step": "oh", "filename": "css/casebook.css", "extension": "xlsx", "kind": "absences",
                "trigger": "occasions", "name": "hostile-input", "login_id": str(support.pk)},
        "token": token, "users": {user.email: str(user.pk) for user in User.objects}, "wes": str(wes.pk),
        "unknown": str(ObjectId()), "employees": Employee.objects.count(),
    }


def _employee(**values) -> Employee:
    number = Employee.objects.count() + 1
    employee = Employee(**{"assignment_number": f"H{number:05d}", "job_title": "Staff nurse",
                           "division": "Community Care", "directorate": "Adult Services",
                           "department": "District Nursing", "fte": 1.0, "contracted_hours": 37.5,
                           "start_date": dt.date(2020, 1, 6), **values})
    employee.save_checked()
    rebuild_manager_paths()
    return Employee.objects.get(pk=employee.pk)


def _user(email: str, roles: list[str], **values) -> User:
    user = User(email=email, roles=roles, **values)
    user.set_password(PASSWORD)
    user.save_checked()
    return user


def _absence(employee, first: dt.date, last: dt.date | None, reason: str = "infections", detail: str | None = None):
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=last, reason_category=reason, reason_detail=detail)
    record.save_checked()
    return record


def _through_pages(client, case: Case, absence: Absence) -> None:
    """Bea makes the first letter each offers, adds a note and raises a flag; Ada uploads a letter template."""
    sign_in(client, "bea@example.org")
    for page, action in ((f"/cases/{case.pk}", f"/cases/{case.pk}/letters"),
                         (f"/absences/{absence.pk}", f"/absences/{absence.pk}/letters")):
        html = client.get(page).get_data(as_text=True)
        offered = [fields for url, fields, _ in forms_of(html) if url.split("#")[0] == action]
        if offered:
            client.post(action, data={name: values[0] for name, values in offered[0].items() if values})
    html = client.get(f"/cases/{case.pk}").get_data(as_text=True)
    version = Case.objects.get(pk=case.pk).version
    client.post(f"/cases/{case.pk}/notes", data={"csrf_token": csrf_token(html), "version": version,
                                                 "text": "Spoke to Wes about support at work."})
    html = client.get(f"/cases/{case.pk}").get_data(as_text=True)
    client.post(f"/cases/{case.pk}/flags", data={"csrf_token": csrf_token(html), "kind": "wrong_stage",
                                                 "version": Case.objects.get(pk=case.pk).version,
                                                 "comment": "The stage looks one too far."})
    client.post("/logout", data={"csrf_token": csrf_token(html)})
    sign_in(client, "admin@example.org")
    html = client.get("/admin/letters/C3").get_data(as_text=True)
    [(_, fields, _)] = [form for form in forms_of(html) if form[0] == "/admin/letters/C3" and form[2]]
    shipped = client.get("/admin/letters/C3/shipped.docx").get_data()
    answer = client.post("/admin/letters/C3", data={**{name: values[0] for name, values in fields.items() if values},
                                                    "file": (io.BytesIO(shipped), "C3.docx")})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(html)})
