"""The meeting invitation file: UK local time with its timezone, the people, a stable uid and sequence."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from casework.ics import invitation

LONDON = ZoneInfo("Europe/London")


def test_an_invitation_in_uk_time_with_organiser_and_attendees():
    data = invitation("m1", "Absence support meeting", dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON), 45,
                      "Room 2, Example House", ("Bea Boss", "bea@example.org"), [("Wes Worker", "wes@example.org"),
                                                                                 ("Hana HR", "hr@example.org")],
                      stamped=dt.datetime(2026, 11, 23, 9, 30), sequence=2)
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"]), str(event["location"])) == ("m1@casebook", 2,
                                                                                    "Room 2, Example House")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert (start.isoformat(), end - start) == ("2026-12-01T10:00:00+00:00", dt.timedelta(minutes=45))
    assert str(start.tzinfo) == "Europe/London"
    assert [str(a) for a in event["attendee"]] == ["mailto:wes@example.org", "mailto:hr@example.org"]
    assert str(event["organizer"]) == "mailto:bea@example.org"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:20261201T100000" in data


def test_summer_time_is_kept():
    data = invitation("m2", "Welfare meeting", dt.datetime(2027, 6, 1, 14, 0, tzinfo=LONDON), 60, "Telephone call",
                      ("Bea Boss", "bea@example.org"), [], stamped=dt.datetime(2027, 5, 1))
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)
