"""Builds the Word templates Casebook ships, one per letter or form in `casework.letters.LETTERS`:

    python letter_templates/build.py [folder]     (from the repository root; the folder defaults to this one)

HR edits the files in Word (or uploads edited copies); this script regenerates the originals from
`wording.py`. Every paragraph and table cell is written as one run, so no `{{ … }}` placeholder is split
and docxtpl can fill it. The files are byte-for-byte the same on every run (fixed dates in the package).
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from wording import ABSENCES, EMPLOYEE_DETAILS, Blanks, Fields, Form, If, Letter, Section
from wording import LETTERS as WORDING

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository root, for casework: the script is run by its path

from casework.letters import LETTERS  # noqa: E402

FONT = "Arial"
ABSENCE_COLUMNS = (("First day", "{{ absence.first_day }}"), ("Last day", "{{ absence.last_day }}"),
                   ("Calendar days", "{{ absence.calendar_days }}"),
                   ("Working days lost", "{{ absence.working_days }}"), ("Reason (category)", "{{ absence.reason }}"))
TOTALS = ("Total", "Occasions: {{ totals.occasions }}", "{{ totals.calendar_days }}", "{{ totals.working_days }}", "")
FIXED_TIME = dt.datetime(2026, 1, 1)
# Column widths in cm by the number of columns (the text area is 16.6 cm wide).
WIDTHS = {1: (16.6,), 2: (5.6, 11.0), 5: (3.3, 3.3, 2.4, 2.6, 5.0)}


def new_document(title: str) -> Document:
    """An A4 document in Arial 11 with black headings."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), RGBColor(0, 0, 0)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "Casebook", "Casebook"
    properties.created = properties.modified = FIXED_TIME
    properties.revision = 1
    return document


def paragraph(container, text: str, bold: bool = False, align=None, size: int | None = None):
    """A paragraph of one run (so a placeholder in it stays whole)."""
    added = container.add_paragraph()
    run = one_run(added, text, bold)
    if size:
        run.font.size = Pt(size)
    if align is not None:
        added.alignment = align
    return added


def one_run(container, text: str, bold: bool = False):
    """Add `text` to a paragraph as one run."""
    run = container.add_run(text)
    if bold:
        run.bold = True
    return run


def table(document, rows: list[tuple[str, ...]], header: bool = False):
    """A bordered table, the first column (or the header row) in bold."""
    added = document.add_table(rows=len(rows), cols=len(rows[0]))
    added.style = document.styles["Table Grid"]
    added.alignment = WD_TABLE_ALIGNMENT.LEFT
    widths = WIDTHS[len(rows[0])]
    for column, width in zip(added.columns, widths, strict=True):
        column.width = Cm(width)
    for index, values in enumerate(rows):
        for column, (cell, text, width) in enumerate(zip(added.rows[index].cells, values, widths, strict=True)):
            cell.width = Cm(width)
            one_run(cell.paragraphs[0], text, bold=(index == 0) if header else column == 0)
    document.add_paragraph()
    return added


def optional(document, condition: str, texts: tuple[str, ...], align=None) -> None:
    """Paragraphs docxtpl leaves out when the field `condition` is empty."""
    paragraph(document, f"{{%p if {condition} %}}")
    for text in texts:
        paragraph(document, text, align=align)
    paragraph(document, "{%p endif %}")


def letterhead(document) -> None:
    """The organisation's logo, name, address (one line per item), telephone and e-mail, on the right."""
    right = WD_ALIGN_PARAGRAPH.RIGHT
    optional(document, "organisation.logo", ("{{ organisation.logo }}",), align=right)
    paragraph(document, "{{ organisation.name }}", bold=True, align=right, size=14)
    paragraph(document, "{%p for line in organisation.address %}")
    paragraph(document, "{{ line }}", align=right)
    paragraph(document, "{%p endfor %}")
    optional(document, "organisation.phone", ("Telephone {{ organisation.phone }}",), align=right)
    optional(document, "organisation.email", ("E-mail {{ organisation.email }}",), align=right)


def addressee(document) -> None:
    """The employee's name and postal address, a line each; without an address, their job and department and
    that the letter goes by hand or by e-mail."""
    paragraph(document, "{{ employee.name }}")
    paragraph(document, "{%p for line in employee.address %}")
    paragraph(document, "{{ line }}")
    paragraph(document, "{%p endfor %}")
    optional(document, "not employee.address", ("{{ employee.job_title }}", "{{ employee.department }}",
                                                "By hand or by e-mail"))
    paragraph(document, "")


def absences_table(document) -> None:
    """The associated absences, a row each (docxtpl repeats the row between the `{%tr %}` rows), and totals."""
    loop = ("{%tr for absence in absences %}",) + ("",) * (len(ABSENCE_COLUMNS) - 1)
    end = ("{%tr endfor %}",) + ("",) * (len(ABSENCE_COLUMNS) - 1)
    table(document, [tuple(label for label, _ in ABSENCE_COLUMNS), loop,
                     tuple(value for _, value in ABSENCE_COLUMNS), end, TOTALS], header=True)


def blanks(document, item: Blanks) -> None:
    """Boxes to complete: the label in bold, space below it."""
    added = table(document, [(label,) for label in item.labels])
    for row in added.rows:
        for _ in range(item.lines):
            row.cells[0].add_paragraph()


def write(document, block) -> None:
    """One block of a letter's body."""
    if isinstance(block, str):
        paragraph(document, block)
    elif isinstance(block, Section):
        document.add_heading(block.title, level=2)
    elif isinstance(block, Fields):
        table(document, list(block.rows))
    elif isinstance(block, Blanks):
        blanks(document, block)
    elif isinstance(block, If):
        optional(document, block.condition, block.paragraphs)
    elif block is ABSENCES:
        absences_table(document)
    else:
        raise TypeError(f"Unknown block {block!r}")


def build(code: str) -> bytes:
    """The template for letter `code`, as .docx bytes."""
    spec = WORDING[code]
    document = new_document(LETTERS[code].title)
    letterhead(document)
    paragraph(document, "Private and confidential", bold=True)
    if isinstance(spec, Letter):
        addressee(document)
        paragraph(document, "Date: {{ letter_date }}")
        paragraph(document, "Our reference: {{ reference }}")
    document.add_heading(spec.heading, level=1)
    if isinstance(spec, Form):
        write(document, EMPLOYEE_DETAILS)
    for block in spec.body:
        write(document, block)
    if isinstance(spec, Letter):
        for line in ("Yours sincerely,", "", "", *spec.signer):
            paragraph(document, line)
        if spec.enclosures:
            paragraph(document, f"Enclosures: {spec.enclosures}")
        paragraph(document, "Copy: personal file")
    else:
        blanks(document, Blanks(spec.signatures, lines=1))
    out = io.BytesIO()
    document.save(out)
    return stable(out.getvalue())


def stable(package: bytes) -> bytes:
    """The same package with fixed timestamps, so rebuilding an unchanged template changes no byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(zipfile.ZipInfo(item.filename, FIXED_TIME.timetuple()[:6]), source.read(item.filename),
                            zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main(folder: Path) -> None:
    """Write every template into `folder`."""
    if set(WORDING) != set(LETTERS):
        raise SystemExit(f"wording.py and casework.letters disagree: {sorted(set(WORDING) ^ set(LETTERS))}")
    folder.mkdir(parents=True, exist_ok=True)
    for code, spec in LETTERS.items():
        (folder / spec.file).write_bytes(build(code))
        print(folder / spec.file)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
