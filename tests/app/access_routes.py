"""The access matrix's table, written by hand from DESIGN.md's "Users" section and each route's purpose, never
read from the decorators the app uses: for every route and method, who may use it, which records narrow it, how
its URL is filled from the seeded records (`tests/app/access_world.py`) and the form a user would send.

Who (DESIGN.md, Users): a manager works the cases and records the absences of the people below them; HR
advises, holds formal meetings, makes letters, decides and resolves flags for their divisions, and reads the
policies and letter templates; support (HR systems) imports, migrates and fixes data in every division, and may
read cases to do so, never medical detail; admins administer and see everything. Medical detail (the reason's
detail, the OH referral, meeting notes) is for the employee's managers in the hierarchy, HR for the division and
admins; a case conference's notes for its participants, HR for the division and admins (need to know). The data
protection officer reads the logs of medical reads and refused attempts and makes subject access exports, with admins;
they open no case, absence, employee or medical page themselves (need to know), only their own and their account.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable

from documents import Absence, Case, Employee, User
from services import accounts
from tests.app.access_world import DAY, LOGINS, TODAY, TOKENS, Side, World

MANAGER, HR, SUPPORT, ADMIN, DPO = "manager", "hr", "support", "admin", "dpo"
ANYONE, SIGNED_IN = "anyone", "signed in"
CASE_READING = {MANAGER, HR, SUPPORT, ADMIN}         # reading a case, an absence, an employee, their letters
CASEWORK = {MANAGER, HR, ADMIN}                      # working a case, recording absences, medical detail
HR_WORK = {HR, ADMIN}                                # HR's decisions, policies and letter templates read
DATA_WORK = {HR, SUPPORT, ADMIN}                     # staff lists, hierarchy, flags queue, data fixes
IMPORTS = {SUPPORT, ADMIN}
ADMIN_ONLY = {ADMIN}
MANAGER_ONLY = {MANAGER}
PRIVACY = {DPO, ADMIN}                               # the logs of reads and refusals, subject access exports

# Which records narrow a route (see `sees` below): None, or
STAFF = "staff"                 # the record's employee must be in the user's scope (404 otherwise)
MEDICAL = "medical"             # as STAFF, and the user may read medical detail
CONFERENCE = "conference"       # a case conference's notes: participants, HR for the division, admins
JOB = "job"                     # an import job: who started it, and admins
SCAN_JOB = "scan job"           # a trigger scan applied: who started it (HR A), and admins
HR_FLAG = "hr flag"             # a "wrong stage" flag: HR for the division and admins (support: "not my report")
IN_BODY = "in body"             # the record is named in the form: out of scope, the request changes nothing


USERS = ("m1", "boss", "m2", "hr_a", "hr_b", "support", "admin", "dpo")
ACTORS = ("anonymous", *USERS, *TOKENS)
# What each login sees, by the division of the records (DESIGN.md, Users: "sees"): M1 and the manager above
# them A's people, M2 B's; HR their division; support and admins every division.
# The DPO sees the names of every division's staff in the logs only: their role opens no staff page (refused there by
# role before any scope).
SEES = {"m1": "A", "boss": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "support": "AB", "admin": "AB", "dpo": "AB"}
# Medical detail: the employee's managers in the hierarchy, HR for the division, admins; never support.
READS_MEDICAL = {"m1": "A", "boss": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "admin": "AB"}
# A case conference's notes: its participants (M1 in A, M2 in B), HR for the division, admins; not the manager
# above, who is not a participant.
READS_CONFERENCE = {"m1": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "admin": "AB"}
ALLOWED, REFUSED, INERT = "allowed", "refused", "changes nothing"


@dataclasses.dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    who: frozenset[str]
    scope: str | None = None
    params: Callable[[World, Side], dict] = lambda w, s: {}
    body: Callable[[World, Side], dict] | None = None
    htmx: bool = False           # htmx calls it: tried with HX-Request too
    fragment: bool = False       # for htmx it answers a fragment, not a page
    lands: str | None = None     # where an allowed call is sent, when that is the sign-in page (signing out)
    label: str = ""


def row(endpoint: str, method: str, who, scope: str | None = None, **options) -> Row:
    return Row(endpoint, method, frozenset({who} if isinstance(who, str) else who), scope, **options)


def case_version(case_id: str) -> int:
    return Case.objects(pk=case_id).only("version").first().version


def employee_version(assignment_number: str) -> int:
    return Employee.objects(assignment_number=assignment_number).only("version").first().version


def absence_version(absence_id: str) -> int:
    return Absence.objects(pk=absence_id).only("version").first().version


STALE = {"version": "999999"}   # a version of a login nobody saw: the change is refused


def a_login() -> dict:
    """The Users page's URL of a login: the support login that owns the other import job."""
    return {"login_id": str(User.objects.get(email=LOGINS["data2"]["email"]).pk)}


