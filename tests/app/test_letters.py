"""Letters on a case and on an absence, with the shipped templates: refused before the absences are associated
or with a field missing (named); a generated letter carries the names, every associated absence and the
dates the policy computed (hand-checked for a council 1st formal review warning) with no tag left; stored in
GridFS, listed, downloaded with its name; uploads of bad files refused with the reason and nothing stored;
an edited copy kept as version 2 without changing the stage; marking as sent completes the letter task; the
medical detail only in the referral and only for those who may read it; scope; the PDF copy when LibreOffice
is installed."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import zipfile

import pytest
from docx import Document
from mongoengine.connection import get_db

from casework.moments import moment_words
from casework.workflow import DismissalTerms
from documents import Absence, Case, Employee
from documents.absence import MedicalRead, ReturnToWork
from documents.case import Meeting, Participant, Stage
from documents.policy import policy_rules
from services import clock
from services.accounts import set_dismissal_authority
from services.cases.letters import generate, letters_for, mark_sent, upload
from services.cases.outcomes import OutcomeChoice, record_outcome
from services.cases.tasks import add_stage_tasks, associate_absences
from services.errors import Refused
from services.settings import OrganisationDefaults
from services.triggers import install_presets
from tests.app.held_meetings import hold_meeting
from tests.app.test_triggers_apply import absence
from tests.conftest import csrf_token

D = dt.date
TODAY = clock.today()
ORG = OrganisationDefaults(name="Example Health and Care Trust")   # as the tests' app configures it
ENTERED = D(2026, 2, 16)
MEETING_ON = D(2026, 2, 26)
# Four absences in the 12 months before the 1st formal review began on 16 February 2026 (Monday to Friday).
ABSENCES = [(D(2025, 4, 7), D(2025, 4, 9), "infections"), (D(2025, 6, 18), D(2025, 6, 18), "neurological"),
            (D(2025, 9, 10), D(2025, 9, 16), "digestive"), (D(2025, 12, 3), D(2025, 12, 3), "infections")]
ABSENCE_ROWS = [["7 April 2025", "9 April 2025", "3", "3", "Infections (colds, flu)"],
                ["18 June 2025", "18 June 2025", "1", "1", "Neurological (headaches, migraine)"],
                ["10 September 2025", "16 September 2025", "7", "5", "Stomach, liver, kidney, digestion"],
                ["3 December 2025", "3 December 2025", "1", "1", "Infections (colds, flu)"]]
SECRET = "Lower back pain after lifting; physiotherapy booked"


@pytest.fixture(autouse=True)
def _app_context(app):
    """The services read the organisation's details from the app's settings."""
    with app.app_context():
        yield


@pytest.fixture
def wes(built_once, make_employee, make_user):
    """Wes Walker below Bea Boss (ward manager); Hana is HR for the division; Sam is support; Olu manages
    someone else (built once for the module, then restored before each test)."""
    return Employee.objects.get(pk=built_once("wes", lambda: build_wes(make_employee, make_user)))


def build_wes(make_employee, make_user):
    bea = make_employee(first_name="Bea", last_name="Boss", job_title="Ward manager", email="bea.boss@example.org")
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, name="Bea Boss")
    worker = make_employee(first_name="Wes", last_name="Walker", email="wes.walker@example.org",
                           supervisor_assignment_number=bea.assignment_number)
    make_user("hana@example.org", ["hr"], hr_divisions=[worker.division], name="Hana Hart")
    make_user("sam@example.org", ["support"], name="Sam Support")
    olu = make_employee(first_name="Olu")
    make_user("olu@example.org", ["manager"], assignment_number=olu.assignment_number)
    for first, last, reason in ABSENCES:
        absence(worker, first, last, reason)
    return worker.pk


def staged(employee, key: str = "formal_1", kind: str = "STS", associated: bool = True,
           meeting: str | None = "formal_review") -> Case:
    """A council case at `key` since 16 February 2026 with its tasks, a meeting on Thursday 26 February at 10:00
    (Bea and Hana) and the four absences associated (or not)."""
    install_presets()
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                stage=key, opened_on=ENTERED, stages=[Stage(
                    key=key, entered_on=ENTERED,
                    trigger_explanation="Open a short-term case at 1st formal absence review meeting: 4 occasions in "
                                        "the 12 months to 16 February 2026 (trigger: 4 or more)",
                    trigger_figures={"windows": [{"from": "2025-02-17", "to": "2026-02-16", "months": 12,
                                                  "weeks": None, "occasions": 4, "working_days": 10}]})])
    add_stage_tasks(case, employee, policy_rules("council-2019", 1), ENTERED)
    if meeting:
        case.current_stage.meetings.append(Meeting(
            kind=meeting, on=MEETING_ON, at_time="10:00", place="Room 2, Beech House", arranged_by="bea@example.org",
            participants=[Participant(name="Bea Boss", role="manager"),
                          Participant(name="Hana Hart", role="hr", email="hana@example.org")]))
    case.save_checked()
    if associated:
        ids = [str(a.pk) for a in Absence.objects(employee=employee.pk)]
        associate_absences(case, employee, ids, "bea@example.org", D(2026, 2, 17))
    return Case.objects.get(pk=case.pk)


def stored_files() -> int:
    return get_db()["letters.files"].count_documents({})


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def rows_of(data: bytes) -> list[list[str]]:
    """The associated absences' table of a letter (the table whose header starts with "First day")."""
    table = next(t for t in Document(io.BytesIO(data)).tables if t.rows[0].cells[0].text == "First day")
    return [[cell.text for cell in row.cells] for row in table.rows[1:-1]]


def docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def post(auth, url: str, page_url: str, prefix: str = "", **data):
    """Post a form of the page at `page_url`; a letter's own forms name their fields after it (`prefix`)."""
    html = auth.client.get(page_url).get_data(as_text=True)
    fields = {"csrf_token": csrf_token(html), **data}
    return auth.client.post(url, data={f"{prefix}-{name}" if prefix else name: value for name, value in fields.items()})


def letters_section(auth, page_url: str) -> str:
    html = auth.client.get(page_url).get_data(as_text=True)
    return html[html.index('id="letters"'):]


def make(auth, case, code: str, meeting_id: str = ""):
    return post(auth, f"/cases/{case.pk}/letters", f"/cases/{case.pk}", version=Case.objects.get(pk=case.pk).version,
                code=code, meeting_id=meeting_id)


def test_no_letter_is_made_before_the_absences_are_associated(auth, wes):
    case = staged(wes, associated=False)
    auth.login("bea@example.org")
    section = letters_section(auth, f"/cases/{case.pk}")
    assert "Associate the absences with this stage first: letters are filled from them." in section
    assert '<a href="#association">Associate the absences</a>' in section and "Make the letter" not in section
    refused = make(auth, case, "C3", case.current_stage.meetings[0].id)
    assert refused.status_code == 400
    assert "Associate the absences with this stage first: letters are filled from them." in refused.get_data(
        as_text=True)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, saved.current_stage.letters, stored_files()) == (case.version, [], 0)


def test_a_letter_missing_a_field_is_refused_and_names_it(auth, wes):
    case = staged(wes, "absence_support", meeting="absence_support")
    # Issue 15, point 2: the target is checked on the outcome form, not only when the letter is made: an outcome
    # without it is refused, so its letter never meets an empty target
    with pytest.raises(Refused, match="Letter C1 states it."):
        record_outcome(case, wes, OutcomeChoice("support_agreed", D(2026, 3, 2)), "bea@example.org", D(2026, 3, 2))
    assert Case.objects.get(pk=case.pk).current_stage.outcome is None
    Employee.objects(pk=wes.pk).update_one(unset__supervisor_assignment_number=True)
    [b2] = letters_for(case, Employee.objects.get(pk=wes.pk), case.current_stage, TODAY, organisation=ORG)[:1]
    assert b2.blocked == ("The letter needs the line manager's name: the employee has no line manager in the "
                          "hierarchy; ask HR systems to add one.")


