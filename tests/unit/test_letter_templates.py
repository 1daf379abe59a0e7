"""The shipped Word templates (letter_templates/*.docx): one for every letter and form, each passing the template
check and filled from a realistic case with its letterhead, every associated absence, the names and the dates the
letter needs, no tag left; optional sentences drop out; only the occupational health referral carries the
medical detail; `python letter_templates/build.py` regenerates the same documents."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from casework.letter_words import DISMISSAL_REASONS
from casework.letters import LETTERS, check_template, leftover_tags, missing, render, sample_context

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "letter_templates"
CODES = list(LETTERS)
WITH_ABSENCES = [code for code, spec in LETTERS.items() if spec.source in ("stage", "meeting", "outcome")]
LETTER_CODES = [code for code in CODES if code not in ("B1", "B2", "B4", "NOTES")]
# The sample case's absences as the table shows them, worked out by hand from sample_context().
ABSENCE_ROWS = ["First day | Last day | Calendar days | Working days lost | Reason (category)",
                "4 February 2026 | 6 February 2026 | 3 | 3 | Infections (colds, flu)",
                "13 May 2026 | 13 May 2026 | 1 | 1 | Neurological (headaches, migraine)",
                "12 August 2026 | 18 August 2026 | 7 | 5 | Stomach, liver, kidney, digestion",
                "14 October 2026 | 14 October 2026 | 1 | 1 | Infections (colds, flu)",
                "Total | Occasions: 4 | 12 | 10 | "]
LETTERHEAD = ["", "Example Health and Care Trust", "Example House", "1 Sample Street", "Exampletown", "EX1 2AB",
              "Telephone 01234 567890", "E-mail hr@example.org", "Private and confidential"]
ADDRESSEE = ["Wes Walker", "4 Mill Lane", "Upper Town", "Exampletown", "EX1 2AB", "", "Date: 23 November 2026",
             "Our reference: STS-A00042-2026-11"]
# The letter's signature: the line manager's, the dismissing manager's on C7.
SIGNED = {"C7": ["Sid Senior", "Head of Nursing"]}
MEDICAL_DETAIL = "Lower back pain after lifting"


def template(code: str) -> bytes:
    return (FOLDER / LETTERS[code].file).read_bytes()


def lines_of(data: bytes) -> list[str]:
    """The document's paragraphs and table rows (cells joined by ' | '), in order."""
    lines = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if hasattr(block, "rows"):
            lines += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            lines.append(block.text)
    return lines


def filled(code: str, context: dict | None = None) -> str:
    return "\n".join(lines_of(render(template(code), context or sample_context())))


def placeholders(data: bytes) -> set[str]:
    """The fields a template fills, as the dotted paths of casework.letters.FIELDS ('absences[]' for the table)."""
    text = "\n".join(lines_of(data))
    found = set(re.findall(r"\{\{\s*([\w.]+)\s*\}\}", text))
    return found | ({"absences[]"} if "{%tr for absence in absences %}" in text else set())


@pytest.mark.parametrize("code", CODES)
def test_every_letter_has_a_template_that_passes_the_check(code):
    assert (FOLDER / f"{code}.docx").is_file()
    assert check_template(template(code), sample_context(), LETTERS[code].medical) == []


@pytest.mark.parametrize("code", CODES)
def test_every_field_a_letter_needs_has_its_placeholder(code):
    assert set(LETTERS[code].needs) <= placeholders(template(code))