def day(value: dt.date) -> str:
    return value.isoformat()


def sts(w, s):
    return {"case_id": s.sts_case}


def lts(w, s):
    return {"case_id": s.lts_case}


def off(w, s):
    return {"absence_id": s.absence}


def on_sts(**extra):
    """A case form on the short-term case: the version shown and `extra` fields."""
    return lambda w, s: {"version": case_version(s.sts_case), **extra}


def on_absence(**extra):
    return lambda w, s: {"version": absence_version(s.absence), **extra}


def live_link() -> dict:
    """A set-password link's secret that works (for a login no actor signs in with)."""
    _, url = accounts.password_link(LOGINS["data2"]["email"], "set", "admin@example.org", "")
    return {"secret": url.rsplit("/", 1)[1]}


def bogus_docx(name: str):
    return lambda w, s: {name: (io.BytesIO(b"not a Word file"), "letter.docx")}


GETS = [
    row("static", "GET", ANYONE, params=lambda w, s: {"filename": "css/casebook.css"}),
    row("home.frontend_assets", "GET", ANYONE, params=lambda w, s: {"filename": "manifest.json"}),
    row("home.health", "GET", ANYONE),
    row("auth.login", "GET", ANYONE),
    row("sso.start", "GET", ANYONE, lands="/login"),         # single sign-on not configured here: to sign in
    row("sso.callback", "GET", ANYONE, lands="/login"),
    row("home.index", "GET", SIGNED_IN),
    row("account.notifications", "GET", SIGNED_IN),
    row("passwords.choose", "GET", ANYONE, params=lambda w, s: live_link()),
    row("passwords.forgot", "GET", ANYONE),
    row("passwords.change", "GET", SIGNED_IN),
    row("team.index", "GET", MANAGER_ONLY, htmx=True, fragment=True),
    row("team.calendar", "GET", MANAGER_ONLY),
    row("tasks.index", "GET", CASEWORK),
    row("dashboard.index", "GET", CASEWORK),
    row("dashboard.rtw", "GET", CASEWORK),
    row("reports.board", "GET", CASEWORK),
    row("reports.export", "GET", CASEWORK, params=lambda w, s: {"extension": "csv"}),
    row("employees.index", "GET", DATA_WORK, htmx=True, fragment=True),
    row("employees.show", "GET", CASE_READING, STAFF, params=lambda w, s: {"assignment_number": s.sts_worker}),
    row("employees.show", "GET", CASE_READING, STAFF, params=lambda w, s: {"assignment_number": s.lts_worker},
        label="off sick, with medical detail"),
    row("absences.new", "GET", CASEWORK, STAFF, params=lambda w, s: {"assignment_number": s.sts_worker}),
    row("absences.show", "GET", CASE_READING, STAFF, params=off),
    row("absences.correct", "GET", CASEWORK, STAFF, params=off),
    row("absences.medical", "GET", CASEWORK, MEDICAL, params=off, htmx=True, fragment=True),
    row("absences.return_to_work", "GET", CASEWORK, STAFF, params=off),
    row("absences.download_letter", "GET", CASEWORK, MEDICAL, label="the OH referral (B4)",
        params=lambda w, s: {"absence_id": s.absence, "letter_id": s.absence_letter, "number": 1}),
    row("absences.letter_pdf", "GET", CASEWORK, MEDICAL, label="the OH referral (B4)",
        params=lambda w, s: {"absence_id": s.absence, "letter_id": s.absence_letter, "number": 1}),
    row("cases.index", "GET", CASE_READING),
    row("cases.export", "GET", CASE_READING),
    row("cases.show", "GET", CASE_READING, STAFF, params=sts, label="the short-term case"),
    row("cases.show", "GET", CASE_READING, STAFF, params=lts, label="the long-term case, with a case conference"),
    row("cases.chronology", "GET", CASE_READING, STAFF, params=lts, label="the long-term case's chronology"),
    row("cases.download_letter", "GET", CASE_READING, STAFF,
        params=lambda w, s: {"case_id": s.sts_case, "letter_id": s.case_letter, "number": 1}),
    row("cases.letter_pdf", "GET", CASE_READING, STAFF,
        params=lambda w, s: {"case_id": s.sts_case, "letter_id": s.case_letter, "number": 1}),
    row("cases.invitation", "GET", CASE_READING, STAFF,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting}),
    row("cases.notes", "GET", CASEWORK, MEDICAL, label="a formal review's notes",
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting}),
    row("cases.notes", "GET", CASEWORK, CONFERENCE, label="a case conference's notes",
        params=lambda w, s: {"case_id": s.lts_case, "meeting_id": s.conference}),
    row("hr.flags", "GET", DATA_WORK),
    row("hierarchy.index", "GET", DATA_WORK),
    row("datafix.index", "GET", DATA_WORK),
    row("datafix.amend", "GET", DATA_WORK, STAFF, params=sts),
    row("datafix.corrections", "GET", DATA_WORK),
    row("imports.upload_absences", "GET", IMPORTS),
    row("imports.upload_employees", "GET", IMPORTS),
    row("imports.upload_inflight", "GET", IMPORTS),
    row("imports.show", "GET", IMPORTS, JOB, params=lambda w, s: {"job_id": w.own_job}),
    row("imports.progress", "GET", IMPORTS, JOB, params=lambda w, s: {"job_id": w.own_job}, htmx=True,
        fragment=True),
    row("imports.report", "GET", IMPORTS, JOB, params=lambda w, s: {"job_id": w.own_job}),
    row("imports.template_file", "GET", IMPORTS, params=lambda w, s: {"kind": "absences"}),
    row("triggers.preview", "GET", HR_WORK),
    row("triggers.scan_job", "GET", HR_WORK, SCAN_JOB, params=lambda w, s: {"job_id": w.scan_job}, htmx=True,
        fragment=True),
    row("policies.index", "GET", HR_WORK),
    row("policies.show", "GET", HR_WORK, params=lambda w, s: {"key": w.policy[0], "revision": w.policy[1]}),
    row("policies.download", "GET", ADMIN_ONLY, params=lambda w, s: {"key": w.policy[0], "revision": w.policy[1]}),
    row("policies.edit", "GET", ADMIN_ONLY, params=lambda w, s: {"key": w.policy[0], "revision": w.policy[1]}),
    row("policies.preview", "GET", ADMIN_ONLY, params=lambda w, s: {"key": "nhs-wales", "revision": 1}),
    row("policies.new", "GET", ADMIN_ONLY),
    row("letters_admin.index", "GET", HR_WORK),
    row("letters_admin.fields", "GET", HR_WORK),
    row("letters_admin.show", "GET", HR_WORK, params=lambda w, s: {"code": w.letter_code}),
    row("letters_admin.download", "GET", HR_WORK, params=lambda w, s: {"code": w.letter_code}),
    row("letters_admin.download_shipped", "GET", HR_WORK, params=lambda w, s: {"code": w.letter_code}),
    row("letters_admin.download_version", "GET", HR_WORK,
        params=lambda w, s: {"code": w.letter_code, "number": 1}),
    row("letters_admin.organisation_details", "GET", ADMIN_ONLY),
    row("letters_admin.organisation_logo", "GET", ADMIN_ONLY),
    row("letters_admin.sample", "GET", HR_WORK, params=lambda w, s: {"code": w.letter_code, "number": 1}),
    row("letters_admin.sample_docx", "GET", HR_WORK, params=lambda w, s: {"code": w.letter_code, "number": 1}),
    row("guide.index", "GET", SIGNED_IN),
    row("datafix.routing", "GET", ADMIN_ONLY),
    row("reason_codes.mapping", "GET", ADMIN_ONLY),
    row("dpo.medical_reads", "GET", PRIVACY, htmx=True, fragment=True),
    row("dpo.medical_reads_csv", "GET", PRIVACY, params=lambda w, s: {"employee": s.lts_worker}),
    row("dpo.refusals", "GET", PRIVACY, htmx=True, fragment=True),
    row("dpo.refusals_csv", "GET", PRIVACY, params=lambda w, s: {"reader": "m1@example.org"}),
    row("dpo.subject_access", "GET", PRIVACY),
    row("sso.sign_in_settings", "GET", ADMIN_ONLY),
    row("user_admin.index", "GET", ADMIN_ONLY, htmx=True, fragment=True),
    row("user_admin.new", "GET", ADMIN_ONLY),
    row("user_admin.show", "GET", ADMIN_ONLY, params=lambda w, s: a_login()),
    row("user_admin.bulk_links", "GET", ADMIN_ONLY),
    row("api.employee_absences", "GET", "token:read", params=lambda w, s: {"assignment_number": s.lts_worker}),
    row("api.employee_cases", "GET", "token:read", params=lambda w, s: {"assignment_number": s.lts_worker}),
    row("api.employee_evaluation", "GET", "token:read", params=lambda w, s: {"assignment_number": s.sts_worker}),
    # The second step of signing in and setting it up when required: only a half-done sign-in opens them; without
    # one a visitor is sent to the password (someone signed in, home).
    row("two_factor.second_step", "GET", ANYONE, lands="/login"),
    row("two_factor.enrol", "GET", ANYONE, lands="/login"),
    row("two_factor.settings_page", "GET", SIGNED_IN),
    row("two_factor.security", "GET", ADMIN_ONLY),
    row("tokens.index", "GET", ADMIN_ONLY),
    row("tokens.show", "GET", ADMIN_ONLY, params=lambda w, s: {"name": "token-read"}),
]