def test_the_warning_letter_carries_the_names_absences_and_the_dates_the_policy_computed(auth, wes):
    case = staged(wes)
    # A first written warning decided on Monday 2 March 2026, the letter dated Wednesday 4 March: live 6 months
    # from the letter to the day before 4 September; appeal 2 weeks and 1 day after the letter; review 12 weeks
    # after the decision.
    record_outcome(hold_meeting(case, MEETING_ON), wes, OutcomeChoice(
        "warning", D(2026, 3, 2), D(2026, 3, 4), target_occasions=2),
        "bea@example.org", D(2026, 3, 4))
    auth.login("hana@example.org")
    made = make(auth, case, "C4")
    assert made.status_code == 302 and made.headers["Location"].endswith("#flash")
    saved = Case.objects.get(pk=case.pk)
    [record] = saved.current_stage.letters
    [version] = record.versions
    assert (record.template, version.source, version.by, version.filename) == (
        "C4", "generated", "hana@example.org", f"C4 Wes Walker {TODAY.isoformat()}.docx")
    assert stored_files() == 1
    download = auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1")
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert download.headers["Content-Disposition"] == f'attachment; filename="C4 Wes Walker {TODAY.isoformat()}.docx"'
    letter = download.data
    assert version.size == len(letter)
    text = text_of(letter)
    for words in ("Wes Walker", "Dear Wes,", "Bea Boss", "Ward manager", "Date: 4 March 2026",
                  f"Our reference: STS-{wes.assignment_number}-2026-02", "1st Formal Absence Review Meeting",
                  "decision I made on 2 March 2026", "you are given a first written warning.",
                  "This warning will remain live until 3 September 2026.",
                  "No more than 2 occasions of sickness absence in the review period", "on 25 May 2026.",
                  "you may be invited to a 2nd Formal Absence Review Meeting.",
                  "the appeal will be heard by the line manager of the person who held the meeting, or another "
                  "suitable manager. If you wish to appeal, please write to Bea Boss, Ward manager, giving your "
                  "reasons, by 19 March 2026."):
        assert words in text, words
    assert rows_of(letter) == ABSENCE_ROWS
    assert "Occasions: 4" in text and "{{" not in text and "{%" not in text
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.after["letter"], entry.after["file"]) == (
        "letter generated", "hana@example.org", "C4", version.filename)
    assert "first written warning" not in str(entry.after)        # no letter text in the history
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert (f'Generated by <span title="hana@example.org">Hana Hart</span>, {moment_words(version.at, clock.zone())}'
            in page and version.filename in page)
    assert f'href="/absences/{saved.current_stage.associated[0].absence_id}#letters">absence from 7 April 2025</a>' \
        in page
    assert "An uploaded letter never changes the case&#39;s stage." in page


def test_the_invitation_carries_the_meeting(auth, wes):
    case = staged(wes)
    meeting = case.current_stage.meetings[0]
    record = generate(case, "C3", "bea@example.org", D(2026, 2, 19), meeting.id, organisation=ORG)
    letter = get_db()["letters.chunks"].find_one({"files_id": record.versions[0].file_id})["data"]
    text = text_of(letter)
    for words in ("Thursday 26 February 2026", "10:00", "Room 2, Beech House", "Bea Boss, line manager",
                  "Also attending: Hana Hart (HR advisor).", "Date: 19 February 2026",
                  "Your sickness absence has not improved to a satisfactory level: you had 4 occasions of sickness "
                  "absence, with 10 working days lost, in the 12 months to 16 February 2026.", "bea.boss@example.org"):
        assert words in text, words
    assert rows_of(letter) == ABSENCE_ROWS and "{{" not in text
    assert "Open a short-term case" not in text and "(trigger:" not in text    # the engine's words stay out


