"""HR open the board report on the demo organisation: the figures and the three charts, the contents list, the
current month as a part month, a division on its own, the XLSX download (readable sheets, the period on each,
numbers as the page shows them), the printed page without its controls; then find an employee by name."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
from playwright.sync_api import expect

from casework.board_trends import month_bounds, month_index
from services import clock
from tests.browser.conftest import sign_in


def test_hr_reads_and_downloads_the_board_report(page, live_server, demo_organisation, screenshot, accessible,
                                                  tmp_path):
    sign_in(page, live_server, "hr@example.org")
    page.get_by_role("link", name="Board report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board report: sickness absence")
    today = clock.today()
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    expect(page.get_by_label("From")).to_have_value(start.isoformat())
    expect(page.locator("main p.nhsuk-body-l")).to_contain_text(
        re.compile(r"^Your divisions, 1 April .* days lost per FTE", re.S))
    for name in ("Days lost per FTE by directorate",
                 "FTE-days lost each month: the latest 12 months against the 12 before",
                 "Days lost per FTE by financial year, with this year's forecast"):
        chart = page.get_by_role("img", name=re.compile(re.escape(name)))
        expect(chart).to_be_visible()
        assert chart.bounding_box()["height"] > 100
    expect(page.get_by_role("table", name="Sickness absence by division and directorate")).to_contain_text(
        "Community Care")
    expect(page.get_by_role("table", name="Sickness absence by division and directorate")).not_to_contain_text(
        "Secure Care")
    screenshot("report-01-board")
    accessible("board report")

    # a contents list leads to each section
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link")).to_have_count(4)
    contents.get_by_role("link", name="Reasons for sickness absence").click()
    expect(page).to_have_url(re.compile(r"#reasons$"))
    expect(page.get_by_role("heading", name="Reasons for sickness absence")).to_be_in_viewport()
    # this month is counted to today: a part month, said so at the top and in its row, and out of the chart's line
    part = today != month_bounds(month_index(today))[1]
    expect(page.locator("#part-month")).to_have_count(1 if part else 0)
    last_month = page.get_by_role("table", name="FTE-days lost month by month").locator("tbody tr").last
    if part:
        expect(page.locator("#part-month")).to_contain_text(f"{today:%B %Y} is a part month: it is counted to "
                                                             f"{today:%-d %B}")
        expect(last_month).to_contain_text(f"{today:%B %Y} (part month, to {today:%-d %B})")
        expect(page.locator("#months-chart-note")).to_contain_text("left out of the line")
    else:
        expect(last_month).to_contain_text(f"{today:%B %Y}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    expect(contents).to_be_in_viewport()
    screenshot("report-01b-contents-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Part of the organisation").select_option(label="Division: Community Care")
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_url(re.compile(r"within=division%3ACommunity\+Care"))
    whole = page.get_by_role("table", name="Sickness absence by division and directorate").locator("tbody tr").first
    expect(whole).to_contain_text("Community Care")
    screenshot("report-02-division")

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX workbook").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("board-report-") and saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["Long and short term", "By division and directorate", "Against a year earlier",
                               "Month by month", "Full-year forecast", "By reason", "Return-to-work interviews"]
    for sheet in book:     # the period under each title
        assert sheet["A2"].value.startswith(f"Community Care, 1 April {start.year} to "), sheet.title
    absence = book["By division and directorate"]
    assert absence["B4"].value == "Community Care"
    assert [absence.cell(4, column).number_format for column in (3, 7, 8, 9)] == [
        "#,##0", "#,##0.00", "#,##0.00", '#,##0.0"%"']   # headcount, FTE-days, per FTE, long-term share

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show the report")).to_be_hidden()
    expect(page.get_by_role("img", name=re.compile("FTE-days lost each month"))).to_be_visible()
    screenshot("report-03-print")

    # HR find someone by their name, either way round and in part, and by their number
    from documents import Employee
    someone = Employee.objects(division="Community Care", end_date=None).order_by("assignment_number").first()
    first, last = someone.first_name, someone.last_name
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Employees", exact=True).first.click()
    for words in (f"{first} {last}", f"{last.lower()} {first.lower()}", f"{first[:3]} {last[:3]}",
                  someone.assignment_number):
        page.get_by_label("Name, assignment number or job").fill(words)
        page.get_by_role("button", name="Search").click()
        results = page.locator("#employee-results")
        expect(results.get_by_role("heading")).to_contain_text(f"matching “{words}”")
        expect(results.get_by_role("link", name=f"{last}, {first}").first).to_be_visible()
    screenshot("report-04-employee-search")
    accessible("employee search by name")
