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


def test_a_changed_and_a_cancelled_meeting_keep_the_uid_with_a_higher_sequence():
    """RFC 5546: an update is a REQUEST, a cancellation a CANCEL with STATUS:CANCELLED, both with the event's UID
    and a higher SEQUENCE, so calendars update or remove the event they hold."""
    def event_of(sequence: int, cancelled: bool):
        data = invitation("m3", "3rd formal absence review meeting", dt.datetime(2026, 12, 14, 10, 0, tzinfo=LONDON),
                          60, "Room 2", ("Bea Boss", "bea@example.org"), [("Wes Worker", "wes@example.org")],
                          stamped=dt.datetime(2026, 12, 2, 9, 0), sequence=sequence, cancelled=cancelled)
        calendar = Calendar.from_ical(data)
        [event] = calendar.walk("VEVENT")
        return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), str(event["status"])

    assert event_of(0, False) == ("REQUEST", "m3@casebook", 0, "CONFIRMED")
    assert event_of(1, False) == ("REQUEST", "m3@casebook", 1, "CONFIRMED")
    assert event_of(2, True) == ("CANCEL", "m3@casebook", 2, "CANCELLED")
