"""Help and words, and changes that can be checked first (issue 19, points 10 and 11): an administrator changes a
trigger's number and is asked for its title and the description, sees what changed against the version in force,
activates it from a later day, uploads a letter template and reads its sample letter before putting it into use;
then an HR advisor opens their guide from the header (at 1280 px and on a phone) and reads the policy page without
the file's keys. (The administrator's guide and HR's letter fields are the same pages' words: tests/app.)"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from playwright.sync_api import expect

from services import clock
from tests.browser.conftest import SCREENS, sign_in, sign_out
from tests.conftest import PASSWORD, clean_database


@pytest.fixture
def people(app, make_employee, make_user):
    """An administrator, an HR advisor for Community Care and two staff; nothing else."""
    from documents.policy import policy_rules
    clean_database()
    policy_rules.cache_clear()
    make_employee(first_name="Wes", last_name="Walker")
    make_employee(first_name="Nell", last_name="Nolan")
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    make_user("hana@example.org", ["hr"], name="Hana Hart", hr_divisions=["Community Care"])
    yield
    clean_database()
    policy_rules.cache_clear()


def edited_c3(tmp_path) -> str:
    """The shipped C3 with one more paragraph, as an administrator edits it in Word."""
    from services.letter_templates import SHIPPED
    document = Document(io.BytesIO((SHIPPED / "C3.docx").read_bytes()))
    document.add_paragraph("Please use the entrance on Elm Road: the car park is closed.")
    path = tmp_path / "C3 Elm Road.docx"
    document.save(str(path))
    return str(path)


def test_policy_and_template_changes_are_checked_first_and_help_reads_in_words(page, live_server, people, tmp_path,
                                                                                screenshot, accessible):
    from documents import LetterTemplate, Policy
    later = clock.today() + dt.timedelta(days=45)
    sign_in(page, live_server, "ada@example.org", PASSWORD)

    # point 11: a number changed, its title and the description asked for
    page.goto(f"{live_server}/policies/council-2019/1/edit")
    page.get_by_label("Threshold").first.fill("3")
    page.get_by_role("button", name="Save as a new version").click()
    title = page.locator("#triggers-0-title")
    expect(page.locator("#triggers-0-title-error")).to_contain_text("The title still says 4, but the threshold is "
                                                                   "now 3, not 4")
    expect(title).to_have_value("3 or more occasions in 12 months")
    expect(page.locator("#description-error")).to_contain_text("The description still says 4")
    top = page.locator("label[for=description]").bounding_box()
    bottom = page.locator("fieldset").filter(has=title).bounding_box()
    page.screenshot(path=str(SCREENS / "words-01-title-asked.png"), full_page=True, clip={
        "x": 0, "y": top["y"] - 16, "width": 1280, "height": bottom["y"] + bottom["height"] - top["y"] + 32})
    accessible("the edit form asking for the title and the description")
    page.get_by_label("Description", exact=True).fill(
        "3 occasions or 2 working weeks in 12 months; long-term after 4 weeks.")
    page.get_by_role("button", name="Save as a new version").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Not active")
    changes = page.locator("#policy-changes")
    expect(changes).to_contain_text("3 changes against Council attendance management (2019) (revision 1)")
    expect(changes.locator("tbody tr").nth(2)).to_contain_text("Threshold")
    changes.screenshot(path=str(SCREENS / "words-02-changes.png"))
    accessible("a new revision with what changed against the version in force")

    # activation from a later day
    page.get_by_role("link", name="Preview activation").click()
    page.get_by_label("Takes effect on (optional)").fill(later.isoformat())
    screenshot("words-03-activate-later")
    accessible("the activation preview with a day to take effect")
    page.get_by_role("button", name="Activate").click()
    expect(page.locator("#flash")).to_contain_text(f"takes effect on {later:%-d %B %Y}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"From {later:%-d %b %Y}")
    active, [handover] = Policy.standing()
    assert (active, handover.key, handover.revision, handover.starts_on) == (("council-2019", 1), "council-2019", 2,
                                                                             later)
    page.screenshot(path=str(SCREENS / "words-04-scheduled.png"))

    # an uploaded template is shown as a sample letter before it is put into use
    page.goto(f"{live_server}/admin/letters/C3")
    page.get_by_label("Edited template (.docx)").set_input_files(edited_c3(tmp_path))
    page.get_by_role("button", name="Check the template and show its sample letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sample letter")
    expect(page.locator("#flash")).to_contain_text("Version 1 of C3 is stored, not in use yet")
    letter = page.locator("#sample-letter")
    expect(letter).to_contain_text("Dear Wes,")
    expect(letter).to_contain_text("Please use the entrance on Elm Road")
    assert LetterTemplate.objects.get(code="C3").in_use is None
    screenshot("words-05-sample-letter")
    accessible("a template's sample letter")
    page.get_by_role("button", name="Put version 1 into use").click()
    expect(page.locator("#flash")).to_contain_text("Version 1 of C3 is the template in use.")
    assert LetterTemplate.objects.get(code="C3").in_use == 1
    sign_out(page)

    # point 10: HR's guide from the header, and the policy page in words
    sign_in(page, live_server, "hana@example.org", PASSWORD)
    page.get_by_role("link", name="Help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help for HR advisors")
    expect(page.locator("#task-meanings")).to_contain_text("Decide whether to progress the case")
    expect(page.locator("#code-meanings")).to_contain_text("Checklist for the Absence Support Meeting (Informal)")
    screenshot("words-06-hr-help")
    accessible("the HR advisors' guide")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENS / "words-07-hr-help-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/policies/council-2019/2")
    body = page.locator("main")
    expect(body).to_contain_text("1. Absence Support Meeting")
    expect(body).to_contain_text("A4: checklist for the Absence Support Meeting (Informal)")
    expect(body).to_contain_text("Threshold (Trigger: 3 or more occasions in 12 months): 4")
    expect(body).not_to_contain_text("TOML")
    expect(body).not_to_contain_text("triggers[0]")
    page.screenshot(path=str(SCREENS / "words-08-hr-policy.png"))
