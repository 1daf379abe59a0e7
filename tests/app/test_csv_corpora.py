"""Malformed CSV files uploaded to every CSV upload (staff hierarchy, absences, cases in flight, corrections): bad
encodings, NUL bytes, a value over 128 KB, a row of thousands of values, too many rows, formula cells, ragged rows,
an empty file, a Word file or a zip named .csv. Each gets a clear message on the page (beside the file field for
the file, or by the row), never a 500, and nothing is applied: not by the upload (a check), nor by applying a file
with refused rows."""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile

import pytest
from mongoengine.connection import get_db

from casework.absence_feed import COLUMNS as ABSENCE_COLUMNS
from casework.hierarchy_feed import COLUMNS as EMPLOYEE_COLUMNS
from casework.inflight_feed import COLUMNS as INFLIGHT_COLUMNS
from documents import Case, ImportJob
from documents.case import Stage
from services import clock
from services.triggers import install_presets
from tests.app.hostile import digests, multipart
from tests.conftest import csrf_token

FORMULA = "=cmd|' /C calc'!A0"
REFUSING = ("fte", "case_type", "stage", "assignment_number")
UPLOADS = {"employees": "/imports/employees", "absences": "/imports/absences", "inflight": "/imports/inflight",
           "corrections": "/datafix/corrections"}


def _files(kind: str, org: dict) -> tuple[list[str], list[list[str]]]:
    """The header and two good rows of each kind of file, naming the organisation's people and case."""
    number, case_id = org["number"], org["case_id"]
    if kind == "employees":
        return list(EMPLOYEE_COLUMNS), [
            [number, "E1", "Wes", "Walker", "wes@example.org", "Staff nurse", "Community Care", "Adult Services",
             "District Nursing", "1.0", "37.5", "Mon Tue Wed Thu Fri", "ENG", "", "2020-01-06", ""],
            ["N00002", "E2", "Zoë", "Ní Bhriain", "zoe@example.org", "Porter", "Community Care", "Adult Services",
             "District Nursing", "0.6", "22.5", "Mon Tue Wed", "ENG", number, "2021-03-01", ""]]
    if kind == "absences":
        return list(ABSENCE_COLUMNS), [
            ["AB1", number, "2026-01-05", "2026-01-07", "infections", "Flu", "N", "N", "N", "", ""],
            ["AB2", number, "2026-02-02", "2026-02-02", "back", "", "N", "N", "N", "", ""]]
    if kind == "inflight":
        return list(INFLIGHT_COLUMNS), [[org["without_case"], "STS", "formal_1", "2026-01-12", "", "", "", "Migrated"],
                                        [org["without_case"], "LTS", "lts_welfare", "2026-01-12", "", "", "", ""]]
    return ["case_id", "stage", "review_date", "reason"], [[case_id, "formal_1", "", "Typo in the stage"],
                                                             [org["second_case_id"], "", "", "Nothing"]]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<w:document/>")
    return out.getvalue()


def _with_cell(header, rows, value):
    """The file with `value` in the first row's cell that refuses it (a number, a case type, a stage or whose
    assignment number)."""
    rows = [list(row) for row in rows]
    rows[0][header.index(next(name for name in REFUSING if name in header))] = value
    return _csv(header, rows)