# In the order they run: what changes little first; what closes, ends or moves records, and signing out, last.
POSTS = [
    row("auth.login", "POST", ANYONE, body=lambda w, s: {}),
    row("account.notifications", "POST", SIGNED_IN, body=lambda w, s: {"notify": "digest"}),
    row("passwords.choose", "POST", ANYONE, params=lambda w, s: live_link(), body=lambda w, s: {}),
    row("passwords.forgot", "POST", ANYONE, body=lambda w, s: {}),
    row("passwords.change", "POST", SIGNED_IN, body=lambda w, s: {}),
    row("api.upsert_absences", "POST", "token:write", body=lambda w, s: {"absences": []}),
    row("cases.add", "POST", CASE_READING, STAFF, params=sts, htmx=True, body=on_sts(text="Spoke to the employee.")),
    row("cases.associate", "POST", CASEWORK, STAFF, params=sts, htmx=True,
        body=lambda w, s: {"version": case_version(s.sts_case), "absence_ids": s.sts_absences}),
    row("cases.preview", "POST", CASEWORK, STAFF, params=sts, htmx=True, fragment=True,
        body=on_sts(outcome_kind="", decided_on=day(TODAY))),
    row("cases.outcome", "POST", CASEWORK, STAFF, params=sts, htmx=True,
        body=on_sts(outcome_kind="", decided_on=day(TODAY))),
    row("cases.appeal", "POST", CASEWORK, STAFF, params=sts, htmx=True, body=lambda w, s: {
        "appeal-version": case_version(s.sts_case), "appeal-received_on": day(TODAY),
        "appeal-meeting_on": day(TODAY), "appeal-decided_on": day(TODAY), "appeal-heard_by_name": "Hal Higher",
        "appeal-heard_by_title": "Head of Service", "appeal-outcome": "upheld",
        "appeal-reasons": "The warning is withdrawn."}),
    row("cases.another_date", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting},
        body=on_sts(proposed_on=day(TODAY + 3 * DAY))),
    row("cases.change", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting},
        body=lambda w, s: {f"change-{s.meeting}-version": case_version(s.sts_case),
                           f"change-{s.meeting}-on": day(TODAY + 20 * DAY), f"change-{s.meeting}-at_time": "11:00",
                           f"change-{s.meeting}-minutes": "45", f"change-{s.meeting}-how": "in_person",
                           f"change-{s.meeting}-place": "Room 3, Beech House",
                           f"change-{s.meeting}-participants-0-name": s.names["manager"],
                           f"change-{s.meeting}-participants-0-role": "manager"}),
    row("cases.cancel", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting},
        body=lambda w, s: {f"cancel-{s.meeting}-version": case_version(s.sts_case),
                           f"cancel-{s.meeting}-reason": "The room is not free."}),
    row("cases.send_invitation", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting}, body=on_sts()),
    row("cases.notes", "POST", CASEWORK, MEDICAL, label="a formal review's notes", htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "meeting_id": s.meeting},
        body=on_sts(reasons="Colds; a stomach bug.")),
    row("cases.notes", "POST", CASEWORK, CONFERENCE, label="a case conference's notes", htmx=True,
        params=lambda w, s: {"case_id": s.lts_case, "meeting_id": s.conference},
        body=lambda w, s: {"version": case_version(s.lts_case), "medical_advice": "Overwritten"}),
    row("cases.make_letter", "POST", CASEWORK, STAFF, params=sts, htmx=True,
        body=lambda w, s: {"version": case_version(s.sts_case), "code": "C3", "meeting_id": s.meeting}),
    row("cases.upload_letter", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "letter_id": s.case_letter},
        body=lambda w, s: {f"upload-{s.case_letter}-version": case_version(s.sts_case),
                           **bogus_docx(f"upload-{s.case_letter}-file")(w, s)}),
    row("cases.confirm_migrated_stage", "POST", CASEWORK, STAFF, params=sts, htmx=True, body=on_sts()),
    row("cases.wrong_migrated_stage", "POST", CASEWORK, STAFF, params=sts, htmx=True,
        body=on_sts(wrong_stage_comment="It was at stage 2")),
    row("cases.snooze", "POST", CASEWORK, STAFF, params=lts, htmx=True, body=lambda w, s: {
        "version": case_version(s.lts_case), "snooze_reason": "Surgery booked", "agreed_by": "Hana A",
        "snooze_until": day(TODAY + 14 * DAY)}),
    row("cases.reassign", "POST", HR_WORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "task_id": s.task},
        body=lambda w, s: {"version": case_version(s.sts_case), "assignee": s.manager_email}),
    row("cases.complete", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "task_id": s.task}, body=on_sts()),
    # HR's advice on the pertinent factors: HR's own task (on a task that asks for none, refused with a message)
    row("cases.advise", "POST", HR_WORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "task_id": s.task}, body=on_sts(advice="Consider an adjustment")),
    # An adjusted trigger threshold: HR's, for the employees of their divisions
    row("employees.adjust", "POST", HR_WORK, STAFF, htmx=True,
        params=lambda w, s: {"assignment_number": s.sts_worker}, body=lambda w, s: {
            "version": employee_version(s.sts_worker), "trigger": "occasions", "threshold": "6",
            "reason": "Agreed adjustment", "review_on": day(TODAY + 400 * DAY)}),
    row("employees.remove_adjustment", "POST", HR_WORK, STAFF, htmx=True,
        params=lambda w, s: {"assignment_number": s.sts_worker, "trigger": "occasions"},
        body=lambda w, s: {"version": employee_version(s.sts_worker)}),
    row("cases.flag", "POST", MANAGER_ONLY, STAFF, params=sts, htmx=True,
        body=on_sts(kind="not_my_report", flag_comment="Moved to another ward in October")),
    row("cases.ask_not_to_progress_view", "POST", MANAGER_ONLY, STAFF, params=sts, htmx=True,
        body=on_sts(request_reason="Attendance has improved")),
    row("cases.not_my_report_from_team", "POST", MANAGER_ONLY, STAFF,
        params=lambda w, s: {"assignment_number": s.lts_worker},
        body=lambda w, s: {"comment": "Moved to another ward in October"}),
    row("cases.withdraw_not_my_report_from_team", "POST", MANAGER_ONLY, STAFF,
        params=lambda w, s: {"assignment_number": s.lts_worker}, body=lambda w, s: {}),
    row("hierarchy.give_to_supervisor", "POST", DATA_WORK, STAFF,
        params=lambda w, s: {"case_id": s.sts_case, "task_id": s.task}, body=on_sts()),
    row("hr.resolve", "POST", DATA_WORK, HR_FLAG, label="a wrong-stage flag", htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "flag_id": s.flag},
        body=lambda w, s: {"resolution": "Stage checked against the old system"}),
    row("hr.resolve", "POST", DATA_WORK, STAFF, label="a not-my-report flag", htmx=True,
        params=lambda w, s: {"case_id": s.lts_case, "flag_id": s.nmr_flag},
        body=lambda w, s: {"resolution": "Supervisor corrected in ESR"}),
    row("datafix.amend", "POST", DATA_WORK, STAFF, params=sts, body=lambda w, s: {
        "version": case_version(s.sts_case), "stage": "formal_1", "warning_level": "", "reason": ""}),
    row("datafix.amend_associated", "POST", DATA_WORK, STAFF, params=sts, body=lambda w, s: {
        "version": case_version(s.sts_case), "absence_ids": s.sts_absences,
        "absences_reason": "Association checked against the absence system"}),
    row("datafix.corrections", "POST", DATA_WORK, body=lambda w, s: {}),
    row("hierarchy.check", "POST", DATA_WORK, body=lambda w, s: {}),
    row("datafix.apply_corrections_page", "POST", DATA_WORK, IN_BODY, body=lambda w, s: {
        "csv_text": f"case_id,review_date,reason\n{s.sts_case},{day(TODAY + 60 * DAY)},Review date agreed\n"}),
    row("absences.log_contact", "POST", CASEWORK, STAFF, params=off,
        body=on_absence(contact_on=day(TODAY), method="phone", note="Called to see how they are")),
    row("absences.record_fit_note", "POST", CASEWORK, STAFF, params=off,
        body=on_absence(from_day=day(TODAY - 7 * DAY), to_day=day(TODAY + 7 * DAY))),
    row("absences.record_step", "POST", CASEWORK, STAFF, params=lambda w, s: {"absence_id": s.absence,
                                                                              "step": "accident-report"},
        body=lambda w, s: {"accident-version": absence_version(s.absence), "accident-done_on": day(TODAY)}),
    row("absences.extend", "POST", CASEWORK, STAFF, params=off, body=on_absence(expected_return=day(TODAY + 21 * DAY))),
    row("absences.correct", "POST", CASEWORK, STAFF, params=off,
        body=on_absence(first_day=day(TODAY - 60 * DAY), reason_category="digestive", correction_reason="")),
    row("absences.return_to_work", "POST", CASEWORK, STAFF, params=off, body=on_absence(held_on=day(TODAY))),
    row("absences.make_letter", "POST", CASEWORK, STAFF, params=off, body=on_absence(code="B4")),
    row("absences.upload_letter", "POST", CASEWORK, STAFF,
        params=lambda w, s: {"absence_id": s.absence, "letter_id": s.absence_letter},
        body=lambda w, s: {f"upload-{s.absence_letter}-version": absence_version(s.absence),
                           **bogus_docx(f"upload-{s.absence_letter}-file")(w, s)}),
    row("absences.new", "POST", CASEWORK, STAFF, params=lambda w, s: {"assignment_number": s.sts_worker},
        body=lambda w, s: {"first_day": day(TODAY), "reason_category": ""}),
    row("tasks.complete_reminder", "POST", CASEWORK, STAFF,
        params=lambda w, s: {"absence_id": s.ended_absence, "task_id": s.reminder}, body=lambda w, s: {}),
    row("tasks.start_short_term_procedure", "POST", CASEWORK, STAFF,
        params=lambda w, s: {"absence_id": s.ended_absence, "task_id": s.reminder}, body=lambda w, s: {}),
    row("imports.upload_absences", "POST", IMPORTS, body=lambda w, s: {}),
    row("imports.upload_employees", "POST", IMPORTS, body=lambda w, s: {}),
    row("imports.upload_inflight", "POST", IMPORTS, body=lambda w, s: {}),
    row("imports.apply", "POST", IMPORTS, JOB, params=lambda w, s: {"job_id": w.own_job}, body=lambda w, s: {}),
    row("policies.edit", "POST", ADMIN_ONLY, params=lambda w, s: {"key": w.policy[0], "revision": w.policy[1]},
        body=lambda w, s: {"name": ""}),
    row("policies.upload", "POST", ADMIN_ONLY, body=lambda w, s: {}),
    row("policies.paste", "POST", ADMIN_ONLY, body=lambda w, s: {"paste-text": ""}),
    row("policies.activate", "POST", ADMIN_ONLY, params=lambda w, s: {"key": "nhs-wales", "revision": 1},
        body=lambda w, s: {"compared_with": "an older preview"}),
    row("letters_admin.upload", "POST", ADMIN_ONLY, params=lambda w, s: {"code": w.letter_code},
        body=bogus_docx("file")),
    row("letters_admin.use_again", "POST", ADMIN_ONLY, params=lambda w, s: {"code": w.letter_code, "number": 1},
        body=lambda w, s: {}),
    row("letters_admin.use_shipped", "POST", ADMIN_ONLY, params=lambda w, s: {"code": w.letter_code},
        body=lambda w, s: {}),
    row("letters_admin.organisation_details", "POST", ADMIN_ONLY,
        body=lambda w, s: {"name": "Example Health and Care Trust", "address": "1 High Street"}),
    row("datafix.routing", "POST", ADMIN_ONLY, body=lambda w, s: {"hierarchy_admin_email": "",
                                                                  "divisions-0-name": "", "divisions-0-hr_email": ""}),
    row("reason_codes.mapping", "POST", ADMIN_ONLY, body=lambda w, s: {"S28": "musculoskeletal"}),
    row("two_factor.second_step", "POST", ANYONE, body=lambda w, s: {"code": "123456"}, lands="/login"),
    row("two_factor.enrol", "POST", ANYONE, body=lambda w, s: {"code": "123456"}, lands="/login"),
    row("two_factor.settings_page", "POST", SIGNED_IN, body=lambda w, s: {"code": ""}),
    row("two_factor.turn_off", "POST", SIGNED_IN, body=lambda w, s: {"off-proof": ""}),
    row("two_factor.new_recovery_codes", "POST", SIGNED_IN, body=lambda w, s: {"renew-proof": ""}),
    row("two_factor.security", "POST", ADMIN_ONLY, body=lambda w, s: {"version": ""}),
    # Revoking the token revoked already: refused with a message, so the tokens the matrix sends keep working.
    row("tokens.revoke", "POST", ADMIN_ONLY, params=lambda w, s: {"name": "token-revoked"}, body=lambda w, s: {}),
    row("dpo.subject_access", "POST", PRIVACY, body=lambda w, s: {"assignment_number": s.lts_worker, "confirm": "y"}),
    row("sso.sign_in_settings", "POST", ADMIN_ONLY, body=lambda w, s: {"local_passwords": "on"}),
    # The Users page's forms, each refused (a missing field, a version nobody saw, no confirmation): no login changes.
    row("user_admin.new", "POST", ADMIN_ONLY, body=lambda w, s: {"name": "", "email": ""}),
    row("user_admin.access", "POST", ADMIN_ONLY, params=lambda w, s: a_login(), body=lambda w, s: {}),
    row("user_admin.assignment", "POST", ADMIN_ONLY, params=lambda w, s: a_login(),
        body=lambda w, s: {"assignment_number": "NOBODY"}),
    row("user_admin.authority", "POST", ADMIN_ONLY, params=lambda w, s: a_login(), body=lambda w, s: STALE),
    row("user_admin.switch_off", "POST", ADMIN_ONLY, params=lambda w, s: a_login(), body=lambda w, s: STALE),
    row("user_admin.switch_on", "POST", ADMIN_ONLY, params=lambda w, s: a_login(), body=lambda w, s: STALE),
    row("user_admin.send_link", "POST", ADMIN_ONLY, params=lambda w, s: a_login(), body=lambda w, s: {}),
    row("user_admin.bulk_links", "POST", ADMIN_ONLY, body=lambda w, s: {"division": ""}),
    # These close, end or move records: nothing after them relies on those records as they were.
    row("cases.letter_sent", "POST", CASEWORK, STAFF, htmx=True,
        params=lambda w, s: {"case_id": s.sts_case, "letter_id": s.case_letter},
        body=lambda w, s: {f"sent-{s.case_letter}-version": case_version(s.sts_case),
                           f"sent-{s.case_letter}-sent_on": day(TODAY), f"sent-{s.case_letter}-sent_how": "post"}),
    row("absences.letter_sent", "POST", CASEWORK, STAFF,
        params=lambda w, s: {"absence_id": s.absence, "letter_id": s.absence_letter},
        body=lambda w, s: {f"sent-{s.absence_letter}-version": absence_version(s.absence),
                           f"sent-{s.absence_letter}-sent_on": day(TODAY),
                           f"sent-{s.absence_letter}-sent_how": "email"}),
    row("cases.decide", "POST", HR_WORK, STAFF, params=sts, htmx=True,
        body=on_sts(decision="monitoring", decision_reason="Attendance has improved")),
    # Each allowed arrangement adds a meeting that every later case page draws with its forms: tried last of the
    # case's rows, so that the rows before (whose refused forms redraw the case page) do not draw them all. That
    # took a fifth off the change pass (326 → 264 s on a busy machine).
    row("cases.arrange", "POST", CASEWORK, STAFF, params=sts, htmx=True, body=lambda w, s: {
        "version": case_version(s.sts_case), "on": day(TODAY + 10 * DAY), "at_time": "10:00", "minutes": "45",
        "how": "in_person", "place": "Room 2, Beech House", "participants-0-name": s.names["manager"],
        "participants-0-role": "manager", "employee_attends": "y", "companion_name": "", "companion_kind": ""}),
    row("absences.end", "POST", CASEWORK, STAFF, params=off, body=on_absence(last_day=day(TODAY - DAY))),
    row("triggers.apply", "POST", HR_WORK, body=lambda w, s: {"as_of": day(TODAY)}),
    row("auth.logout", "POST", SIGNED_IN, body=lambda w, s: {}, lands="/login"),
]


