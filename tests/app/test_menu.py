"""The menu follows the routes' own rules: every link a user is shown opens, every entry they are not shown
would be refused them, and the page a link opens marks that link as the current one."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from blueprints.menu import MENU
from services.triggers import _rules, install_presets


@pytest.fixture(autouse=True)
def _policies():
    """The trigger scan page needs an active policy."""
    _rules.cache_clear()
    install_presets()
    yield
    _rules.cache_clear()


def menu_links(html: str) -> tuple[list[str], list[str]]:
    """The menu's links in order, and those marked as the current page."""
    nav = html[html.index('<nav class="nhsuk-header__navigation"'):html.index("</nav>")]
    links = re.findall(r'class="nhsuk-header__navigation-link" href="([^"]+)"( aria-current="page")?', nav)
    return [href for href, _ in links], [href for href, current in links if current]


@pytest.mark.parametrize("roles", [["manager"], ["hr"], ["support"], ["admin"], ["manager", "hr"]], ids="+".join)
def test_every_menu_link_shown_opens_and_every_one_hidden_is_refused(app, make_employee, make_user, auth, roles):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("someone@example.org", roles, assignment_number=boss.assignment_number,
              hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    with app.test_request_context():
        entries = [url_for(entry.endpoint) for entry in MENU]
    shown, _ = menu_links(auth.client.get("/account/notifications").get_data(as_text=True))
    assert shown and shown == [url for url in entries if url in shown]
    for url in entries:
        response = auth.client.get(url)
        if url in shown:
            assert response.status_code == 200, url
            assert menu_links(response.get_data(as_text=True)) == (shown, [url])
        else:
            assert response.status_code == 403, url