# name: (how the file is made from (header, good rows), what the page says: "file", "rows" or "fine", words)
CORPORA = {
    "UTF-16 with a byte-order mark": (lambda h, r: _csv(h, r).encode("utf-16"), "file", "saved as UTF-16"),
    "UTF-16 big-endian": (lambda h, r: codecs.BOM_UTF16_BE + _csv(h, r).encode("utf-16-be"), "file", "UTF-16"),
    "UTF-16 without a mark": (lambda h, r: _csv(h, r).encode("utf-16-le"), "file", "is not a CSV text file"),
    "UTF-32": (lambda h, r: _csv(h, r).encode("utf-32"), "file", "UTF-32"),
    "Latin-1": (lambda h, r: _csv(h, r).encode("latin-1"), "fine", ""),
    "Windows-1252 with curly quotes": (lambda h, r: _csv(h, r).replace("Typo", "“Typo”").encode("cp1252"),
                                       "fine", ""),
    "invalid UTF-8, not Windows-1252 either": (lambda h, r: _csv(h, r).encode() + b"\x81\x8d\x8f\x90\x9d\r\n",
                                               "file", "characters could not be read"),
    "UTF-8 with a byte-order mark": (lambda h, r: codecs.BOM_UTF8 + _csv(h, r).encode(), "fine", ""),
    "two byte-order marks": (lambda h, r: codecs.BOM_UTF8 * 2 + _csv(h, r).encode(), "fine", ""),
    "a NUL byte in a value": (lambda h, r: _with_cell(h, r, "A\x00B").encode(), "file",
                              "Line 2 holds a NUL character"),
    "NUL bytes throughout": (lambda h, r: _csv(h, r).encode().replace(b",", b"\x00,\x00"), "file",
                             "is not a CSV text file"),
    "a value over 128 KB": (lambda h, r: _with_cell(h, r, "x" * 140_000).encode(), "file",
                            "Row 2: a value is longer than the 128 KB Casebook reads"),
    "a quote left open": (lambda h, r: (_csv(h, r) + '"never closed,' + "y" * 140_000).encode(), "file",
                          "Row 4: a value is longer than the 128 KB Casebook reads"),
    "a row of 5,000 values": (lambda h, r: (_csv(h, r) + "," * 4_999 + "\r\n").encode(), "file",
                              "Row 4 has 5,000 values; Casebook reads at most 200"),
    "300,001 rows": (lambda h, r: (_csv(h, r) + "x\r\n" * 299_999).encode(), "file",
                     "The file has more than 300,000 rows"),
    "formula cells": (lambda h, r: _with_cell(h, r, FORMULA).encode(), "rows", ""),
    "ragged rows": (lambda h, r: _csv(h, [r[0] + ["extra", "cells"], r[1][:2]]).encode(), "rows",
                    "more cells than the header"),
    "an empty file": (lambda h, r: b"", "file", "lacks"),
    "only a header": (lambda h, r: _csv(h, []).encode(), "fine", ""),
    "a Word file named .csv": (lambda h, r: _zip("word/document.xml"), "file", "This is a Word or Excel file"),
    "an Excel file named .csv": (lambda h, r: _zip("xl/workbook.xml"), "file", "This is a Word or Excel file"),
    "old Mac line endings": (lambda h, r: _csv(h, r).replace("\r\n", "\r").encode(), "fine", ""),
    "tabs, not commas": (lambda h, r: _csv(h, r).replace(",", "\t").encode(), "file", "lacks"),
}


@pytest.fixture
def org(app, built_once, make_employee, make_user, monkeypatch):
    """An employee with a case, and Ada (admin) signed in; imports are checked within the request. The people and
    cases are built once for the module, then restored before each test."""
    from services.imports import jobs
    monkeypatch.setattr(jobs, "_in_background", lambda job, apply, today, mail, context, retention_days=None:
                        jobs.run_job(job.pk, apply, today, mail))
    return built_once("org", lambda: build_org(make_employee, make_user))


def build_org(make_employee, make_user) -> dict:
    install_presets()
    wes = make_employee(first_name="Wes", last_name="Walker")
    ann, cal = make_employee(first_name="Ann", last_name="Other"), make_employee(first_name="Cal", last_name="Third")
    make_user("admin@example.org", ["admin"])
    today = clock.today()
    cases = [Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
                  manager_path=person.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                  stage="absence_support", opened_on=today, stages=[Stage(key="absence_support", entered_on=today)])
             for person in (wes, cal)]
    for case in cases:
        case.save_checked()
    return {"number": wes.assignment_number, "case_id": str(cases[0].pk), "second_case_id": str(cases[1].pk),
            "without_case": ann.assignment_number}


def _upload(client, kind: str, data: bytes, filename: str = "feed.csv"):
    page = client.get(UPLOADS[kind]).get_data(as_text=True)
    body, content_type = multipart({"csrf_token": [csrf_token(page)]}, {"file": (data, filename)})
    return client.post(UPLOADS[kind], data=body, content_type=content_type)


def _stored() -> dict[str, str]:
    """What an upload must not change: the people, their absences and their cases."""
    found = digests()
    return {name: found.get(name) for name in ("employees", "absences", "cases")}


