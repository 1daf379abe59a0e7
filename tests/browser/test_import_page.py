"""Support staff import an absences file as people have it: the template downloaded from the upload page, the
accepted reasons and codes listed there; UK dates read, a month-first date refused on its row, two rows of the file
overlapping each other naming each other, each row naming its employee; "Apply" waits for "apply the valid rows"
to be ticked while rows are refused; then the valid rows are applied."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from services import clock
from tests.browser.conftest import sign_in

HEADER = ("absence_id,assignment_number,first_day,last_day,reason_category,reason_detail,work_related,"
          "pregnancy_related,disability_related,rtw_date,rtw_by_assignment_number\n")


def _untouched_employee():
    """Someone in post since before last year with no absence recorded, so the file's dates meet nothing stored."""
    from documents import Absence, Employee
    off = set(Absence.objects.distinct("employee"))
    year_ago = clock.today() - dt.timedelta(days=400)
    return next(employee for employee in Employee.objects(end_date=None, start_date__lte=year_ago)
                .order_by("assignment_number") if employee.pk not in off)


def test_support_imports_a_uk_file_and_applies_the_valid_rows(page, live_server, demo_organisation, screenshot,
                                                             accessible, tmp_path):
    from documents import Absence
    someone = _untouched_employee()
    number, name = someone.assignment_number, f"{someone.first_name} {someone.last_name}"
    first_of_month = clock.today().replace(day=1)
    uk = (first_of_month - dt.timedelta(days=70)).replace(day=14)      # 14/mm/yyyy: 14 cannot be a month
    american = uk.replace(day=20)                                       # mm/20/yyyy: reads only month first
    before = first_of_month - dt.timedelta(days=40)
    either = before.replace(day=3 if before.month != 3 else 4)          # d/m/yyyy: in this file, either date
    overlap = (first_of_month - dt.timedelta(days=10)).replace(day=20)  # two rows overlapping on the 21st
    feed = tmp_path / "absences.csv"
    feed.write_text(HEADER + f"BT1,{number},{uk:%d/%m/%Y},{uk:%d/%m/%Y},flu,,N,N,N,,\n"
                    f"BT2,{number},{either.day}/{either.month}/{either.year},,S13,,N,N,N,,\n"
                    f"BT3,{number},{overlap},{overlap + dt.timedelta(days=1)},S10,,N,N,N,,\n"
                    f"BT4,{number},{overlap + dt.timedelta(days=1)},,back_neck,,N,N,N,,\n"
                    f"BT5,{number},{american:%m/%d/%Y},{american:%m/%d/%Y},stress,,N,N,N,,\n"
                    "BT6,NO-SUCH,2026-01-05,,stress,,N,N,N,,\n")
    sign_in(page, live_server, "support@example.org")
    page.get_by_role("link", name="Import absences").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download an empty absences.csv").click()
    template = tmp_path / "template.csv"
    download.value.save_as(template)
    assert template.read_text().splitlines()[0] == HEADER.strip() + ",third_party,expected_return"
    page.get_by_text("The reasons and codes reason_category accepts").click()
    codes = page.get_by_role("table", name="ESR sickness reason codes")
    expect(codes.get_by_role("row", name="S13 Cold, cough, flu - influenza Infections (colds, flu)")).to_be_visible()
    expect(page.get_by_role("table", name="Casebook's reason categories")).to_contain_text("back_neck")
    accessible("import page, reasons listed")

    page.locator("input[type=file]").set_input_files(str(feed))
    page.locator("main button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Checked: nothing has been written yet")).to_be_visible(timeout=20000)
    expect(page.get_by_role("row", name=f"2 BT1 {name} ({number}) New")).to_be_visible()
    # row 6's date reads only month first, so this file writes dates month first: row 3's could be either date
    expect(page.get_by_role("row", name=f"3 BT2 {name} ({number}) Refused")).to_contain_text(
        f"could be either date: this file writes other dates month first (as '{american:%m/%d/%Y}')")
    expect(page.get_by_role("row", name=f"4 BT3 {name} ({number}) Refused")).to_contain_text(
        "This overlaps row 5 of this file (absence BT4)")
    expect(page.get_by_role("row", name=f"5 BT4 {name} ({number}) Refused")).to_contain_text(
        "This overlaps row 4 of this file (absence BT3)")
    expect(page.get_by_role("row", name=f"6 BT5 {name} ({number}) Refused")).to_contain_text(
        f"'{american:%m/%d/%Y}' reads month first (there is no month 20)")
    expect(page.get_by_role("row", name="7 BT6 NO-SUCH Refused")).to_contain_text(
        "No employee has the assignment number")
    apply = page.get_by_role("button", name="Apply these changes")
    expect(apply).to_be_disabled()
    screenshot("import-01-checked")
    accessible("import checked")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("import-01b-checked-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Apply the valid rows and give me a report of the refused ones").check()
    expect(apply).to_be_enabled()
    apply.focus()
    assert page.evaluate("document.activeElement.id") == "apply-button"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Applied")).to_be_visible(timeout=20000)
    expect(page.get_by_role("row", name=f"2 BT1 {name} ({number}) Created")).to_be_visible()
    screenshot("import-02-applied")
    assert [(absence.external_id, absence.first_day) for absence in Absence.objects(employee=someone.pk)] == [
        ("BT1", uk)]