def upload_file(auth, case, record, data: bytes, name: str):
    prefix = f"upload-{record.id}"
    return auth.client.post(f"/cases/{case.pk}/letters/{record.id}/versions", data={
        f"{prefix}-csrf_token": csrf_token(auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)),
        f"{prefix}-version": Case.objects.get(pk=case.pk).version, f"{prefix}-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def with_macro(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"macro")
    return out.getvalue()


@pytest.mark.parametrize("data, name, reason", [
    (b"Dear Wes, this is plain text.", "C3 edited.txt", "This is not a Word .docx file."),
    (with_macro(docx("Dear Wes")), "C3 edited.docm",
     "The file contains macros; save it as a Word Document (.docx) without macros."),
    (b"x" * (5 * 1024 * 1024 + 1), "C3 edited.docx", "The file is larger than 5 MB."),
    (docx("Dear Wes"), "C3 edited.doc", "Only Word .docx files can be uploaded."),
])
def test_a_bad_upload_is_refused_beside_the_file_field_and_nothing_is_stored(auth, wes, data, name, reason):
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    auth.login("bea@example.org")
    refused = upload_file(auth, case, record, data, name)
    html = refused.get_data(as_text=True)
    refused.request.environ["wsgi.input"].close()    # the test client spooled the 5 MB body to a file
    assert refused.status_code == 400
    assert re.search(rf'id="upload-{record.id}-file-error"><span class="nhsuk-u-visually-hidden">Error:</span> '
                     rf'{re.escape(reason)}</span>', html)
    saved = Case.objects.get(pk=case.pk)
    assert (len(saved.current_stage.letters[0].versions), stored_files()) == (1, 1)


def test_an_edited_copy_becomes_version_2_and_never_changes_the_stage(auth, wes):
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    before = Case.objects.get(pk=case.pk)
    auth.login("hana@example.org")
    first = auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1").data
    edited = Document(io.BytesIO(first))
    edited.add_paragraph("P.S. The car park at Beech House is closed; please use the one on Elm Road.")
    out = io.BytesIO()
    edited.save(out)
    answer = upload_file(auth, case, record, out.getvalue(), "C3 Wes Walker final.docx")
    assert answer.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    versions = saved.current_stage.letters[0].versions
    assert [(v.source, v.by, v.filename) for v in versions] == [
        ("generated", "bea@example.org", f"C3 Wes Walker {TODAY.isoformat()}.docx"),
        ("uploaded", "hana@example.org", "C3 Wes Walker final.docx")]
    assert (saved.stage, saved.status, [(t.kind, t.status) for t in saved.tasks]) == (
        before.stage, before.status, [(t.kind, t.status) for t in before.tasks])
    assert (saved.audit[-1].action, saved.audit[-1].before["stage"], saved.audit[-1].after["stage"]) == (
        "letter uploaded", "formal_1", "formal_1")
    second = auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/2")
    assert second.headers["Content-Disposition"] == 'attachment; filename="C3 Wes Walker final.docx"'
    assert "car park at Beech House is closed" in text_of(second.data)
    assert "car park" not in text_of(auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1").data)
    assert auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/3").status_code == 404
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'Uploaded by <span title="hana@example.org">Hana Hart</span>' in page
    assert 'Generated by <span title="bea@example.org">Bea Boss</span>' in page


def test_marking_the_letter_as_sent_completes_its_task(auth, wes):
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    auth.login("bea@example.org")
    url = f"/cases/{case.pk}/letters/{record.id}/sent"
    future = post(auth, url, f"/cases/{case.pk}", f"sent-{record.id}", version=Case.objects.get(pk=case.pk).version,
                  sent_on=(TODAY + dt.timedelta(days=1)).isoformat(), sent_how="post")
    assert future.status_code == 400
    assert "The letter cannot have been sent after today." in future.get_data(as_text=True)
    sent = post(auth, url, f"/cases/{case.pk}", f"sent-{record.id}", version=Case.objects.get(pk=case.pk).version,
                sent_on=TODAY.isoformat(), sent_how="post")
    assert sent.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    letter = saved.current_stage.letters[0]
    assert (letter.sent_on, letter.sent_how) == (TODAY, "post")
    assert {t.kind: t.status for t in saved.tasks if t.stage_key == "formal_1"}["send_invite"] == "done"
    assert next(t for t in saved.tasks if t.kind == "send_outcome_letter").status == "open"
    assert (saved.audit[-1].action, saved.audit[-1].after["sent_how"]) == ("letter marked as sent", "By post")


def test_the_closing_letter_of_a_case_closed_on_improvement_is_made_and_sent(auth, wes):
    case = staged(wes, "absence_support", meeting=None)
    record_outcome(case, wes, OutcomeChoice("improved", D(2026, 3, 2)), "bea@example.org", D(2026, 3, 2))
    case = Case.objects.get(pk=case.pk)
    case.tasks.create(kind="send_closing_letter", title="Send Wes Walker letter C2", assignee="bea@example.org",
                      due_on=D(2026, 3, 9))
    case.save_checked()
    assert [offer.code for offer in letters_for(case, wes, case.current_stage, TODAY, organisation=ORG)] == ["C2"]
    auth.login("bea@example.org")
    assert make(auth, case, "C2").status_code == 302
    record = Case.objects.get(pk=case.pk).current_stage.letters[0]
    text = text_of(auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1").data)
    assert "Wes Walker" in text and "7 April 2025" in text and "{{" not in text
    mark_sent(Case.objects.get(pk=case.pk), record.id, TODAY, "email", "bea@example.org", TODAY)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.open_tasks()) == ("closed", [])
    assert "Send Wes Walker letter C2" not in auth.client.get("/tasks").get_data(as_text=True)


@pytest.mark.parametrize("stage, outcome, letter", [
    ("absence_support", "support_agreed", "C1"), ("formal_1", "warning", "C4"), ("formal_2", "more_time", "C5"),
    ("formal_1", "improved", "C2"), ("formal_3", "dismissal", "C7"), ("formal_3", "other", "C8"),
    ("formal_3", "redeployment", "C8"), ("formal_3", "ill_health_retirement", "C8"),
])
def test_the_recorded_outcome_decides_the_letter(wes, stage, outcome, letter):
    case = staged(wes, stage, meeting=None)
    codes = [offer.code for offer in letters_for(case, wes, case.current_stage, TODAY, organisation=ORG)]
    assert set(codes) - {"C3", "C6"} == set(policy_rules("council-2019", 1).sts.ladder.stage(stage).outcome_letters)
    set_dismissal_authority("bea@example.org", True, "admin@example.org")
    terms = DismissalTerms(D(2026, 5, 25), 12, False, "Sid Senior", "Head of Nursing")
    record_outcome(hold_meeting(case, D(2026, 3, 2)), wes, OutcomeChoice(outcome, D(2026, 3, 2),
                                                                         target_occasions=0, dismissal=terms),
                   "bea@example.org", D(2026, 3, 2))
    case = Case.objects.get(pk=case.pk)
    assert [o.code for o in letters_for(case, wes, case.current_stage, TODAY, organisation=ORG)
            if o.code not in ("C3", "C6", "NOTES", "B2")] == [letter]     # and the held meeting's notes


@pytest.mark.parametrize("stage, kind, meeting, ready, waiting", [
    ("absence_support", "STS", "absence_support", ["B2", "C11"], ["C1"]),
    ("formal_1", "STS", "formal_review", ["C3", "NOTES", "C11"], ["C4", "C5"]),
    ("formal_3", "STS", "formal_review", ["C6", "NOTES", "C11"], ["C7", "C8"]),
    ("lts_welfare", "LTS", "welfare", ["LTS-WELFARE", "NOTES", "C11"], []),
    ("lts_case_conference", "LTS", "case_conference", ["LTS-CONFERENCE", "NOTES", "C11"], []),
    ("lts_hearing", "LTS", "hearing", ["LTS-HEARING", "NOTES", "C11"], ["C7", "C8"]),
])
def test_each_meeting_offers_its_invitation_and_notes(wes, stage, kind, meeting, ready, waiting):
    case = staged(wes, stage, kind, meeting=meeting)
    offers = letters_for(case, wes, case.current_stage, TODAY, organisation=ORG)
    assert [offer.code for offer in offers] == ready + waiting      # the meeting on 26 February passed unheld: C11
    assert [offer.code for offer in offers if offer.blocked] == waiting         # until the outcome is recorded
    assert {offer.meeting_id for offer in offers[:len(ready)]} == {case.current_stage.meetings[0].id}


def test_before_the_meeting_and_the_outcome_the_letters_say_what_comes_first(auth, wes):
    case = staged(wes, meeting=None)
    auth.login("bea@example.org")
    section = letters_section(auth, f"/cases/{case.pk}")
    assert "Arrange the meeting first: the letter gives its date, time and place." in section
    assert '<a href="#meetings">Arrange the meeting</a>' in section
    assert section.count("Record the outcome first: the letter gives its dates.") == 2
    assert "Make the letter" not in section
    task = next(t for t in case.tasks if t.kind == "send_invite")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert f'<td>{task.title}<br><span class="nhsuk-body-s cb-muted cb-codes">C3: ' in html   # the code explained
    assert '<a href="#letters">Make the letter</a>' in html


def test_a_letter_made_from_a_stale_page_is_refused_and_its_file_removed(wes):
    case = staged(wes)
    seen = case.version
    Case.objects(pk=case.pk).update_one(inc__version=1)
    with pytest.raises(Exception, match="Someone else changed this record"):
        generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, version=seen + 1,
                 organisation=ORG)
    assert stored_files() == 0


@pytest.fixture
def back_injured(wes):
    """Wes off since 2 November 2026 with a back injury, its medical detail recorded."""
    record = absence(wes, D(2026, 11, 2), None, "back_neck")
    record.reason_detail, record.expected_return = SECRET, D(2026, 11, 30)
    record.save_checked()
    return record


def test_the_referral_carries_the_medical_detail_only_for_who_may_read_it(auth, wes, back_injured, make_user):
    make_user("mo@example.org", ["manager", "support"], assignment_number="Z99999", name="Mo Other")
    url = f"/absences/{back_injured.pk}"
    for login in ("bea@example.org", "mo@example.org"):   # Bea may read the medical detail, Mo may not
        auth.login(login)
        made = post(auth, f"{url}/letters", url, version=Absence.objects.get(pk=back_injured.pk).version, code="B4")
        assert made.status_code == 302 and made.headers["Location"].endswith("#flash")
        auth.logout()
    records = Absence.objects.get(pk=back_injured.pk).letters
    assert [(r.template, len(r.versions)) for r in records] == [("B4", 2)]
    reads = list(MedicalRead.objects)
    assert [(r.reader, r.assignment_number, r.absence) for r in reads] == [
        ("bea@example.org", wes.assignment_number, back_injured.pk)]
    auth.login("bea@example.org")
    first = auth.client.get(f"{url}/letters/{records[0].id}/versions/1")
    text = text_of(first.data)
    assert SECRET in text and "2 November 2026" in text and "30 November 2026" in text and "Back and neck" in text
    assert "Bea Boss" in text and f"ABS-{wes.assignment_number}-2026-11" in text and "{{" not in text
    assert SECRET not in text_of(auth.client.get(f"{url}/letters/{records[0].id}/versions/2").data)
    assert MedicalRead.objects.count() == 3                     # each download of the referral is a medical read
    assert MedicalRead.objects.order_by("-at").first().where == "letters"
    auth.logout()
    auth.login("sam@example.org")
    assert auth.client.get(f"{url}/letters/{records[0].id}/versions/1").status_code == 403
    assert "Only the employee's managers, HR for their division and administrators may open it." in \
        auth.client.get(url).get_data(as_text=True)
    assert MedicalRead.objects.count() == 3


def test_sending_the_referral_form_records_the_referral_and_completes_its_task(wes, back_injured):
    from documents.case import Task
    back_injured.tasks.append(Task(kind="oh_referral", title="Refer Wes Walker to occupational health",
                                   assignee="bea@example.org", due_on=D(2026, 11, 3)))
    back_injured.save_checked()
    record = generate(Absence.objects.get(pk=back_injured.pk), "B4", "bea@example.org", TODAY, organisation=ORG)
    mark_sent(Absence.objects.get(pk=back_injured.pk), record.id, D(2026, 11, 20), "email", "bea@example.org", TODAY)
    saved = Absence.objects.get(pk=back_injured.pk)
    assert saved.oh_referral_on == D(2026, 11, 20)
    assert [(task.kind, task.status, task.completed_by) for task in saved.tasks] == [
        ("oh_referral", "done", "bea@example.org")]
    assert saved.audit[-1].after["tasks_completed"] == ["Refer Wes Walker to occupational health"]


def test_an_absence_offers_c10_after_c9_is_sent_and_b1_once_the_interview_is_recorded(auth, wes, back_injured):
    auth.login("bea@example.org")
    url = f"/absences/{back_injured.pk}"
    section = letters_section(auth, url)
    assert "Send letter C9 first: C10 follows it when there is still no contact." in section
    assert "Record the return-to-work interview first: the form is filled from it.</p>" in section  # still off
    assert post(auth, f"{url}/letters", url, version=back_injured.version, code="C10").status_code == 400
    assert post(auth, f"{url}/letters", url, version=back_injured.version, code="C9").status_code == 302
    c9 = Absence.objects.get(pk=back_injured.pk).letters[0]
    assert post(auth, f"{url}/letters/{c9.id}/sent", url, f"sent-{c9.id}",
                version=Absence.objects.get(pk=back_injured.pk).version, sent_on=TODAY.isoformat(),
                sent_how="hand").status_code == 302
    assert post(auth, f"{url}/letters", url, version=Absence.objects.get(pk=back_injured.pk).version,
                code="C10").status_code == 302
    Absence.objects(pk=back_injured.pk).update_one(set__last_day=D(2026, 11, 20), set__rtw=ReturnToWork(
        held_on=D(2026, 11, 23), held_by="Bea Boss", day_number=1, fit_for_work="fit", adjustments="None needed"))
    assert post(auth, f"{url}/letters", url, version=Absence.objects.get(pk=back_injured.pk).version,
                code="B1").status_code == 302
    saved = Absence.objects.get(pk=back_injured.pk)
    assert [(r.template, r.sent_how) for r in saved.letters] == [("C9", "hand"), ("C10", None), ("B1", None)]
    b1 = text_of(auth.client.get(f"{url}/letters/{saved.letters[2].id}/versions/1").data)
    assert "23 November 2026" in b1 and "Bea Boss" in b1 and SECRET not in b1 and "{{" not in b1
    assert [entry.action for entry in saved.audit][-4:] == ["letter generated", "letter marked as sent",
                                                            "letter generated", "letter generated"]


def test_another_manager_finds_no_letters(auth, wes, back_injured):
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    b4 = generate(Absence.objects.get(pk=back_injured.pk), "B4", "bea@example.org", TODAY, organisation=ORG)
    auth.login("olu@example.org")
    token = csrf_token(auth.client.get("/team").get_data(as_text=True))
    for base, letter in ((f"/cases/{case.pk}", record), (f"/absences/{back_injured.pk}", b4)):
        assert auth.client.get(f"{base}/letters/{letter.id}/versions/1").status_code == 404
        for path, data in (("/letters", {"code": letter.template}),
                           (f"/letters/{letter.id}/sent", {"sent_on": TODAY.isoformat(), "sent_how": "post"}),
                           (f"/letters/{letter.id}/versions", {"file": (io.BytesIO(docx("x")), "x.docx")})):
            assert auth.client.post(base + path, data={"csrf_token": token, **data}).status_code == 404, path
    assert stored_files() == 2


def test_without_libreoffice_there_is_no_pdf_copy(auth, wes, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    auth.login("bea@example.org")
    assert "PDF copy" not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1/pdf").status_code == 404


STAND_IN_SOFFICE = """#!/bin/sh
# Stands in for LibreOffice on machines without it: checks the arguments Casebook passes and writes the PDF
# where LibreOffice would (--outdir, the document's name with .pdf).
[ "$2" = "--headless" ] && [ "$3" = "--convert-to" ] && [ "$4" = "pdf" ] && [ "$5" = "--outdir" ] || exit 2
case "$1" in -env:UserInstallation=file://*) ;; *) exit 3 ;; esac
out="$6/$(basename "$7" .docx).pdf"
printf '%%PDF-1.4\n%% made from %s\n%%%%EOF\n' "$(basename "$7")" > "$out"
"""


def test_with_libreoffice_a_pdf_copy_is_made(auth, wes, tmp_path, monkeypatch):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        program = tmp_path / "soffice"
        program.write_text(STAND_IN_SOFFICE)
        program.chmod(0o755)
        monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    auth.login("bea@example.org")
    assert "PDF copy" in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    pdf = auth.client.get(f"/cases/{case.pk}/letters/{record.id}/versions/1/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="C3 Wes Walker {TODAY.isoformat()}.pdf"'


def test_upload_and_marking_as_sent_work_on_the_services_too(wes):
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    added = upload(Case.objects.get(pk=case.pk), record.id, "../../etc/C3 final!.docx", docx("Dear Wes"),
                   "bea@example.org")
    assert added.filename == "C3 final.docx" and stored_files() == 2
    again = generate(Case.objects.get(pk=case.pk), "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id,
                     organisation=ORG)
    assert [v.source for v in again.versions] == ["generated", "uploaded", "generated"]   # not sent yet: same letter


def letter_lines(record) -> list[str]:
    """A stored letter's paragraphs, in order."""
    data = get_db()["letters.chunks"].find_one({"files_id": record.versions[-1].file_id})["data"]
    return [paragraph.text for paragraph in Document(io.BytesIO(data)).paragraphs]


def test_a_letter_goes_to_the_postal_address_or_says_it_goes_by_hand_or_by_e_mail(wes, make_employee):
    """Issue 15: "Every letter has the employee's postal address block, from new optional address columns in
    `employees.csv`. Where none is known, the letter says it goes by hand or by e-mail." """
    Employee.objects(pk=wes.pk).update(set__address_line_1="4 Mill Lane", set__town="Exampletown",
                                       set__postcode="EX1 2AB")
    case = staged(wes)
    meeting = case.current_stage.meetings[0]
    lines = letter_lines(generate(case, "C3", "bea@example.org", D(2026, 2, 19), meeting.id, organisation=ORG))
    named = lines.index("Wes Walker")
    assert lines[named:named + 5] == ["Wes Walker", "4 Mill Lane", "Exampletown", "EX1 2AB", ""]
    assert "By hand or by e-mail" not in lines
    other = make_employee(first_name="Ola", last_name="Other",
                          supervisor_assignment_number=wes.supervisor_assignment_number)
    for first, last, reason in ABSENCES:
        absence(other, first, last, reason)
    case = staged(Employee.objects.get(pk=other.pk))
    meeting = case.current_stage.meetings[0]
    lines = letter_lines(generate(case, "C3", "bea@example.org", D(2026, 2, 19), meeting.id, organisation=ORG))
    named = lines.index("Ola Other")
    assert lines[named:named + 5] == ["Ola Other", "Staff nurse", "District Nursing, Adult Services, Community Care",
                                      "By hand or by e-mail", ""]


def test_the_dismissal_letter_is_signed_by_the_dismissing_manager_and_appeals_go_to_the_director(make_employee,
                                                                                                make_user):
    """Issue 15: "C7 is signed by the dismissing officer. It gives the termination date and the notice period or
    pay in lieu, and the long-term reason in capability words"; part 2, 8f: appeals are made "in writing, giving
    reasons, to the employee's Director" — the top-most of their supervisors in their division."""
    chief = make_employee(first_name="Cara", last_name="Chief", job_title="Chief executive", division="Corporate")
    dee = make_employee(first_name="Dee", last_name="Director", job_title="Director of Community Care",
                        supervisor_assignment_number=chief.assignment_number)
    bea = make_employee(first_name="Bea", last_name="Boss", job_title="Ward manager",
                        supervisor_assignment_number=dee.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, name="Bea Boss")
    worker = make_employee(first_name="Wes", last_name="Walker", supervisor_assignment_number=bea.assignment_number)
    for first, last, reason in ABSENCES:
        absence(worker, first, last, reason)
    worker = Employee.objects.get(pk=worker.pk)
    case = staged(worker, "lts_hearing", "LTS", meeting="hearing")
    terms = DismissalTerms(D(2026, 3, 2), 12, True, "Sid Senior", "Head of Nursing")
    set_dismissal_authority("bea@example.org", True, "admin@example.org")
    record_outcome(hold_meeting(case, MEETING_ON), worker, OutcomeChoice("dismissal", D(2026, 3, 2), dismissal=terms),
                   "bea@example.org", D(2026, 3, 2))
    lines = letter_lines(generate(Case.objects.get(pk=case.pk), "C7", "bea@example.org", D(2026, 3, 2),
                                  organisation=ORG))
    text = "\n".join(lines)
    signed = lines.index("Yours sincerely,")
    assert lines[signed + 3:signed + 5] == ["Sid Senior", "Head of Nursing"]
    for words in ("dismiss you on the grounds of capability: your ill health prevents you from carrying out the "
                  "duties of your job",
                  "You are given 12 weeks’ pay in lieu of notice, and your employment will end on 2 March 2026.",
                  "please write to Dee Director, Director of Community Care, giving your reasons, by 17 March 2026."):
        assert words in text, words
    assert "level of sickness absence" not in text and "Cara Chief" not in text and "{{" not in text


def test_the_no_dismissal_letter_gives_the_outcome_in_words_for_the_employee(wes):
    """Issue 15: "No system wording in letters": C8 gives the outcome as the employee reads it, not the outcome
    form's label ("Redeployment")."""
    case = staged(wes, "formal_3", meeting=None)
    record_outcome(hold_meeting(case, D(2026, 3, 2)), wes, OutcomeChoice("redeployment", D(2026, 3, 2)),
                   "bea@example.org", D(2026, 3, 2))
    text = "\n".join(letter_lines(generate(Case.objects.get(pk=case.pk), "C8", "bea@example.org", D(2026, 3, 2),
                                           organisation=ORG)))
    assert "I have decided not to dismiss you. The outcome is: redeployment to another suitable post." in text
