"""The organisation the access matrix is tried against: two divisions, A and B, each with a manager, two of
their staff with a short-term and a long-term case, absences, meetings (a case conference among them), tasks,
letters made and stored, flags and notes; the logins of every role and the API tokens of every scope.

Built once for the module (`build`), from the documents and the services that make letters, as the app would
have them after a few weeks of casework."""
from __future__ import annotations

import dataclasses
import datetime as dt
import struct
import zlib

from documents import Absence, ApiToken, Case, Employee, ImportJob, Job, User, rebuild_manager_paths, utcnow
from documents.case import Flag, Meeting, Note, Participant, Stage, Task
from documents.policy import policy_rules
from services import clock
from services.cases.letters import generate
from services.cases.tasks import add_stage_tasks, associate_absences
from services.letter_templates import shipped_template, upload_template
from services.organisation import save_organisation
from services.settings import OrganisationDefaults
from services.triggers import install_presets
from tests.conftest import PASSWORD

D = dt.date
DAY = dt.timedelta(days=1)
TODAY = clock.today()
ORG = OrganisationDefaults(name="Example Health and Care Trust")
DIVISIONS = {"A": "Community Care", "B": "Secure Care"}
SECRET = {"A": "Crohns disease flare, infusion every 8 weeks", "B": "Post-operative recovery, hip replacement"}
CONFERENCE_SECRET = {"A": "OH advises a phased return over 6 weeks", "B": "Specialist report awaited (orthopaedics)"}
PNG = b"".join([b"\x89PNG\r\n\x1a\n", *(                 # a 1×1 white pixel: the organisation's logo
    struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    for kind, data in ((b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)),
                       (b"IDAT", zlib.compress(b"\x00\xff\xff\xff")), (b"IEND", b"")))])

# Who signs in, with their roles and what ties them to the records.
LOGINS = {
    "m1": dict(email="m1@example.org", roles=["manager"], assignment_number="A20002", name="Maya One"),
    "m2": dict(email="m2@example.org", roles=["manager"], assignment_number="B20002", name="Milo Two"),
    "boss": dict(email="boss@example.org", roles=["manager"], assignment_number="A20001", name="Bo Above"),
    "hr_a": dict(email="hra@example.org", roles=["hr"], hr_divisions=[DIVISIONS["A"]], name="Hana A"),
    "hr_b": dict(email="hrb@example.org", roles=["hr"], hr_divisions=[DIVISIONS["B"]], name="Hugo B"),
    "support": dict(email="support@example.org", roles=["support"], name="Sam Support"),
    "admin": dict(email="admin@example.org", roles=["admin"], name="Ada Admin"),
    "data2": dict(email="data2@example.org", roles=["support"], name="Dee Data"),   # owns the other import job
    "dpo": dict(email="dpo@example.org", roles=["dpo"], name="Pat Privacy"),
}
TOKENS = {"token_read": ["read"], "token_write": ["write"], "token_medical": ["medical"],
          "token_read_medical": ["read", "medical"], "token_revoked": ["read", "write", "medical"]}


@dataclasses.dataclass
class Side:
    """One division's records, by what the matrix fills URLs and forms with."""

    division: str
    manager: str                # the manager's assignment number (M1 in A, M2 in B)
    manager_email: str
    sts_worker: str             # assignment numbers of their two reports
    lts_worker: str
    sts_case: str = ""
    lts_case: str = ""
    task: str = ""              # an open task anyone working the case may complete
    meeting: str = ""           # the STS stage's formal review meeting, held, with notes
    conference: str = ""        # the LTS stage's case conference, with notes
    case_letter: str = ""       # C3 on the STS case (version 1 stored)
    absence: str = ""           # the long-term worker's absence going on, with medical detail
    absence_letter: str = ""    # B4 (the occupational health referral: medical) on that absence
    ended_absence: str = ""     # the short-term worker's latest absence, ended, with its RTW reminder
    reminder: str = ""
    flag: str = ""              # "wrong stage" on the STS case
    nmr_flag: str = ""          # "not my report" on the LTS case
    sts_absences: list[str] = dataclasses.field(default_factory=list)
    names: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class World:
    sides: dict[str, Side]
    tokens: dict[str, str]                    # actor → bearer token
    own_job: str = ""                         # an import job support@ started
    other_job: str = ""                       # one data2@ started
    scan_job: str = ""                        # a trigger scan hra@ applied, naming someone in A
    letter_code: str = "C1"                   # a letter template with an uploaded version 1
    policy: tuple[str, int] = ("council-2019", 1)