@pytest.mark.parametrize("code", CODES)
def test_a_filled_template_has_the_letterhead_names_and_every_needed_value_and_no_tag(code):
    letter = render(template(code), sample_context())
    lines = lines_of(letter)
    text = "\n".join(lines)
    assert lines[:len(LETTERHEAD)] == LETTERHEAD
    assert len(Document(io.BytesIO(letter)).inline_shapes) == 1  # the organisation's logo
    if code in LETTER_CODES:
        assert lines[len(LETTERHEAD):len(LETTERHEAD) + len(ADDRESSEE)] == ADDRESSEE
        signed = lines.index("Yours sincerely,")
        assert lines[signed + 3:signed + 5] == SIGNED.get(code, ["Bea Boss", "Ward manager"])
    else:
        assert "Employee | Wes Walker" in lines and "Manager | Bea Boss, Ward manager" in lines
    for path in LETTERS[code].needs:
        if path != "absences[]":
            section, name = path.split(".")
            assert str(sample_context()[section][name]) in text, path
    assert "{{" not in text and "{%" not in text and leftover_tags(letter) == []


@pytest.mark.parametrize("code", WITH_ABSENCES)
def test_a_stage_letter_lists_every_associated_absence_with_the_totals(code):
    lines = lines_of(render(template(code), sample_context()))
    start = lines.index(ABSENCE_ROWS[0])
    assert lines[start:start + len(ABSENCE_ROWS)] == ABSENCE_ROWS


@pytest.mark.parametrize("code, sentences", [
    ("C1", ["Thank you for meeting me on 8 December 2026 for an absence support meeting",
            "We met because your sickness absence reached one of the trigger points in our attendance management "
            "policy: you had 4 occasions of sickness absence, with 10 working days lost, in the 12 months to 2 "
            "November 2026. The absences we discussed are:",
            "it is not a formal warning", "through the grievance procedure",
            "I will review your attendance with you at the end of the review period, on 2 March 2027.",
            "you may be invited to a 2nd Formal Absence Review Meeting."]),
    ("C2", ["since the 1st Formal Absence Review Meeting", "congratulate you",
            "The review period has ended, but your first written warning stays live until 7 June 2027. Your "
            "attendance remains under monitoring until then"]),
    ("C3", ["inviting you to a 1st Formal Absence Review Meeting", "Date | Tuesday 8 December 2026",
            "Time | 10:00", "Place | Room 2, Example House", "Also attending: Hana Hart (HR advisor).",
            "You may be accompanied by a trade union representative or a work colleague. If you wish to be "
            "accompanied and have not told me yet",
            "If you do not attend without good reason, the meeting may go ahead without you",
            "Enclosures: the attendance management policy; your absence record"]),
    ("C4", ["you are given a first written warning.", "This warning will remain live until 7 June 2027.",
            "on 2 March 2027.", "you may be invited to a 2nd Formal Absence Review Meeting.",
            "further absence may lead to your dismissal.",
            "the appeal will be heard by the line manager of the person who held the meeting. If you wish to appeal, "
            "please write to Dee Director, Director of Community Care, giving your reasons, by 23 December 2026."]),
    ("C5", ["give you more time to improve your attendance; no warning is given", "on 2 March 2027.",
            "by 23 December 2026."]),
    ("C6", ["senior manager with the authority to dismiss", "at least 5 days’ notice of the meeting",
            "Date | Tuesday 8 December 2026"]),
    ("C7", ["dismiss you on the grounds of capability: your frequent short-term sickness absence has not improved to "
            "the level required",
            "You are given 4 weeks’ notice, and your employment will end on 4 January 2027.",
            "the appeal will be heard by the line manager of the person who held the meeting.",
            "please write to Dee Director, Director of Community Care, giving your reasons, by 23 December 2026."]),
    ("C8", ["I have decided not to dismiss you. The outcome is: a further review period, with an attendance target.",
            "The first written warning will remain live until 7 June 2027.", "by 23 December 2026."]),
    ("C9", ["since 2 November 2026", "first, 4th and 8th day", "by e-mail to bea.boss@example.org"]),
    ("C10", ["began on 2 November 2026", "your occupational sick pay may be stopped"]),
    ("C11", ["but you did not attend", "Date | Tuesday 8 December 2026", "Place | Room 2, Example House"]),
    ("LTS-WELFARE", ["more than four weeks", "meet at your home or another suitable place", "Time | 10:00"]),
    ("LTS-CONFERENCE", ["a case conference has been arranged", "Date | Tuesday 8 December 2026"]),
    ("LTS-HEARING", ["ill-health retirement", "You may be accompanied by a trade union representative",
                     "redeployment to another suitable post",
                     "dismissal on the grounds of capability because of ill health",
                     "at least 5 days’ notice of the hearing", "will be sent to you by 1 December 2026."]),
    ("B1", ["First day of absence | 2 November 2026", "Reason (category) | Back and neck", "I declare that",
            "Date of the interview | 1 December 2026", "Held by | Bea Boss", "Working day back | 1",
            "Adjustments agreed | None needed", "Occupational health referral needed | No"]),
    ("B2", ["Absence support meeting record",
            "Trigger reached: 4 occasions of sickness absence, with 10 working days lost, in the 12 months to 2 "
            "November 2026.",
            "Date | Tuesday 8 December 2026", "Improvement needed and the attendance target agreed"]),
    ("B4", ["Details (medical) | Lower back pain after lifting", "Expected return | 30 November 2026",
            "How long is the absence likely to last?"]),
    ("NOTES", ["Notes of the 1st Formal Absence Review Meeting", "Place | Room 2, Example House",
               "Outcome and the reasons for it", "Chair’s signature and date"]),
])
def test_each_letter_says_what_the_policy_says_with_the_case_values(code, sentences):
    text = filled(code)
    assert [sentence for sentence in sentences if sentence not in text] == []


