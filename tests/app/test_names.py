"""Names, not addresses (issue 17, point 9): pages say who did something by name, the e-mail at hand only as
the title; other actors in words; times in the organisation's time zone; one read for all the names of a page."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from blueprints.cases import page as case_page
from documents import Case, User
from tests.app.test_case_page import page, team  # noqa: F401  (team: a fixture, found here by pytest)
from tests.conftest import csrf_token, database_commands


def visible(html: str) -> str:
    """The words a reader sees: no tags (so no title attributes; a span is inline, other tags part words), white
    space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?span[^>]*>", "", html)))


@pytest.fixture
def named(team):  # noqa: F811
    """The team of the case page's tests, with Wes's manager Bea called by her full name."""
    User.objects(email="bea@example.org").update_one(set__name="Isabella Cook")
    return team


def associate(auth, case: Case) -> Case:
    html = page(auth, case).get_data(as_text=True)
    ticked = re.findall(r'name="absence_ids" type="checkbox" value="(\w+)" checked', html)
    done = auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ticked})
    assert done.status_code == 302
    return Case.objects.get(pk=case.pk)


def add_note(auth, case: Case, text: str) -> Case:
    html = page(auth, case).get_data(as_text=True)
    assert auth.client.post(f"/cases/{case.pk}/notes", data={"csrf_token": csrf_token(html),
                                                             "version": case.version, "text": text}).status_code == 302
    return Case.objects.get(pk=case.pk)


def test_the_case_says_who_associated_and_wrote_by_name_not_by_address(auth, named):
    auth.login("bea@example.org")
    case = add_note(auth, associate(auth, named["case"]), "Wes asked to move the meeting.")
    html = page(auth, case).get_data(as_text=True)
    shown = visible(html)
    assert "Associated by Isabella Cook on" in shown
    assert re.search(r"Isabella Cook, \d+ \w{3} \d{4}, \d\d:\d\d Wes asked to move the meeting\.", shown)
    history = visible(html.split('id="case-audit"', 1)[1])
    assert re.search(r"Isabella Cook Associated \d absences: \d+ \w{3} \d{4}", history)
    assert "Isabella Cook Added a note" in history
    assert "bea@example.org" not in shown
    # the e-mail stays at hand, as the title of the name
    assert '<span title="bea@example.org">Isabella Cook</span>' in html


def test_a_login_no_longer_known_stays_its_address_and_other_actors_are_in_words(auth, named):
    auth.login("hr@example.org")
    case = add_note(auth, named["case"], "Spoke to occupational health.")
    case.record("api:esr-feed", "absence fed")
    case.save()
    User.objects(email="hr@example.org").delete()
    auth.login("support@example.org")
    shown = visible(page(auth, case).get_data(as_text=True))
    assert "hr@example.org, " in shown          # the note's author, whose login was removed
    history = shown.split("Every change to this case", 1)[1]
    assert "API token esr-feed Absence fed" in history
    assert "test Opened a short-term case at " in history   # the scan of the fixture ran as "test", said as it is


@pytest.mark.parametrize("at, shown", [
    (dt.datetime(2026, 7, 1, 8, 30), "1 Jul 2026, 09:30"),      # British Summer Time: UTC + 1
    (dt.datetime(2026, 12, 1, 8, 30), "1 Dec 2026, 08:30"),     # Greenwich Mean Time: as stored
])
def test_times_are_in_the_organisations_time_zone(auth, named, at, shown):
    auth.login("bea@example.org")
    case = add_note(auth, named["case"], "Called Wes.")
    Case.objects(pk=case.pk).update_one(set__notes__0__at=at, set__audit__0__at=at)
    html = page(auth, case).get_data(as_text=True)
    assert f"Isabella Cook, {shown}" in visible(html)
    assert re.search(rf"<td>{shown}</td>\s*<td>test</td>", html)     # the case opened, in its history


def test_the_names_of_a_case_page_take_one_read_however_many_entries(auth, named, make_user):
    for number in range(3):
        make_user(f"writer{number}@example.org", ["hr"], name=f"Writer {number}", hr_divisions=["Community Care"])
    case = named["case"]
    for number in range(3):
        auth.logout()
        auth.login(f"writer{number}@example.org")
        case = add_note(auth, add_note(auth, case, f"Note {number}a"), f"Note {number}b")

    def commands():
        with database_commands() as sent:
            assert page(auth, case).status_code == 200
        return list(sent)

    with_names = commands()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(case_page, "names_in", lambda *found: {})
        without = commands()
    user_reads = [command for command in with_names if command == ("find", "users")]
    # one read of the signed-in user's session login, one of the names of the page
    assert len(user_reads) - len([c for c in without if c == ("find", "users")]) == 1
    assert len(with_names) - len(without) == 1
    shown = visible(page(auth, case).get_data(as_text=True))
    assert all(f"Writer {number}, " in shown for number in range(3))