def _employee(number: str, first: str, last: str, division: str, supervisor: str | None) -> Employee:
    employee = Employee(assignment_number=number, first_name=first, last_name=last, division=division,
                        email=f"{first.lower()}.{last.lower()}@example.org", job_title="Staff nurse",
                        directorate="Adult Services", department="Wards", fte=1.0, contracted_hours=37.5,
                        start_date=D(2019, 4, 1), supervisor_assignment_number=supervisor)
    employee.save_checked()
    return employee


def _absence(employee: Employee, first: dt.date, last: dt.date | None, reason: str = "infections",
             detail: str = "") -> Absence:
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=last, reason_category=reason, reason_detail=detail or None,
                     expected_return=None if last else TODAY + 14 * DAY)
    record.save_checked()
    return record


def _case(employee: Employee, kind: str, key: str, entered: dt.date) -> Case:
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                stage=key, opened_on=entered, stages=[Stage(key=key, entered_on=entered, trigger_explanation=(
                    "4 occasions in the 12 months (trigger: 4 or more)" if kind == "STS" else "28 days off"))])
    add_stage_tasks(case, employee, policy_rules("council-2019", 1), entered)
    return case


def _side(key: str, manager_email: str, hr_email: str, above: str | None) -> Side:
    division, prefix = DIVISIONS[key], key
    manager = _employee(f"{prefix}20002", "Maya" if key == "A" else "Milo", "One" if key == "A" else "Two",
                        division, above)
    sts = _employee(f"{prefix}30001", "Sasha" if key == "A" else "Sol", f"Short{key}", division,
                    manager.assignment_number)
    lts = _employee(f"{prefix}30002", "Lee" if key == "A" else "Lou", f"Long{key}", division,
                    manager.assignment_number)
    rebuild_manager_paths()
    sts, lts = Employee.objects.get(pk=sts.pk), Employee.objects.get(pk=lts.pk)
    side = Side(division, manager.assignment_number, manager_email, sts.assignment_number, lts.assignment_number,
                names={"sts": sts.name, "lts": lts.name, "manager": manager.name})

    # Four short absences in the year before the 1st formal review began a month ago, and a recent one, ended.
    entered = TODAY - 30 * DAY
    for first in (TODAY - 300 * DAY, TODAY - 220 * DAY, TODAY - 130 * DAY, TODAY - 70 * DAY):
        side.sts_absences.append(str(_absence(sts, first, first + DAY).pk))
    ended = _absence(sts, TODAY - 10 * DAY, TODAY - 8 * DAY, "digestive")
    reminder = Task(kind="rtw_reminder", title=f"Hold {sts.name}'s return-to-work interview",
                    assignee=manager_email, due_on=TODAY)
    ended.tasks.append(reminder)
    ended.save_checked()
    side.ended_absence, side.reminder = str(ended.pk), reminder.id

    case = _case(sts, "STS", "formal_1", entered)
    meeting = Meeting(kind="formal_review", on=TODAY - 5 * DAY, at_time="10:00", place="Room 2, Beech House",
                      arranged_by=manager_email, employee_attends=False,
                      participants=[Participant(name=manager.name, role="manager"),
                                    Participant(name="HR advisor", role="hr")])
    case.current_stage.meetings.append(meeting)
    contact = Task(kind="contact", title="Keep in touch", stage_key="formal_1", assignee=manager_email,
                   due_on=TODAY + 3 * DAY)
    case.tasks.append(contact)
    case.notes.append(Note(author=manager_email, text="Discussed the review with the employee."))
    flag = Flag(kind="wrong_stage", raised_by=manager_email, stage_key="formal_1", comment="Was at stage 2")
    case.flags.append(flag)
    case.save_checked()
    case = associate_absences(case, sts, side.sts_absences, manager_email, TODAY - 20 * DAY)
    case = Case.objects.get(pk=case.pk)
    meeting = case.current_stage.meetings[0]
    meeting.notes, meeting.held = {"reasons": f"Talked it through: {SECRET[key]}"}, True     # medical too
    case.save_checked()
    record = generate(Case.objects.get(pk=case.pk), "C3", manager_email, TODAY, meeting.id, organisation=ORG)
    side.sts_case, side.task, side.meeting, side.case_letter, side.flag = (
        str(case.pk), contact.id, meeting.id, record.id, flag.id)

    off = _absence(lts, TODAY - 60 * DAY, None, "digestive", SECRET[key])
    side.absence = str(off.pk)
    side.absence_letter = generate(Absence.objects.get(pk=off.pk), "B4", manager_email, TODAY,
                                   organisation=ORG).id
    lts_case = _case(lts, "LTS", "lts_case_conference", TODAY - 25 * DAY)
    conference = Meeting(kind="case_conference", on=TODAY - 2 * DAY, at_time="14:00", place="OH suite",
                         arranged_by=hr_email, employee_attends=False, held=True,
                         notes={"medical_advice": CONFERENCE_SECRET[key]},
                         participants=[Participant(name=manager.name, role="manager", email=manager_email),
                                       Participant(name="Dr Oz", role="oh", email="oz@example.org")])
    lts_case.current_stage.meetings.append(conference)
    nmr = Flag(kind="not_my_report", raised_by=manager_email, comment="Moved to another ward")
    lts_case.flags.append(nmr)
    lts_case.save_checked()
    side.lts_case, side.conference, side.nmr_flag = str(lts_case.pk), conference.id, nmr.id
    return side


