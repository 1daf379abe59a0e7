"""Filling Word templates: every field filled, no tag left, misspelt or unknown fields refused by name,
medical detail only where allowed, files that are not .docx or carry macros refused."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from casework.docx_package import docx_problems
from casework.letters import (
    FIELDS,
    LETTERS,
    LetterProblem,
    check_template,
    leftover_tags,
    missing,
    render,
    sample_context,
    value_at,
)
from tests.hostile_docx import BASE, parts_of, repack


def template(*paragraphs: str, rows: bool = False) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=4, cols=3)
        for cell, text in zip(table.rows[0].cells, ("First day", "Last day", "Working days"), strict=True):
            cell.text = text
        table.cell(1, 0).text = "{%tr for absence in absences %}"
        for cell, text in zip(table.rows[2].cells, ("{{ absence.first_day }}", "{{ absence.last_day }}",
                                                    "{{ absence.working_days }}"), strict=True):
            cell.text = text
        table.cell(3, 0).text = "{%tr endfor %}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_letter_is_filled_with_the_absences_table_and_no_tag_is_left():
    letter = render(template("Dear {{ employee.first_name }},", "Review on {{ outcome.review_date }}.",
                             rows=True), sample_context())
    document = Document(io.BytesIO(letter))
    assert [p.text for p in document.paragraphs] == ["Dear Wes,", "Review on 2 March 2027."]
    assert [[cell.text for cell in row.cells] for row in document.tables[0].rows] == [
        ["First day", "Last day", "Working days"], ["4 February 2026", "6 February 2026", "3"],
        ["13 May 2026", "13 May 2026", "1"], ["12 August 2026", "18 August 2026", "5"],
        ["14 October 2026", "14 October 2026", "1"]]
    assert leftover_tags(letter) == []


def test_text_with_xml_characters_is_escaped():
    context = sample_context()
    context["employee"]["first_name"] = "Wes & <Co>"
    letter = render(template("Dear {{ employee.first_name }},"), context)
    assert Document(io.BytesIO(letter)).paragraphs[0].text == "Dear Wes & <Co>,"


@pytest.mark.parametrize("text, problem", [
    ("Dear {{ employee.frist_name }}", "The template uses a field Casebook does not provide: employee.frist_name "
                                       "(near line 1: “Dear {{ employee.frist_name }}”)."),
    ("By {{ outcom.review_date }}", "Unknown field: outcom (near line 1: “By {{ outcom.review_date }}”)."),
    ("Bad {{ employee.first_name ", "A field is written wrongly near line 1: “Bad {{ employee.first_name”: "
                                    "unexpected '/'."),
    ("{{ absence.detail }}", "Only the occupational health referral may use absence.detail (the medical detail)."),
])
def test_template_problems_are_named(text, problem):
    assert check_template(template(text), sample_context()) == [problem]


def test_a_template_must_show_what_its_letter_needs():
    needs = ("employee.name", "meeting.place", "absences[]")
    assert check_template(template("Dear {{ employee.name }}"), sample_context(), needs=needs) == [
        "The letter must show meeting.place, the associated absences (absences): put them back in the template."]
    assert check_template(template("Dear {{ employee.name }} at {{ meeting.place }}", rows=True), sample_context(),
                          needs=needs) == []


def test_a_good_template_passes_and_the_referral_may_use_the_detail():
    assert check_template(template("Dear {{ employee.name }}", rows=True), sample_context()) == []
    assert check_template(template("{{ absence.detail }}"), sample_context(), medical=True) == []


def test_files_that_are_not_docx_or_carry_macros_are_refused():
    assert docx_problems(b"not a zip") == ["This is not a Word .docx file."]
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template("x"))) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/vbaProject.bin", b"macro")
    assert docx_problems(macro.getvalue()) == [
        "The file contains macros; save it as a Word Document (.docx) without macros."]
    assert docx_problems(b"x" * (5 * 1024 * 1024 + 1)) == ["The file is larger than 5 MB."]


def test_missing_fields_are_named_in_words():
    context = sample_context()
    context["absences"] = []
    context["meeting"]["place"] = ""
    assert missing(LETTERS["C3"], context) == ["the associated absences", "where, or 'by telephone or video call'"]
    assert missing(LETTERS["C4"], sample_context()) == []


def test_every_letter_needs_only_fields_casebook_provides_and_the_sample_fills_every_field():
    for spec in LETTERS.values():
        assert set(spec.needs) <= set(FIELDS), spec.code
    context = sample_context()
    assert [path for path in FIELDS if "[]." not in path and value_at(context, path) in (None, "", [])] == []
    item_fields = {path.split("[].")[1] for path in FIELDS if "[]." in path}
    assert all(set(absence) == item_fields for absence in context["absences"])


def test_the_logo_field_places_the_organisation_logo_as_a_picture_2_cm_high_or_nothing():
    letter = Document(io.BytesIO(render(template("Letterhead {{ organisation.logo }} end"), sample_context())))
    assert (len(letter.inline_shapes), letter.paragraphs[0].text) == (1, "Letterhead  end")
    assert letter.inline_shapes[0].height == 720000  # 20 mm in EMU (36,000 a millimetre)
    without = sample_context()
    without["organisation"]["logo"] = ""
    letter = Document(io.BytesIO(render(template("Letterhead {{ organisation.logo }} end"), without)))
    assert (len(letter.inline_shapes), letter.paragraphs[0].text) == (0, "Letterhead  end")


def test_a_template_python_docx_cannot_read_is_refused_in_words():
    styles = parts_of(BASE)["word/styles.xml"].decode()
    nested = "<w:x>" * 300 + "</w:x>" * 300      # deeper than lxml reads; the styles are not checked for depth
    deep = repack(put={"word/styles.xml": styles.replace("</w:styles>", nested + "</w:styles>")})
    assert check_template(deep, sample_context()) == [
        "Word's parts of the file cannot be read (XMLSyntaxError); save it again in Word."]
    with pytest.raises(LetterProblem, match="cannot be read"):
        render(deep, sample_context())
