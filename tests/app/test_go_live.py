"""Issue 17's "done when", walked as a new organisation would: outside demo mode, on an empty database, the first
administrator is made on the command line and signs in through the link it prints; the hierarchy is loaded and
the supervisors' logins are made, awaiting their first sign-in; a manager signs in with their organisation
account against a real local OpenID Connect provider; the next import switches a leaver's login off."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest

from documents import Employee, User
from tests.app.conftest import Auth
from tests.app.test_absence_import import finished
from tests.app.test_hierarchy_import import feed, new_row
from tests.conftest import csrf_token
from tests.oidc_provider import path_of, running_provider

BASE_URL = "https://casebook.trust.example.org"
ADMIN = "ada.admin@trust.example.org"
FIRST_PASSWORD = "marmalade kettle lighthouse orbit"


@pytest.fixture
def provider(app, monkeypatch):
    with running_provider() as running:
        for name, value in {**running.config(), "BASE_URL": BASE_URL, "DEMO_MODE": False}.items():
            monkeypatch.setitem(app.config, name, value)
        yield running


def staff_file(leaver: str | None = None) -> bytes:
    """A director, two team leaders below her and two people below each (every one with an e-mail address);
    `leaver` left on 20 November 2026."""
    rows = [new_row("D001", "", "Dana", "Director"), new_row("T001", "D001", "Tariq", "Lead"),
            new_row("T002", "D001", "Uma", "Lead")]
    rows += [new_row(f"S{lead}{n}", f"T00{lead}", f"Sam{lead}{n}", "Staff") for lead in (1, 2) for n in (1, 2)]
    for row in rows:
        row["start_date"] = "2020-01-06"
        row["email"] = f"{row['first_name'].lower()}.{row['last_name'].lower()}@trust.example.org"
        if row["assignment_number"] == leaver:
            row["end_date"] = "2026-11-20"
    return feed(rows).encode()


def imported(client, content: bytes) -> None:
    """Upload the staff file on its page, check it, and apply it."""
    token = csrf_token(client.get("/imports/employees").get_data(as_text=True))
    checked = client.post("/imports/employees", data={"csrf_token": token, "file": (io.BytesIO(content),
                                                                                     "staff.csv")},
                          content_type="multipart/form-data")
    job = finished(checked.headers["Location"].rsplit("/", 1)[1])
    assert job.status == "checked", job.status
    page = client.get(f"/imports/{job.pk}").get_data(as_text=True)
    client.post(f"/imports/{job.pk}/apply", data={"csrf_token": csrf_token(page)})
    assert finished(job.pk).status == "applied"


def test_a_new_organisation_goes_from_the_first_admin_to_manager_logins_single_sign_on_and_a_leaver(app, provider):
    assert User.objects.count() == Employee.objects.count() == 0           # not a demo: nobody, nothing

    # 1. The first administrator, from the command line: a one-time link to choose the password.
    made = app.test_cli_runner().invoke(args=["users", "create", ADMIN, "--name", "Ada Admin", "--role", "admin"])
    assert made.exit_code == 0, made.output
    link = made.output.strip().splitlines()[-1]
    assert link.startswith(f"{BASE_URL}/password/")
    admin = Auth(app.test_client())
    page = admin.client.get(urlsplit(link).path).get_data(as_text=True)
    chosen = admin.client.post(urlsplit(link).path, data={"csrf_token": csrf_token(page), "password": FIRST_PASSWORD,
                                                           "confirm": FIRST_PASSWORD})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login"
    assert admin.login(ADMIN, FIRST_PASSWORD).status_code == 302
    assert admin.client.get("/admin/users").status_code == 200

    # 2. The hierarchy is loaded: the three supervisors in post get manager logins, awaiting their first sign-in.
    imported(admin.client, staff_file())
    users = admin.client.get("/admin/users?state=awaiting").get_data(as_text=True)
    for name in ("Dana Director", "Tariq Lead", "Uma Lead"):
        assert name in users
    tariq = User.objects.get(email="tariq.lead@trust.example.org")
    assert (tariq.roles, tariq.assignment_number, tariq.active, tariq.awaiting_first_sign_in) == (
        ["manager"], "T001", False, True)
    assert User.objects(made_from_hierarchy=True).count() == 3

    # 3. Tariq signs in with his organisation account at the provider: his login is active, his team his own.
    provider.person("tariq-sub", email=tariq.email, name="Tariq Lead", groups=[])
    manager = Auth(app.test_client())
    start = manager.client.get("/login/sso")
    back = provider.sign_in(start.headers["Location"], "tariq-sub")
    assert manager.client.get(path_of(back)).status_code == 302
    team = manager.client.get("/team").get_data(as_text=True)
    assert "Sam11 Staff" in team and "Sam21 Staff" not in team
    tariq.reload()
    assert tariq.active and not tariq.awaiting_first_sign_in and tariq.oidc_subject == "tariq-sub"

    # 4. Tariq leaves: the next import switches his login off, and his session ends at once.
    imported(admin.client, staff_file(leaver="T001"))
    tariq.reload()
    assert not tariq.active and tariq.audit[-1].action == "switched off by the hierarchy import"
    assert manager.client.get("/team").status_code == 302
    refused = manager.client.get(path_of(provider.sign_in(manager.client.get("/login/sso").headers["Location"],
                                                          "tariq-sub")))
    assert refused.status_code == 403 and "switched off" in refused.get_data(as_text=True)