@pytest.mark.parametrize("code", CODES)
def test_only_the_occupational_health_referral_carries_the_medical_detail(code):
    assert (MEDICAL_DETAIL in filled(code)) is (code == "B4")
    assert ("absence.detail" in placeholders(template(code))) is (code == "B4")


def test_sentences_about_empty_fields_drop_out():
    context = sample_context()
    context["outcome"].update(title="Redeployment", warning="", warning_expires_on="", target="", review_date="",
                              appeal_deadline="")
    context["meeting"].update(papers_by="", participants="", notice_days=0)
    outcome = filled("C8", context)
    assert "The outcome is: Redeployment." in outcome
    assert [phrase for phrase in ("remain live", "target", "review your attendance", "appeal") if phrase in outcome] \
        == []
    hearing = filled("LTS-HEARING", context)
    assert "papers" not in hearing and "Also attending" not in hearing
    assert "days’ notice" not in filled("C6", context)


def test_c2_while_a_warning_is_live_says_the_review_ended_and_the_warning_stays():
    """Issue 15, point 4: C2 says "no further action" only when no warning is live; otherwise the review has ended
    and the warning stays live until its date."""
    letter = filled("C2")
    assert "The review period has ended, but your first written warning stays live until 7 June 2027." in letter
    assert "no further action" not in letter and "the matter is now closed" not in letter
    context = sample_context()
    context["outcome"].update(warning_stays="")
    closed = filled("C2", context)
    assert "As long as the improvement is maintained, the matter is now closed and no further action will be " \
           "taken." in closed and "warning stays live" not in closed


def test_a_letterhead_without_a_logo_telephone_or_e_mail_leaves_no_gap():
    context = sample_context()
    context["organisation"].update(logo=b"", phone="", email="")
    letter = render(template("C1"), context)
    assert lines_of(letter)[:6] == ["Example Health and Care Trust", "Example House", "1 Sample Street",
                                    "Exampletown", "EX1 2AB", "Private and confidential"]
    assert len(Document(io.BytesIO(letter)).inline_shapes) == 0


def test_an_invitation_carries_the_companion_arranged_for_the_meeting():
    context = sample_context()
    context["meeting"]["companion"] = ("You may be accompanied by a trade union representative or a work colleague, "
                                       "or a partner or close relative. You have told us that Sam Walker (partner or "
                                       "close relative) will come with you.")
    assert context["meeting"]["companion"] + " If you wish to be accompanied" in filled("LTS-WELFARE", context)


