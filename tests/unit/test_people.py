"""Who did something, in words (casework.people), and when, in the organisation's time zone (casework.moments)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from casework.moments import local_time, moment_words
from casework.people import actor_words, login_in

NAMES = {"isabella.cook@example.org": "Isabella Cook", "mo@example.org": "Mo Khan"}
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("actor, login, words", [
    # a login by its name; a login no one has (removed, or never one) stays its e-mail
    ("isabella.cook@example.org", "isabella.cook@example.org", "Isabella Cook"),
    ("gone@example.org", "gone@example.org", "gone@example.org"),
    # no one in particular
    ("system", None, "Casebook"),
    ("demo", None, "the demo loader"),
    ("sso", None, "single sign-on"),
    # an API token by its name; a division's HR queue
    ("api:esr-feed", None, "API token esr-feed"),
    ("hr:Surgery", None, "HR advisors, Surgery"),
    # what ran, and by whom: a login by name, a server account as it is
    ("trigger scan by mo@example.org", "mo@example.org", "trigger scan by Mo Khan"),
    ("import:absences.csv by mo@example.org", "mo@example.org", "import of absences.csv by Mo Khan"),
    ("import:absences.csv by casebook", None, "import of absences.csv by casebook"),
    ("datafix by isabella.cook@example.org", "isabella.cook@example.org", "data fix by Isabella Cook"),
    ("datafix:fixes.csv by root", None, "data fix from fixes.csv by root"),
    ("command by root", None, "command run by root"),
    ("activation preview by gone@example.org", "gone@example.org", "activation preview by gone@example.org"),
    # a typed name (a contact made by, an interview held by) is shown as typed
    ("Pat Jones", None, "Pat Jones"),
])
def test_an_actor_in_words(actor, login, words):
    assert login_in(actor) == login
    assert actor_words(actor, NAMES) == words


@pytest.mark.parametrize("at, shown", [
    # British Summer Time (UTC+1) from 29 March to 25 October 2026: 08:30 UTC is 09:30 in London
    (dt.datetime(2026, 7, 1, 8, 30), "1 Jul 2026, 09:30"),
    # Greenwich Mean Time in winter: the same clock time
    (dt.datetime(2026, 12, 1, 8, 30), "1 Dec 2026, 08:30"),
    # 23:30 UTC on a summer evening is 00:30 the next day in London
    (dt.datetime(2026, 7, 1, 23, 30), "2 Jul 2026, 00:30"),
    # the clocks go forward at 01:00 UTC on 29 March 2026: 00:59 UTC is 00:59 GMT, 01:00 UTC is 02:00 BST
    (dt.datetime(2026, 3, 29, 0, 59), "29 Mar 2026, 00:59"),
    (dt.datetime(2026, 3, 29, 1, 0), "29 Mar 2026, 02:00"),
    # an aware instant keeps its meaning: 10:30 at UTC+2 is 08:30 UTC, 09:30 BST
    (dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))), "1 Jul 2026, 09:30"),
])
def test_an_instant_in_london(at, shown):
    assert moment_words(at, LONDON) == shown


def test_a_stored_instant_is_utc_and_becomes_local_time_in_the_zone():
    # 8 January 2026 20:00 UTC + 13 hours (NZDT) = 33:00 on the 8th: 9 January 09:00 in Auckland
    local = local_time(dt.datetime(2026, 1, 8, 20, 0), ZoneInfo("Pacific/Auckland"))
    assert (local.date(), local.hour, local.utcoffset()) == (dt.date(2026, 1, 9), 9, dt.timedelta(hours=13))
