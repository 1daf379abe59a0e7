"""Single sign-on end to end: the app's real Authlib client against a real OpenID Connect provider on 127.0.0.1
(oidc-provider-mock: its own signing keys and JWKS), the browser's part played by the Flask test client and an HTTP
client on the provider's sign-in page."""
from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from documents import User
from documents.organisation import Organisation
from tests.app.mail import free_port
from tests.conftest import PASSWORD, csrf_token
from tests.oidc_provider import CLIENT_ID, path_of, provider_app, running_provider

BASE_URL = "https://casebook.example.org"
NOT_SIGNED_IN = "Your organisation&#39;s sign-in did not complete, so you are not signed in."


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(app, monkeypatch, provider):
    """The app pointed at the provider for this test."""
    for name, value in {**provider.config(), "BASE_URL": BASE_URL}.items():
        monkeypatch.setitem(app.config, name, value)
    return provider


def start(client, provider=None, next_page: str | None = None) -> str:
    """Press "Sign in with your organisation account": the provider's address the browser is sent to."""
    answer = client.get("/login/sso" + (f"?next={next_page}" if next_page else ""))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return answer.headers["Location"]


def sign_in_by_sso(client, provider, subject: str):
    """The whole sign-in: start, sign in at the provider as `subject`, come back; the app's last answer."""
    back = provider.sign_in(start(client), subject)
    assert back.startswith(f"{BASE_URL}/login/sso/callback?")
    return client.get(path_of(back))


def without_password(user: User) -> User:
    """`user` as a login with no local password (the `make_user` factory always gives one)."""
    User.objects(pk=user.pk).update_one(unset__password_hash=True)
    return User.objects.get(pk=user.pk)


def signed_in(client) -> bool:
    return client.get("/account/notifications").status_code == 200


def test_the_sign_in_page_offers_the_organisation_account_only_when_configured(app, client, monkeypatch, provider):
    assert "Sign in with your organisation account" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").headers["Location"] == "/login"
    monkeypatch.setitem(app.config, "OIDC_ISSUER", provider.url)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "x")
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/sso"' in page and "Sign in with your organisation account" in page
    assert 'name="password"' in page        # passwords are still on


def test_the_provider_is_asked_for_a_code_with_pkce_state_and_nonce(client, sso):
    first, second = (parse_qs(urlsplit(start(client)).query) for _ in range(2))
    assert first["response_type"] == ["code"] and first["client_id"] == [CLIENT_ID]
    assert first["redirect_uri"] == [f"{BASE_URL}/login/sso/callback"]
    assert first["code_challenge_method"] == ["S256"] and len(first["code_challenge"][0]) == 43   # SHA-256, base64
    assert set(first["scope"][0].split()) == {"openid", "email", "profile"}
    for name in ("state", "nonce", "code_challenge"):      # fresh for every sign-in
        assert first[name] != second[name]


