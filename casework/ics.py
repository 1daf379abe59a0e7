"""A meeting invitation (or its cancellation) as an iCalendar (.ics) file, for download and as the invitation
e-mail's attachment."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from casework.plain_text import mailable, one_line

if TYPE_CHECKING:
    from icalendar import vCalAddress


def invitation(uid: str, title: str, starts: dt.datetime, minutes: int, place: str, organiser: tuple[str, str],
               attendees: list[tuple[str, str]], stamped: dt.datetime, description: str = "",
               sequence: int = 0, cancelled: bool = False) -> bytes:
    """An iCalendar REQUEST for one meeting. `starts` is the local time in the organisation's time zone (aware);
    people are (name, email) pairs; `stamped` is when the invitation is made (UTC). `sequence` goes up each time
    the meeting moves or changes, so calendars update the event they already hold; a `cancelled` meeting is a
    CANCEL (same UID, STATUS:CANCELLED) that removes it from their calendars. A person whose address no mail server
    can be given is left out; names are made one line."""
    # icalendar (0.2 s) is imported when an invitation is made, not by every command that starts the app.
    from icalendar import Calendar, Event
    calendar = Calendar()
    calendar.add("prodid", "-//Casebook//Sickness absence case meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{uid}@casebook")
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("dtstamp", stamped.replace(microsecond=0, tzinfo=dt.timezone.utc))
    event.add("dtstart", starts)
    event.add("dtend", starts + dt.timedelta(minutes=minutes))
    event.add("summary", title)
    event.add("location", place)
    if description:
        event.add("description", description)
    if mailable(organiser[1]):
        event.add("organizer", _address(*organiser, role="CHAIR"))
    for name, email in attendees:
        if mailable(email):
            event.add("attendee", _address(name, email, role="REQ-PARTICIPANT"), encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _address(name: str, email: str, role: str) -> vCalAddress:
    from icalendar import vCalAddress, vText
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(one_line(name))
    address.params["role"] = vText(role)
    return address