def sees(row: Row, actor: str, target: str) -> bool:
    """Whether the user `actor` may reach the records of division `target` through `row`."""
    if row.scope is None:
        return True
    if row.scope == JOB:
        return actor in ("support", "admin")        # support@ started the job; admins see every job
    if row.scope == SCAN_JOB:
        return actor in ("hr_a", "admin")
    if row.scope == MEDICAL:
        return target in READS_MEDICAL.get(actor, "")
    if row.scope == CONFERENCE:
        return target in READS_CONFERENCE.get(actor, "")
    if row.scope == HR_FLAG and actor == "support":
        return False                                # support's queue holds "not my report" flags only
    assert row.scope in (STAFF, HR_FLAG, IN_BODY), row.scope
    return target in SEES[actor]


def expected(row: Row, actor: str, target: str) -> str:
    """What `actor` should get from `row` with division `target`'s records, from the table alone."""
    if ANYONE in row.who:
        return ALLOWED
    scopes = [who.removeprefix("token:") for who in row.who if who.startswith("token:")]
    if scopes:
        live = TOKENS.get(actor) if actor != "token_revoked" else None
        return ALLOWED if live and set(scopes) & set(live) else REFUSED
    if actor not in USERS:
        return REFUSED
    if SIGNED_IN in row.who:
        return ALLOWED
    if not set(LOGINS[actor]["roles"]) & row.who:
        return REFUSED
    if sees(row, actor, target):
        return ALLOWED
    return INERT if row.scope == IN_BODY else REFUSED