def test_the_code_challenge_is_the_sha_256_of_the_verifier_kept_for_the_token_request(client, sso):
    asked = parse_qs(urlsplit(start(client)).query)
    with client.session_transaction() as session:
        kept = session[f"_state_organisation_{asked['state'][0]}"]["data"]
    digest = hashlib.sha256(kept["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"][0]
    assert kept["nonce"] == asked["nonce"][0]


def test_a_login_made_from_the_hierarchy_becomes_active_at_its_first_sso_sign_in(client, sso, make_user):
    made = without_password(make_user("sam.lee@trust.example", ["manager"], assignment_number="A00001",
                                      active=False, awaiting_first_sign_in=True, made_from_hierarchy=True))
    sso.person("entra-sam", email="Sam.Lee@Trust.example", name="Sam Lee", groups=[])
    back = sso.sign_in(start(client, next_page="/account/notifications"), "entra-sam")
    answer = client.get(path_of(back))
    assert answer.status_code == 302 and answer.headers["Location"] == "/account/notifications"
    assert signed_in(client)
    user = User.objects.get(pk=made.pk)
    assert user.active and not user.awaiting_first_sign_in and user.oidc_subject == "entra-sam"
    assert user.roles == ["manager"] and user.password_hash is None
    entry = user.audit[-1]
    assert entry.actor == "single sign-on"
    assert entry.action == "single sign-on: linked to the organisation account, first sign-in"
    assert (entry.before["active"], entry.after["active"]) == (False, True)
    assert (entry.before["oidc_subject"], entry.after["oidc_subject"]) == (None, "entra-sam")


def test_roles_come_from_groups_at_every_sign_in_and_go_with_them(client, auth, sso, make_user):
    make_user("ann@trust.example", ["manager", "support"], assignment_number="A00002")
    sso.person("ann", email="ann@trust.example", groups=["casebook-admins", "casebook-hr-cc", "staff"])
    sign_in_by_sso(client, sso, "ann")
    user = User.objects.get(email="ann@trust.example")
    assert (user.roles, user.hr_divisions) == (["manager", "hr", "admin"], ["Community Care"])
    assert user.audit[-1].action == "single sign-on: linked to the organisation account, roles refreshed from groups"
    assert user.audit[-1].before["roles"] == ["manager", "support"]
    assert client.get("/admin/sign-in").status_code == 200         # admin, from the group

    auth.logout()
    sso.person("ann", email="ann@trust.example", groups=["casebook-hr-ac"])      # left the admins, moved division
    sign_in_by_sso(client, sso, "ann")
    user.reload()
    assert (user.roles, user.hr_divisions) == (["manager", "hr"], ["Acute Care"])
    assert user.audit[-1].action == "single sign-on: roles refreshed from groups"
    assert (user.audit[-1].before["hr_divisions"], user.audit[-1].after["hr_divisions"]) == (
        ["Community Care"], ["Acute Care"])
    assert client.get("/admin/sign-in").status_code == 403

    auth.logout()
    audited = len(user.audit)
    sign_in_by_sso(client, sso, "ann")          # nothing changed: nothing audited
    assert len(User.objects.get(pk=user.pk).audit) == audited


def test_an_unknown_person_whose_groups_give_a_role_gets_a_login(client, sso):
    sso.person("new-dpo", email="Dee.Po@trust.example", name="Dee Po", groups=["casebook-dpo"])
    assert sign_in_by_sso(client, sso, "new-dpo").status_code == 302
    assert signed_in(client)
    user = User.objects.get(email="dee.po@trust.example")
    assert (user.name, user.roles, user.oidc_subject, user.password_hash) == ("Dee Po", ["dpo"], "new-dpo", None)
    assert [(entry.actor, entry.action) for entry in user.audit] == [("single sign-on", "login made by single sign-on")]


@pytest.mark.parametrize("claims, message", [
    ({"email": "stranger@trust.example", "groups": ["staff"]}, "You have no Casebook login: ask your administrator."),
    ({"email": "stranger@trust.example"}, "did not say which groups you are in"),
])
def test_an_unknown_person_without_a_role_is_refused(client, sso, claims, message):
    sso.person("stranger", **claims)
    answer = sign_in_by_sso(client, sso, "stranger")
    assert answer.status_code == 403
    assert message in answer.get_data(as_text=True).replace("&#39;", "'")
    assert not signed_in(client) and User.objects.count() == 0


def test_a_switched_off_login_is_refused(client, sso, make_user):
    make_user("leaver@trust.example", ["hr"], active=False)
    sso.person("leaver", email="leaver@trust.example", groups=["casebook-hr"])
    answer = sign_in_by_sso(client, sso, "leaver")
    assert answer.status_code == 403
    assert "Your Casebook login is switched off: ask your administrator." in answer.get_data(as_text=True)
    assert not signed_in(client)
    assert User.objects.get(email="leaver@trust.example").oidc_subject is None


def test_a_login_linked_to_another_account_is_not_taken_by_its_address(client, sso, make_user):
    make_user("kim@trust.example", ["hr"], oidc_subject="kim-original")
    sso.person("kim-impostor", email="kim@trust.example", groups=["casebook-hr"])
    answer = sign_in_by_sso(client, sso, "kim-impostor")
    assert answer.status_code == 403 and "belongs to another organisation account" in answer.get_data(as_text=True)
    assert not signed_in(client)


def test_a_tampered_state_is_refused(client, sso, make_user):
    make_user("ann@trust.example", ["hr"])
    sso.person("ann", email="ann@trust.example", groups=["casebook-hr"])
    back = urlsplit(sso.sign_in(start(client), "ann"))
    query = parse_qs(back.query)
    query["state"] = ["x" + query["state"][0][1:]]
    answer = client.get(f"{back.path}?{urlencode(query, doseq=True)}")
    assert answer.status_code == 403 and NOT_SIGNED_IN in answer.get_data(as_text=True)
    assert not signed_in(client)


def test_an_id_token_carrying_another_sign_in_s_nonce_is_refused(client, sso, make_user):
    """Two sign-ins started in one browser: the provider is asked with the first one's state but the second one's
    nonce, so the ID token it signs does not carry the nonce Casebook keeps for that state."""
    make_user("ann@trust.example", ["hr"])
    sso.person("ann", email="ann@trust.example", groups=["casebook-hr"])
    first, second = start(client), start(client)
    asked = urlsplit(first)
    query = parse_qs(asked.query)
    query["nonce"] = parse_qs(urlsplit(second).query)["nonce"]
    back = sso.sign_in(f"{sso.url}{asked.path}?{urlencode(query, doseq=True)}", "ann")
    answer = client.get(path_of(back))
    assert answer.status_code == 403 and NOT_SIGNED_IN in answer.get_data(as_text=True)
    assert not signed_in(client)


def test_the_person_saying_no_at_the_provider_is_not_signed_in(client, sso):
    answer = client.get(path_of(sso.deny(start(client))))
    assert answer.status_code == 403 and NOT_SIGNED_IN in answer.get_data(as_text=True)


def elsewhere(path: str):
    """A provider whose answers to `path` name another issuer: it names itself after the host it is reached at,
    here "localhost" where Casebook was told "127.0.0.1" (a loopback name, or it would insist on https)."""
    def wrap(provider):
        def app(environ, start_response):
            if environ["PATH_INFO"] == path:
                environ = {**environ, "HTTP_HOST": environ["HTTP_HOST"].replace("127.0.0.1", "localhost")}
            return provider(environ, start_response)
        return app
    return wrap


def other_keys(provider):
    """A provider that publishes another provider's keys (JWKS): its own ID tokens' signatures then check against
    none of them."""
    impostor = provider_app()
    return lambda environ, start_response: (impostor if environ["PATH_INFO"] == "/jwks" else provider)(
        environ, start_response)


@pytest.mark.parametrize("misbehaving", [elsewhere("/oauth2/token"), other_keys],
                         ids=["an ID token from another issuer", "an ID token not signed with the published keys"])
def test_an_id_token_that_does_not_check_out_is_refused(app, client, monkeypatch, make_user, misbehaving):
    make_user("ann@trust.example", ["hr"])
    with running_provider(misbehaving) as other:
        for name, value in {**other.config(), "BASE_URL": BASE_URL}.items():
            monkeypatch.setitem(app.config, name, value)
        other.person("ann", email="ann@trust.example", groups=["casebook-hr"])
        answer = sign_in_by_sso(client, other, "ann")
    assert answer.status_code == 403 and NOT_SIGNED_IN in answer.get_data(as_text=True)
    assert not signed_in(client)


def test_a_provider_naming_another_issuer_is_not_used(app, client, monkeypatch):
    with running_provider(elsewhere("/.well-known/openid-configuration")) as other:
        for name, value in other.config().items():
            monkeypatch.setitem(app.config, name, value)
        answer = client.get("/login/sso")
    assert answer.status_code == 502
    assert "not the one Casebook is set up for" in answer.get_data(as_text=True)


def test_a_provider_that_cannot_be_reached_is_said_so(app, client, monkeypatch, provider):
    for name, value in provider.config(OIDC_ISSUER=f"http://127.0.0.1:{free_port()}").items():   # nobody there
        monkeypatch.setitem(app.config, name, value)
    answer = client.get("/login/sso")
    assert answer.status_code == 502
    assert "Casebook could not reach your organisation&#39;s sign-in." in answer.get_data(as_text=True)


def test_single_sign_on_is_limited_like_signing_in(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "2/minute")
    environ = {"REMOTE_ADDR": "10.0.7.7"}
    answers = [client.get("/login/sso", environ_base=environ).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    returns = [client.get("/login/sso/callback?code=x&state=y", environ_base=environ).status_code for _ in range(3)]
    assert returns == [403, 403, 429]           # each step counted on its own, as /login's attempts are


def change_sign_in(client, **form):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post("/admin/sign-in", data={"csrf_token": csrf_token(page), "version": _version(), **form})


def _version() -> int:
    saved = Organisation.current()
    return saved.version if saved else 0


def test_local_passwords_off_leaves_only_the_break_glass_login_a_password(app, client, auth, sso, make_user,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISATION_ADDRESS", "1 High Street;Townsville")
    make_user("glass@trust.example", ["admin"])
    make_user("hr@trust.example", ["hr"])
    auth.login("glass@trust.example")
    answer = change_sign_in(client, local_passwords="off", break_glass_email="glass@trust.example")
    assert answer.status_code == 302
    organisation = Organisation.current()
    assert organisation.local_passwords_off and organisation.break_glass_email == "glass@trust.example"
    assert organisation.address == ["1 High Street", "Townsville"]     # letters keep the configured details
    entry = organisation.audit[-1]
    assert (entry.actor, entry.action) == ("glass@trust.example", "local passwords turned off")
    assert (entry.before, entry.after) == ({"local_passwords": "on", "break_glass_login": None},
                                           {"local_passwords": "off", "break_glass_login": "glass@trust.example"})
    auth.logout()

    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with your organisation account" in page and 'name="password"' not in page
    assert 'href="/login?break_glass=1"' in page
    assert 'name="password"' in client.get("/login?break_glass=1").get_data(as_text=True)
    refused = auth.login("hr@trust.example")
    assert refused.status_code == 400
    assert "Sign in with your organisation account." in refused.get_data(as_text=True)
    assert not signed_in(client)
    assert auth.login("glass@trust.example").status_code == 302

    assert change_sign_in(client, local_passwords="on").status_code == 302
    auth.logout()
    assert auth.login("hr@trust.example").status_code == 302


@pytest.mark.parametrize("break_glass, message", [
    ("", "Choose the break-glass login"),
    ("hr@trust.example", "hr@trust.example is not an active administrator&#39;s login with a password"),
    ("sso-admin@trust.example", "sso-admin@trust.example is not an active administrator"),    # no password
    ("away@trust.example", "away@trust.example is not an active administrator"),              # switched off
])
def test_local_passwords_stay_on_without_a_working_break_glass_admin(client, auth, sso, make_user, break_glass,
                                                                      message):
    make_user("admin@trust.example", ["admin"])
    make_user("hr@trust.example", ["hr"])
    without_password(make_user("sso-admin@trust.example", ["admin"]))
    make_user("away@trust.example", ["admin"], active=False)
    auth.login("admin@trust.example")
    answer = change_sign_in(client, local_passwords="off", break_glass_email=break_glass)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert Organisation.current() is None


def test_local_passwords_stay_on_without_single_sign_on(client, auth, make_user):
    make_user("admin@trust.example", ["admin"])
    auth.login("admin@trust.example")
    answer = change_sign_in(client, local_passwords="off", break_glass_email="admin@trust.example")
    assert answer.status_code == 400
    assert "Single sign-on is not configured: local passwords stay on" in answer.get_data(as_text=True)
    assert Organisation.current() is None


def test_passwords_work_again_when_single_sign_on_is_no_longer_configured(app, client, auth, sso, make_user,
                                                                         monkeypatch):
    make_user("admin@trust.example", ["admin"])
    make_user("hr@trust.example", ["hr"])
    auth.login("admin@trust.example")
    change_sign_in(client, local_passwords="off", break_glass_email="admin@trust.example")
    auth.logout()
    assert auth.login("hr@trust.example").status_code == 400
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "")
    monkeypatch.setitem(app.config, "OIDC_ROLE_GROUPS", "")
    monkeypatch.setitem(app.config, "OIDC_HR_DIVISIONS", "")
    assert auth.login("hr@trust.example", PASSWORD).status_code == 302


@pytest.mark.parametrize("variable, value, words", [
    ("OIDC_ROLE_GROUPS", "hr=g;boss=g2", "OIDC_ROLE_GROUPS: 'boss' in boss=g2 is not a role groups give"),
    ("OIDC_ISSUER", "http://idp.example.org", "OIDC_ISSUER: 'http://idp.example.org' is not https"),
])
def test_a_malformed_setting_stops_the_app_with_its_reason(app, database_uri, variable, value, words):
    from app import create_app
    with pytest.raises(RuntimeError, match="README, Single sign-on") as raised:
        create_app({**app.config, "OIDC_ISSUER": "https://idp.example.org", "OIDC_CLIENT_ID": "c",
                    "OIDC_CLIENT_SECRET": "s", variable: value})
    assert words in str(raised.value)


def test_with_local_passwords_off_no_password_is_chosen_but_the_break_glass_one(app, client, auth, sso, make_user,
                                                                                 inbox):
    """A password chosen while passwords are off could not be used: "Forgot your password?" mails nobody but the
    break-glass login, and a set-password link for anyone else says to use the organisation account."""
    from services import accounts
    make_user("glass@trust.example", ["admin"])
    make_user("hr@trust.example", ["hr"])
    auth.login("glass@trust.example")
    assert change_sign_in(client, local_passwords="off", break_glass_email="glass@trust.example").status_code == 302
    auth.logout()

    assert 'href="/password/forgot"' not in client.get("/login").get_data(as_text=True)
    for email in ("hr@trust.example", "glass@trust.example"):
        page = client.get("/password/forgot").get_data(as_text=True)
        answer = client.post("/password/forgot", data={"csrf_token": csrf_token(page), "email": email})
        assert answer.status_code == 200
        answer.close()       # the mail is sent once the answer has gone
    assert [recipients for recipients, _ in inbox.messages] == [["glass@trust.example"]]

    _, url = accounts.password_link("hr@trust.example", "set", "glass@trust.example", BASE_URL)
    gone = client.get(urlsplit(url).path)
    assert gone.status_code == 410 and "Sign in with your organisation account." in gone.get_data(as_text=True)
