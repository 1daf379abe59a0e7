"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on 127.0.0.1."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from services import clock
from tests.conftest import clean_database, serving

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path(__file__).parent / "screens"
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic"]}


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port of 127.0.0.1, in a thread, stopped at the end of the session."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server):
    """Playwright's base URL is the live server (this also replaces pytest-base-url's own fixture)."""
    return live_server


@pytest.fixture(scope="module")
def demo_organisation(app, demo_loader):
    """The demo organisation as it is first loaded, fresh for each module (loaded once in the run, then restored
    from a copy of its documents: tests/conftest.py `demo_database`), and removed after the module."""
    demo_loader(clock.today())
    yield
    clean_database()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under tests/browser/screens/ (ignored by git), as JPEG: encoding a long page as
    PNG took 0.5–1.1 s a screenshot, JPEG 0.1–0.7 s, and the journeys take about a hundred."""
    SCREENS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENS / f"{name}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=80)
        assert path.stat().st_size > 0
        return path

    return take


@pytest.fixture
def accessible(page):
    """Run axe-core (WCAG 2.2 AA rules) on the current page and fail on any violation."""

    def check(label: str) -> None:
        page.wait_for_load_state("load")   # the page's styles applied: unstyled links would fail on their size
        page.evaluate(AXE.read_text())
        # violations in full; of the rules passed, one node each (what the check reads): a third less time
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                               "resultTypes: ['violations']})", AXE_TAGS)
        violations = [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                      for v in result["violations"]]
        assert violations == [], f"{label}: accessibility violations\n{json.dumps(violations, indent=2)}"
        assert result["passes"], f"{label}: axe checked nothing"

    return check


def sign_in(page, base_url: str, email: str, password: str = "casebook-demo") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def four_occasions(employee) -> None:
    """Four one-day absences on the Wednesdays 44, 36, 28 and 20 weeks ago (clear of week edges): the
    4-occasion short-term trigger."""
    from documents import Absence
    today = clock.today()
    wednesday = today - dt.timedelta(days=(today.weekday() - 2) % 7)
    for weeks in (44, 36, 28, 20):
        day = wednesday - dt.timedelta(weeks=weeks)
        Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=day, last_day=day,
                reason_category="infections").save_checked()


def sign_out(page) -> None:
    """Sign out with the header's button and wait for the sign-in page."""
    from playwright.sync_api import expect
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


FEEDBACK_SEEN = """heading => {
  const box = document.getElementById("flash"), part = document.getElementById(heading);
  const rect = box.getBoundingClientRect(), title = part.getBoundingClientRect();
  return {focused: document.activeElement === box, top: Math.round(rect.top), bottom: Math.round(rect.bottom),
          heading: Math.round(title.top), viewport: innerHeight, scrolled: Math.round(scrollY),
          at: Math.round(rect.top + scrollY), page: document.documentElement.scrollHeight};
}"""


def feedback_in_view(page, heading: str) -> dict:
    """Issue 19: after a change, the message (#flash) is in the viewport and has the keyboard focus, with the
    heading of the part of the page it concerns (`heading`, an element id) in view above it. The figures, in px."""
    # A function, not an expression: Playwright polls an expression with eval, which the pages' CSP forbids, so a
    # focus that came a moment late failed the wait instead of being waited for.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'flash'")
    seen = page.evaluate(FEEDBACK_SEEN, heading)
    assert seen["focused"], seen
    assert 0 <= seen["heading"] < seen["top"] and seen["bottom"] <= seen["viewport"], seen
    return seen


def next_action_at(page, width: int, height: int) -> dict:
    """The page's height and where the case's next action (its button) is, at a `width` × `height` viewport."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("scrollTo(0, 0)")
    return page.evaluate("""() => {
      const button = document.querySelector("#next-action .nhsuk-button");
      const rect = button.getBoundingClientRect();
      return {page: document.documentElement.scrollHeight, top: Math.round(rect.top + scrollY),
              bottom: Math.round(rect.bottom + scrollY)};
    }""")
