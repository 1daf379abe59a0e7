"""The data protection officer signs in, lands on the log of medical reads, narrows it to one employee (a bad date
first: the list stays, with a message beside the field), downloads it as CSV, looks at the refused attempts, and
makes a subject access export once they confirm it; the export is listed on the page."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from documents import AccessRefusal, MedicalRead, utcnow
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, clean_database


@pytest.fixture
def logged(app, make_employee, make_user):
    """Lee Long's medical detail read twice by Bo Boss and once by an admin, Oli Other's once; one refusal."""
    clean_database()
    lee = make_employee(first_name="Lee", last_name="Long")
    oli = make_employee(first_name="Oli", last_name="Other")
    make_user("boss@example.org", ["manager"], assignment_number=oli.assignment_number, name="Bo Boss")
    make_user("dpo@example.org", ["dpo"], name="Pat Privacy")
    now = utcnow()
    for hours, reader, number in ((1, "boss@example.org", lee.assignment_number),
                                  (2, "boss@example.org", lee.assignment_number),
                                  (3, "boss@example.org", oli.assignment_number)):
        MedicalRead(reader=reader, at=now - dt.timedelta(hours=hours), assignment_number=number,
                    what="the reason's detail", where="absence page").save()
    AccessRefusal(who="boss@example.org", at=now, method="GET", path=f"/employees/{lee.assignment_number}",
                  endpoint="employees.show", reason="scope", assignment_number=lee.assignment_number).save()
    yield lee
    clean_database()


def test_the_dpo_filters_the_log_downloads_it_and_makes_a_subject_access_export(page, live_server, logged,
                                                                               screenshot, accessible):
    sign_in(page, live_server, "dpo@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Medical reads")
    expect(page.get_by_role("heading", name="3 entries")).to_be_visible()
    expect(page.get_by_role("link", name="Employees")).to_have_count(0)          # no staff pages in their menu

    page.get_by_label("Employee").fill("Lee Long")
    page.get_by_label("From").fill("yesterday")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#filter-from-error")).to_contain_text("Enter the date as YYYY-MM-DD")
    expect(page.get_by_role("heading", name="2 entries")).to_be_visible()
    page.get_by_label("From").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#filter-from-error")).to_have_count(0)
    expect(page.get_by_role("region", name="Medical reads")).to_contain_text("Bo Boss")
    screenshot("dpo-01-medical-reads")
    accessible("the log of medical reads, filtered")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download these entries as CSV").click()
    rows = list(csv.reader(io.StringIO(waiting.value.path().read_text())))
    assert waiting.value.suggested_filename.startswith("medical-reads-")
    assert [row[3:5] for row in rows[1:]] == [["Lee Long", logged.assignment_number]] * 2

    page.get_by_role("link", name="Refused attempts").first.click()
    expect(page.get_by_role("heading", name="1 entry")).to_be_visible()
    expect(page.get_by_role("region", name="Refused attempts")).to_contain_text("the record is outside their scope")
    accessible("the refused attempts")

    page.get_by_role("link", name="Subject access").first.click()
    page.get_by_label("Employee's assignment number").fill(logged.assignment_number)
    page.get_by_role("button", name="Make the export").click()
    expect(page.locator("#confirm-error")).to_contain_text("Confirm the export answers a request.")
    accessible("the subject access form, not confirmed")
    page.get_by_label(re.compile("I confirm this export answers")).check()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Make the export").click()
    package = zipfile.ZipFile(io.BytesIO(waiting.value.path().read_bytes()))
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["subject"]["name"] == "Lee Long" and manifest["generated_by"] == "dpo@example.org"
    page.goto(f"{live_server}/dpo/subject-access")
    expect(page.get_by_role("table", name="Exports made, latest first")).to_contain_text("Pat Privacy")
    screenshot("dpo-02-subject-access")
    accessible("the subject access exports")
