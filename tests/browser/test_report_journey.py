"""HR open the board report on the demo organisation: the figures and the three charts, a division on its own,
the XLSX download, and the printed page without its controls."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
from playwright.sync_api import expect

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
    assert book.sheetnames == ["split", "absence", "comparison", "months", "forecast", "reasons", "rtw"]
    assert book["absence"]["B3"].value == "Community Care"

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show the report")).to_be_hidden()
    expect(page.get_by_role("img", name=re.compile("FTE-days lost each month"))).to_be_visible()
    screenshot("report-03-print")