@pytest.mark.parametrize("kind", UPLOADS)
@pytest.mark.parametrize("corpus", CORPORA)
def test_a_malformed_csv_gets_a_clear_message_and_changes_nothing(auth, org, kind, corpus):
    make, outcome, words = CORPORA[corpus]
    auth.login("admin@example.org")
    data = make(*_files(kind, org))
    before = _stored()
    response = _upload(auth.client, kind, data)
    html = response.get_data(as_text=True)
    assert response.status_code < 500
    if outcome == "file":
        assert response.status_code == 400
        beside = re.search(r'id="file-error"><span class="nhsuk-u-visually-hidden">Error:</span> ([^<]+)<', html)
        assert beside and words in beside.group(1).replace("&#39;", "'").replace("&#34;", '"'), html[:3000]
        assert ImportJob.objects.count() == 0
    elif kind == "corrections":
        assert response.status_code == (400 if outcome == "rows" else 200), re.findall(r"<li>[^<]+</li>", html)
        assert words in html and ("Refused: nothing can be applied" in html) == (outcome == "rows")
    else:
        assert response.status_code == 302
        job = ImportJob.objects.get()
        page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
        assert job.status == "checked", job.message
        assert (job.counts["refused"] > 0) == (outcome == "rows"), [row["errors"] for row in job.rows]
        assert words in page and (job.counts["refused"] > 0) == (outcome == "rows")
    assert _stored() == before


@pytest.mark.parametrize("kind", ["employees", "absences", "inflight"])
def test_a_file_with_refused_rows_applies_nothing_and_its_report_carries_no_live_formula(auth, org, kind):
    auth.login("admin@example.org")
    header, rows = _files(kind, org)
    before = _stored()
    job_page = _upload(auth.client, kind, _with_cell(header, rows, FORMULA).encode()).headers["Location"]
    page = auth.client.get(job_page).get_data(as_text=True)
    assert ImportJob.objects.get().counts["refused"] == 1
    if 'action="' + job_page + '/apply"' in page:
        applied = auth.client.post(job_page + "/apply", data={"csrf_token": csrf_token(page)})
        assert applied.status_code == 302
        assert ImportJob.objects.get().status == "checked"     # refused: no box ticked to skip the refused row
    assert _stored() == before
    report = auth.client.get(job_page + "/refused.csv")
    cells = [cell for row in csv.reader(io.StringIO(report.get_data(as_text=True))) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_corrections_with_a_refused_row_apply_nothing(auth, org):
    auth.login("admin@example.org")
    header, rows = _files("corrections", org)
    text = _csv(header, [rows[0], ["not-a-case", "formal_1", "", "x"]])
    checked = _upload(auth.client, "corrections", text.encode())
    assert checked.status_code == 400 and "Refused" in checked.get_data(as_text=True)
    before = _stored()
    applied = auth.client.post("/datafix/corrections/apply", data={
        "csrf_token": csrf_token(checked.get_data(as_text=True)), "csv_text": text})
    assert applied.status_code == 400 and _stored() == before


@pytest.mark.parametrize("text, words", [
    ("case_id,stage,reason\r\nX," + "y" * 140_000 + ",z\r\n", "Row 2: a value is longer than the 128 KB"),
    ("case_id,stage,reason\r\n" + ",".join(["x"] * 300) + "\r\n", "Row 2 has 300 values"),
    ("case_id,stage,reason\r\nX\x00,formal_1,z\r\n", "Line 2 holds a NUL character"),
])
def test_corrections_sent_back_changed_for_applying_are_refused_beside_the_file(auth, org, text, words):
    """The checked file comes back in a hidden field: changed on the way, it is read again, and refused."""
    auth.login("admin@example.org")
    page = auth.client.get("/datafix/corrections").get_data(as_text=True)
    before = _stored()
    refused = auth.client.post("/datafix/corrections/apply", data={"csrf_token": csrf_token(page), "csv_text": text})
    assert refused.status_code == 400 and words in refused.get_data(as_text=True)
    assert _stored() == before


def test_an_upload_of_the_wrong_type_is_refused_beside_the_file(auth, org):
    auth.login("admin@example.org")
    response = _upload(auth.client, "absences", _zip("word/document.xml"), "letter.docx")
    assert response.status_code == 400 and "Upload a .csv file." in response.get_data(as_text=True)
    assert get_db()["import_jobs"].count_documents({}) == 0
