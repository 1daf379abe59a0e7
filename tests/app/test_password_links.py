"""Set-password links (issue 17): made for a login, working once, until they expire, only the newest."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import PasswordLink, User
from services import accounts
from services.errors import Refused

BASE = "https://casebook.example.org"
NEW_PASSWORD = "a long and unusual passphrase"


def _secret(url: str) -> str:
    assert url.startswith(f"{BASE}/password/")
    return url.rsplit("/", 1)[1]


def test_a_link_sets_the_password_once_and_ends_the_wait_for_a_first_sign_in(make_user):
    made = make_user("new.manager@example.org", ["hr"], active=False, awaiting_first_sign_in=True)
    user, url = accounts.password_link("New.Manager@example.org", "set", "admin@example.org", BASE)
    link = PasswordLink.objects.get(user=made.pk)
    assert user.pk == made.pk and _secret(url) not in link.secret_hash
    assert link.expires_at - link.created_at == dt.timedelta(hours=24)

    chosen = accounts.set_password_by_link(_secret(url), NEW_PASSWORD)
    assert chosen.active and not chosen.awaiting_first_sign_in and chosen.check_password(NEW_PASSWORD)
    assert chosen.session_generation == made.session_generation + 1
    assert chosen.audit[-1].action == "password chosen"
    assert chosen.audit[-1].before["active"] is False and chosen.audit[-1].after["active"] is True

    with pytest.raises(Refused, match="expired or has been used"):
        accounts.set_password_by_link(_secret(url), "another long passphrase")


def test_only_the_newest_link_works_and_an_expired_one_does_not(make_user):
    make_user("hr.advisor@example.org", ["hr"])
    _, first = accounts.password_link("hr.advisor@example.org", "reset", "hr.advisor@example.org", BASE)
    _, second = accounts.password_link("hr.advisor@example.org", "reset", "hr.advisor@example.org", BASE)
    live = PasswordLink.objects.get(used_at=None)
    assert live.expires_at - live.created_at == dt.timedelta(hours=1)
    with pytest.raises(Refused):
        accounts.linked_login(_secret(first))
    PasswordLink.objects(used_at=None).update(set__expires_at=live.created_at)     # expired the moment it was made
    with pytest.raises(Refused):
        accounts.set_password_by_link(_secret(second), NEW_PASSWORD)
    assert not User.objects.get(email="hr.advisor@example.org").check_password(NEW_PASSWORD)


def test_a_short_password_is_refused_and_the_link_still_works(make_user):
    make_user("support.officer@example.org", ["support"])
    _, url = accounts.password_link("support.officer@example.org", "set", "admin@example.org", BASE)
    with pytest.raises(Refused, match="at least 12 characters"):
        accounts.set_password_by_link(_secret(url), "too short")
    assert accounts.set_password_by_link(_secret(url), NEW_PASSWORD).check_password(NEW_PASSWORD)


def test_no_link_for_a_switched_off_login(make_user):
    make_user("leaver@example.org", ["hr"], active=False)
    with pytest.raises(Refused, match="switched off"):
        accounts.password_link("leaver@example.org", "set", "admin@example.org", BASE)
    assert PasswordLink.objects.count() == 0


def test_the_link_is_mailed_and_the_log_never_keeps_it(make_user, inbox, app):
    from services.mail import MailSettings
    make_user("new.hr@example.org", ["hr"], name="Priya Shah")
    notification = accounts.send_link("new.hr@example.org", "set", "admin@example.org",
                                      MailSettings.from_config(app.config))
    assert notification.status == "sent" and notification.message is None
    [message] = inbox.to("new.hr@example.org")
    body = message.get_body(("plain",)).get_content()
    assert "Hello Priya Shah" in body and "works once, for 24 hours" in body
    secret = body.split("/password/", 1)[1].split()[0]
    assert accounts.linked_login(secret).email == "new.hr@example.org"
