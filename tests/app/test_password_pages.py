"""Passwords through the pages (issue 17, point 5): the set-password link's page, "Forgot your password?" (the same
answer for any address, mail only to a login with a password), changing one's own password; each change ends the
login's other sessions."""
from __future__ import annotations

import datetime as dt
import html
import re
import urllib.parse

import pytest

from documents import PasswordLink, User
from documents.base import utcnow
from services import accounts
from tests.app.conftest import Auth
from tests.conftest import PASSWORD, csrf_token

CHOSEN = "plum kettle orbit lantern"
SENT = "is the address of a Casebook login with a password, an e-mail with a link"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def link_path(app, email: str, purpose: str = "set") -> str:
    _, url = accounts.password_link(email, purpose, "admin@example.org", app.config["BASE_URL"])
    return urllib.parse.urlsplit(url).path


def send(client, path: str, **fields):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={**fields, "csrf_token": token})


def signed_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    assert Auth(client).login(email, password).status_code == 302
    return client


def still_signed_in(client) -> bool:
    return client.get("/account/notifications").status_code == 200


@pytest.fixture
def hr(make_user):
    return make_user("priya.shah@example.org", ["hr"], name="Priya Shah")


# The page a link opens

def test_a_link_opens_a_form_that_refuses_beside_the_field_then_sets_the_password_once(app, client, hr):
    path = link_path(app, hr.email)
    other_browser = signed_in(app, hr.email)
    page = client.get(path)
    assert page.status_code == 200 and "For the Casebook login <strong>priya.shah@example.org</strong>" in text(page)
    assert 'autocomplete="new-password"' in text(page)

    differ = send(client, path, password=CHOSEN, confirm=CHOSEN + "s")
    assert differ.status_code == 400 and 'id="confirm-error"' in text(differ)
    assert "The two passwords are not the same." in text(differ)
    weak = send(client, path, password="iloveyou2024", confirm="iloveyou2024")
    assert weak.status_code == 400 and 'id="password-error"' in text(weak)
    assert "This password is too easy to guess. This is similar to a commonly used password." in text(weak)
    own = send(client, path, password="shah river gate", confirm="shah river gate")
    assert "Choose a password without your name or e-mail address in it." in text(own)
    assert still_signed_in(other_browser)                          # nothing chosen yet: nothing ended

    chosen = send(client, path, password=CHOSEN, confirm=CHOSEN)
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login"
    assert "Your password is set. Sign in with it." in text(client.get("/login"))
    assert not still_signed_in(other_browser)                      # every session of the login ended
    assert Auth(client).login(hr.email, PASSWORD).status_code == 400
    assert Auth(client).login(hr.email, CHOSEN).status_code == 302
    assert User.objects.get(pk=hr.pk).audit[-1].action == "password chosen"

    used = app.test_client().get(path)
    assert used.status_code == 410
    assert "This link has expired or has been used. Ask for a new one." in text(used)
    assert 'href="/password/forgot">Forgot your password?</a>' in text(used)
    visitor = app.test_client()
    token = csrf_token(visitor.get("/login").get_data(as_text=True))
    assert visitor.post(path, data={"password": "another long phrase here", "confirm": "another long phrase here",
                                    "csrf_token": token}).status_code == 410


def test_an_expired_link_offers_forgot_your_password(app, client, hr):
    path = link_path(app, hr.email, "reset")
    PasswordLink.objects(user=hr.pk).update(set__expires_at=utcnow() - dt.timedelta(seconds=1))
    gone = client.get(path)
    assert gone.status_code == 410 and "Forgot your password?" in text(gone)
    assert client.get("/password/not-a-link-at-all").status_code == 410


def test_a_login_awaiting_its_first_sign_in_is_active_once_it_chooses(app, client, make_user):
    make_user("new.manager@example.org", ["hr"], active=False, awaiting_first_sign_in=True)
    assert send(client, link_path(app, "new.manager@example.org"), password=CHOSEN, confirm=CHOSEN
                ).status_code == 302
    assert User.objects.get(email="new.manager@example.org").active
    assert Auth(client).login("new.manager@example.org", CHOSEN).status_code == 302


# Forgot your password?

def forgot(client, email: str):
    """Ask for a link for `email`: the answer, after it has gone (the mail is sent once it has)."""
    answer = send(client, "/password/forgot", email=email)
    body = text(answer)
    answer.close()
    return answer.status_code, body