def test_a_long_term_case_with_one_ongoing_absence_fills_one_row():
    context = sample_context()
    context["absences"] = [{"first_day": "2 November 2026", "last_day": "still off", "calendar_days": 22,
                            "working_days": 15, "reason": "Back and neck"}]
    context["totals"] = {"occasions": 1, "working_days": 15, "calendar_days": 22}
    lines = lines_of(render(template("LTS-WELFARE"), context))
    start = lines.index(ABSENCE_ROWS[0])
    assert lines[start + 1:start + 3] == ["2 November 2026 | still off | 22 | 15 | Back and neck",
                                          "Total | Occasions: 1 | 22 | 15 | "]


def test_a_letter_without_a_needed_field_is_caught():
    context = sample_context()
    context["meeting"]["place"] = ""
    assert missing(LETTERS["C3"], context) == ["where, or 'by telephone or video call'"]
    document = Document(io.BytesIO(template("C3")))
    cell = next(cell for table in document.tables for row in table.rows for cell in row.cells
                if cell.text == "{{ meeting.place }}")
    cell.paragraphs[0].runs[0].text = "Room to be confirmed"
    edited = io.BytesIO()
    document.save(edited)
    assert set(LETTERS["C3"].needs) - placeholders(edited.getvalue()) == {"meeting.place"}


def test_the_build_script_regenerates_the_shipped_templates(tmp_path):
    subprocess.run([sys.executable, "letter_templates/build.py", str(tmp_path)], cwd=ROOT, check=True,
                   capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(spec.file for spec in LETTERS.values())
    for code in CODES:
        assert lines_of((tmp_path / LETTERS[code].file).read_bytes()) == lines_of(template(code)), code


def test_placeholders_stay_whole_in_one_run():
    for code in CODES:
        for paragraph in _paragraphs(Document(io.BytesIO(template(code)))):
            for run in paragraph.runs:
                assert run.text.count("{{") == run.text.count("}}") and run.text.count("{%") == run.text.count("%}"), \
                    (code, run.text)


def _paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


@pytest.mark.parametrize("code", LETTER_CODES)
def test_a_letter_without_a_postal_address_says_it_goes_by_hand_or_by_e_mail(code):
    """Issue 15: every letter has the employee's postal address block; where none is known, it says it goes by
    hand or by e-mail."""
    context = sample_context()
    context["employee"]["address"] = []
    lines = lines_of(render(template(code), context))
    start = len(LETTERHEAD)
    assert lines[start:start + 5] == ["Wes Walker", "Staff nurse", "District Nursing, Adult Services, Community Care",
                                      "By hand or by e-mail", ""]
    assert "4 Mill Lane" not in "\n".join(lines) and "By hand or by e-mail" not in filled(code)


def test_a_long_term_dismissal_gives_the_reason_in_capability_words_and_pay_in_lieu():
    """Part 2, 9h: the case review hearing considers "whether, regrettably, the employment should be
    terminated"; C7 gives the reason as capability, the termination date and the pay in lieu of notice."""
    context = sample_context()
    context["outcome"].update(dismissal_reason=DISMISSAL_REASONS["LTS"], notice="12 weeks’ pay in lieu of notice",
                              termination_date="8 December 2026")
    text = filled("C7", context)
    assert ("dismiss you on the grounds of capability: your ill health prevents you from carrying out the duties of "
            "your job") in text
    assert "You are given 12 weeks’ pay in lieu of notice, and your employment will end on 8 December 2026." in text
    assert "level of sickness absence" not in text


@pytest.mark.parametrize("code", LETTER_CODES)
def test_no_letter_carries_the_engine_s_wording(code):
    """Issue 15: no system wording in letters ("Open a short-term case at …", stage keys, "trigger: 4 or more")."""
    text = filled(code)
    assert [word for word in ("Open a short-term case", "(trigger:", "absence_support", "formal_1", "_")
            if word in text] == []