def _job(owner: User, filename: str) -> str:
    job = ImportJob(kind="absences", filename=filename, created_by=owner.pk, created_by_email=owner.email,
                    status="applied", stage="done", done=2, total=2, counts={"created": 1, "refused": 1})
    job.report.put(b"assignment_number,first_day,row,errors\nA99999,2026-11-02,3,unknown employee\n",
                   content_type="text/csv", filename=f"refused-{filename}")
    job.save()
    return str(job.pk)


def _scan_job(employee: Employee) -> str:
    shown = [({"name": employee.name, "assignment_number": employee.assignment_number,
               "division": employee.division}, [{"kind": "open_sts", "reason": "4 occasions"}])]
    job = Job(kind="trigger_scan", parameters={"user": "", "as_of": TODAY.isoformat()},
              created_by=LOGINS["hr_a"]["email"], status="done",
              result={"employees": 1, "concerns": 0, "actions": {"open_sts": 1}, "shown": shown})
    job.save()
    return str(job.pk)


def build() -> World:
    """Every record the matrix needs, in an empty database."""
    install_presets()
    users = {}
    for actor, values in LOGINS.items():
        user = User(**values)
        user.set_password(PASSWORD)
        user.save_checked()
        users[actor] = user
    above = _employee("A20001", "Bo", "Above", DIVISIONS["A"], None)
    sides = {"A": _side("A", LOGINS["m1"]["email"], LOGINS["hr_a"]["email"], above.assignment_number),
             "B": _side("B", LOGINS["m2"]["email"], LOGINS["hr_b"]["email"], None)}
    sides["A"].names["above"] = above.name
    tokens = {}
    for actor, scopes in TOKENS.items():
        document, tokens[actor] = ApiToken.issue(actor.replace("_", "-"), scopes)
        if actor == "token_revoked":
            ApiToken.objects(pk=document.pk).update_one(set__revoked_at=utcnow())
    world = World(sides, tokens, own_job=_job(users["support"], "absences-november.csv"),
                  other_job=_job(users["data2"], "absences-october.csv"), scan_job=_scan_job(above))
    upload_template(world.letter_code, shipped_template(world.letter_code), "C1-edited.docx",
                    LOGINS["admin"]["email"], "matrix")
    save_organisation(LOGINS["admin"]["email"], {"name": ORG.name, "address": ["1 High Street"], "phone": None,
                                                 "email": None}, None, ("logo.png", PNG), defaults=ORG)
    return world