def same_page(body: str, email: str) -> str:
    """The page without the address it names and its CSRF token (new on each page)."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body.replace(email, "ADDRESS"))


def test_the_sign_in_page_offers_forgot_your_password(client):
    assert 'href="/password/forgot">Forgot your password?</a>' in text(client.get("/login"))


def test_forgot_answers_the_same_for_any_address_and_mails_only_a_login_with_a_password(
        app, client, inbox, hr, make_user):
    make_user("leaver@example.org", ["hr"], active=False)
    make_user("sso.only@example.org", ["hr"])
    User.objects(email="sso.only@example.org").update(unset__password_hash=True)
    answers = {email: forgot(client, email) for email in (
        "nobody@example.org", "leaver@example.org", "sso.only@example.org", "Priya.Shah@example.org")}
    for email, (status, body) in answers.items():
        assert status == 200 and f"If <strong>{email}</strong> {SENT}" in body
        assert same_page(body, email) == same_page(answers["nobody@example.org"][1], "nobody@example.org")
    assert [recipients for recipients, _ in inbox.messages] == [["priya.shah@example.org"]]
    body = inbox.to("priya.shah@example.org")[0].get_body(("plain",)).get_content()
    assert "Someone asked to reset the password" in body and "works once, for 1 hour." in body
    link = PasswordLink.objects.get(user=hr.pk)
    assert link.purpose == "reset" and link.expires_at - link.created_at == dt.timedelta(hours=1)

    path = urllib.parse.urlsplit(next(word for word in body.split() if "/password/" in word)).path
    assert send(client, path, password=CHOSEN, confirm=CHOSEN).status_code == 302
    assert Auth(client).login(hr.email, CHOSEN).status_code == 302


def test_forgot_asks_for_an_address(client, inbox):
    status, body = forgot(client, "")
    assert status == 400 and "Enter your email address." in body
    assert inbox.messages == []


def test_forgot_is_limited_like_signing_in(app, client, monkeypatch, inbox):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "2/minute")
    address = {"REMOTE_ADDR": "10.0.7.7"}
    token = csrf_token(client.get("/password/forgot", environ_base=address).get_data(as_text=True))
    statuses = [client.post("/password/forgot", data={"email": f"guess{n}@example.org", "csrf_token": token},
                            environ_base=address).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


# Changing one's own password

def test_changing_the_password_needs_the_current_one_and_ends_only_the_other_sessions(app, hr):
    this, other = signed_in(app, hr.email), signed_in(app, hr.email)
    page = this.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in text(page)
    assert 'href="/account/password"' in text(page)                      # the header's link

    wrong = send(this, "/account/password", current_password="not my password", password=CHOSEN, confirm=CHOSEN)
    assert wrong.status_code == 400 and 'id="current_password-error"' in text(wrong)
    assert "Your current password is not right." in text(wrong)
    weak = send(this, "/account/password", current_password=PASSWORD, password="password1234",
                confirm="password1234")
    assert weak.status_code == 400 and "This is a very common password." in text(weak)
    assert still_signed_in(other)

    done = send(this, "/account/password", current_password=PASSWORD, password=CHOSEN, confirm=CHOSEN)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = text(this.get("/", follow_redirects=True))
    assert "Your password is changed. Any other session of yours has ended." in home
    assert still_signed_in(this) and not still_signed_in(other)
    user = User.objects.get(pk=hr.pk)
    assert user.check_password(CHOSEN) and user.session_generation == 1
    assert (user.audit[-1].action, user.audit[-1].actor) == ("password changed", hr.email)
    assert Auth(app.test_client()).login(hr.email, PASSWORD).status_code == 400


def test_guessing_the_current_password_is_slowed_as_signing_in_is(app, hr):
    this = signed_in(app, hr.email)
    for _ in range(3):
        send(this, "/account/password", current_password="a wrong guess", password=CHOSEN, confirm=CHOSEN)
    slowed = send(this, "/account/password", current_password=PASSWORD, password=CHOSEN, confirm=CHOSEN)
    assert slowed.status_code == 400 and "Too many failed attempts. Wait" in text(slowed)
    assert not User.objects.get(pk=hr.pk).check_password(CHOSEN)


def test_a_login_without_a_password_is_told_where_to_change_it(app, make_user, hr):
    client = signed_in(app, hr.email)
    User.objects(pk=hr.pk).update(unset__password_hash=True)
    page = text(client.get("/account/password"))
    assert "Your login has no Casebook password" in page and 'href="/account/password"' not in page


def test_forgot_looks_the_address_up_only_after_answering(client, inbox, hr):
    """Nothing that depends on the address is done before the answer has gone, so its time cannot tell."""
    answer = send(client, "/password/forgot", email=hr.email)
    assert answer.status_code == 200
    assert PasswordLink.objects.count() == 0 and inbox.messages == []
    answer.close()
    assert PasswordLink.objects.count() == 1 and len(inbox.to(hr.email)) == 1


def test_asking_again_within_five_minutes_mails_no_second_link(client, inbox, hr):
    """Someone else asking many times for one address cannot flood its inbox; the first link still works."""
    for _ in range(3):
        assert forgot(client, hr.email)[0] == 200
    assert len(inbox.to(hr.email)) == 1 and PasswordLink.objects(user=hr.pk, used_at=None).count() == 1
    PasswordLink.objects(user=hr.pk).update(set__created_at=utcnow() - dt.timedelta(minutes=5, seconds=1))
    forgot(client, hr.email)
    assert len(inbox.to(hr.email)) == 2
