"""Support staff check an absences file on the upload page: progress, then each row's outcome."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

HEADER = ("absence_id,assignment_number,first_day,last_day,reason_category,reason_detail,work_related,"
          "pregnancy_related,disability_related,rtw_date,rtw_by_assignment_number\n")


def test_support_checks_a_file_and_sees_each_row(page, live_server, demo_organisation, screenshot, accessible,
                                                 tmp_path):
    from documents import Employee
    someone = Employee.objects(end_date=None).order_by("assignment_number").first()
    feed = tmp_path / "absences.csv"
    feed.write_text(HEADER + f"BT1,{someone.assignment_number},2020-01-01,2020-01-01,flu,,N,N,N,,\n"
                             "BT2,NO-SUCH,2026-01-05,,stress,,N,N,N,,\n")
    sign_in(page, live_server, "support@example.org")
    page.get_by_role("link", name="Import absences").click()
    accessible("import page")
    page.locator("input[type=file]").set_input_files(str(feed))
    page.locator("main button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Checked: nothing has been written yet")).to_be_visible(timeout=20000)
    expect(page.get_by_role("row", name="3 BT2 NO-SUCH Refused")).to_contain_text(
        "No employee has the assignment number")
    screenshot("import-01-checked")
    accessible("import checked")
