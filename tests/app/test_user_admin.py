"""The Users page (issue 17, point 2): an administrator finds, makes and keeps logins, each change audited."""
from __future__ import annotations

import re

import pytest

from documents import User
from services import user_admin
from tests.app.conftest import Auth
from tests.app.test_hierarchy_import import open_case
from tests.conftest import csrf_token

ADMIN = "ada.admin@trust.example"


@pytest.fixture
def admin(auth, make_user):
    make_user(ADMIN, ["admin"], name="Ada Admin")
    assert auth.login(ADMIN).status_code == 302
    return auth.client


def token(client, url: str) -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def post(client, url: str, data: dict, page: str | None = None):
    return client.post(url, data={"csrf_token": token(client, page or url), **data})


def page_of(user: User) -> str:
    return f"/admin/users/{user.pk}"


def test_only_administrators_reach_the_users_page(auth, make_user):
    make_user("hr@trust.example", ["hr"], hr_divisions=["Acute"])
    auth.login("hr@trust.example")
    assert auth.client.get("/admin/users").status_code == 403


def test_the_list_searches_by_the_start_of_a_word_role_division_and_state(admin, make_user, make_employee):
    make_employee(assignment_number="M100", first_name="Isabella", last_name="Cook", division="Acute")
    make_user("i.cook@trust.example", ["manager"], name="Isabella Cook", assignment_number="M100")
    make_user("hr.one@trust.example", ["hr"], name="Harriet Rowe", hr_divisions=["Acute"])
    make_user("new.one@trust.example", ["support"], name="Nora Newby", active=False, awaiting_first_sign_in=True)

    def names(query: str) -> list[str]:
        page = admin.get(f"/admin/users?{query}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "<html" not in page
        return re.findall(r'/admin/users/[0-9a-f]{24}">([^<]+)<', page)

    assert names("q=cook") == ["Isabella Cook"]
    assert names("q=isabella+c") == ["Isabella Cook"]
    assert names("q=i.cook%40") == ["Isabella Cook"]
    assert names("q=ook") == []                     # the start of a word, not any part
    assert names("role=hr") == ["Harriet Rowe"]
    assert names("division=Acute") == ["Harriet Rowe"]
    assert names("state=awaiting") == ["Nora Newby"]
    assert names("") == ["Ada Admin", "Harriet Rowe", "Isabella Cook", "Nora Newby"]
    whole = admin.get("/admin/users?q=cook").get_data(as_text=True)
    assert "M100 (Isabella Cook)" in whole and "Active" in whole


def test_making_a_login_leaves_it_awaiting_its_first_sign_in_then_a_link_is_sent(admin, make_employee, inbox):
    make_employee(assignment_number="M200", first_name="Marta", last_name="Lind", division="Acute")
    answer = post(admin, "/admin/users/new", {"name": "Marta Lind", "email": "Marta.Lind@trust.example",
                                               "roles": ["manager", "hr"], "hr_divisions": ["Acute"],
                                               "assignment_number": "M200", "may_dismiss": "y"})
    assert answer.status_code == 302
    user = User.objects.get(email="marta.lind@trust.example")
    assert answer.headers["Location"].endswith(page_of(user))
    assert (user.password_hash, user.active, user.awaiting_first_sign_in) == (None, False, True)
    assert (sorted(user.roles), user.hr_divisions, user.assignment_number, user.may_dismiss) == (
        ["hr", "manager"], ["Acute"], "M200", True)
    assert user.audit[0].actor == ADMIN and user.audit[0].action == "login created"

    sent = post(admin, f"{page_of(user)}/link", {"version": user.version}, page_of(user))
    assert sent.status_code == 302
    shown = admin.get(page_of(user)).get_data(as_text=True)
    assert "the mail server took it" in shown and "Awaiting first sign-in" in shown
    assert [message["Subject"] for message in inbox.to("marta.lind@trust.example")] == [
        "Casebook: choose your password"]


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "email": "x@trust.example", "roles": ["hr"]}, "name", "Enter the person&#39;s name."),
    ({"name": "X", "email": "not-an-address", "roles": ["hr"]}, "email", "Enter an e-mail address"),
    ({"name": "X", "email": "x@trust.example"}, "roles", "Choose at least one role."),
    ({"name": "X", "email": "x@trust.example", "roles": ["hr"], "hr_divisions": ["Nowhere"]}, "hr_divisions",
     "The hierarchy has no division Nowhere"),
    ({"name": "X", "email": "x@trust.example", "roles": ["manager"]}, "assignment_number",
     "A manager needs their assignment number."),
    ({"name": "X", "email": "x@trust.example", "roles": ["manager"], "assignment_number": "Z999"},
     "assignment_number", "No employee has the assignment number Z999."),
    ({"name": "X", "email": ADMIN, "roles": ["hr"]}, "email", f"A login for {ADMIN} already exists."),
])
def test_a_bad_new_login_is_refused_beside_its_field_and_nothing_is_made(admin, make_employee, data, field,
                                                                          message):
    make_employee(assignment_number="M300", division="Acute")
    answer = post(admin, "/admin/users/new", data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert re.search(rf'id="{field}-error">.*{re.escape(message)}', page), page[-3000:]
    assert User.objects.count() == 1


def test_roles_and_divisions_are_set_audited_and_a_stale_edit_refused(admin, make_user, make_employee):
    make_employee(assignment_number="E1", division="Acute")
    make_employee(assignment_number="E2", division="Community")
    user = make_user("hr.two@trust.example", ["hr"], hr_divisions=["Acute"])
    answer = post(admin, f"{page_of(user)}/access", {"version": user.version, "roles": ["hr", "support"],
                                                     "hr_divisions": ["Acute", "Community"]}, page_of(user))
    assert answer.status_code == 302
    user.reload()
    assert (user.roles, user.hr_divisions, user.session_generation) == (["hr", "support"], ["Acute", "Community"], 1)
    entry = user.audit[-1]
    assert (entry.actor, entry.action, entry.before["roles"], entry.after["roles"]) == (
        ADMIN, "roles changed", ["hr"], ["hr", "support"])
    history = admin.get(page_of(user)).get_data(as_text=True)
    assert f"Ada Admin ({ADMIN})" in history and "roles changed" in history

    stale = post(admin, f"{page_of(user)}/access", {"version": user.version - 1, "roles": ["hr"]}, page_of(user))
    assert stale.status_code == 400 and "Someone else changed this record" in stale.get_data(as_text=True)
    assert User.objects.get(pk=user.pk).roles == ["hr", "support"]


def test_an_assignment_is_linked_only_when_known_and_free(admin, make_user, make_employee):
    make_employee(assignment_number="M400", first_name="Omar", last_name="Said")
    make_employee(assignment_number="M401", first_name="Pia", last_name="Ng")
    make_user("omar@trust.example", ["manager"], assignment_number="M400")
    user = make_user("pia@trust.example", ["hr"])

    def link(number: str):
        return post(admin, f"{page_of(user)}/assignment", {"version": User.objects.get(pk=user.pk).version,
                                                           "assignment_number": number}, page_of(user))

    taken = link("M400")
    assert taken.status_code == 400
    assert "M400 (Omar Said) is already linked to the login omar@trust.example." in taken.get_data(as_text=True)
    assert "No employee has the assignment number Q1." in link("Q1").get_data(as_text=True)
    assert User.objects.get(pk=user.pk).assignment_number is None
    assert link("M401").status_code == 302
    linked = User.objects.get(pk=user.pk)
    assert linked.assignment_number == "M401" and linked.audit[-1].action == "assignment linked"
    assert "M401 (Pia Ng)" in admin.get(page_of(user)).get_data(as_text=True)


def test_the_authority_to_dismiss_is_given_and_taken_away(admin, make_user):
    user = make_user("hr.three@trust.example", ["hr"])
    post(admin, f"{page_of(user)}/authority", {"version": user.version, "may_dismiss": "y"}, page_of(user))
    assert User.objects.get(pk=user.pk).may_dismiss
    post(admin, f"{page_of(user)}/authority", {"version": user.version + 1}, page_of(user))
    user.reload()
    assert not user.may_dismiss and user.audit[-1].action == "authority to dismiss taken away"


def test_switching_a_login_off_ends_its_session_at_once_and_strands_its_tasks(app, admin, make_user,
                                                                                make_employee):
    boss = make_employee(assignment_number="M500", division="Acute")
    worker = make_employee(assignment_number="W500", division="Acute", supervisor_assignment_number="M500")
    user = make_user("mo.manager@trust.example", ["manager"], assignment_number=boss.assignment_number)
    open_case(worker, ("Hold the meeting", user.email))
    second = Auth(app.test_client())
    second.login(user.email)
    assert second.client.get("/tasks").status_code == 200

    answer = post(admin, f"{page_of(user)}/off", {"version": user.version}, page_of(user))
    assert answer.status_code == 302
    assert second.client.get("/tasks").status_code == 302          # its session ended: back to sign in
    user.reload()
    assert not user.active and user.audit[-1].action == "login switched off"
    health = admin.get("/hierarchy").get_data(as_text=True)
    assert "Hold the meeting" in health and "Login switched off" in health

    post(admin, f"{page_of(user)}/on", {"version": user.version}, page_of(user))
    assert User.objects.get(pk=user.pk).active


def test_the_last_active_administrator_keeps_the_role_and_stays_on(admin, make_user):
    me = User.objects.get(email=ADMIN)
    removed = post(admin, f"{page_of(me)}/access", {"version": me.version, "roles": ["hr"]}, page_of(me))
    assert removed.status_code == 400
    assert f"{ADMIN} is the last active administrator: make another administrator first." in removed.get_data(
        as_text=True)
    off = post(admin, f"{page_of(me)}/off", {"version": me.version}, page_of(me))
    assert off.status_code == 302
    me.reload()
    assert me.active and me.roles == ["admin"]
    assert "last active administrator" in admin.get(page_of(me)).get_data(as_text=True)

    make_user("second.admin@trust.example", ["admin"])
    assert post(admin, f"{page_of(me)}/access", {"version": me.version, "roles": ["admin", "hr"]},
                page_of(me)).status_code == 302


def test_links_go_in_bulk_to_every_login_awaiting_its_first_sign_in(admin, make_user, make_employee, inbox):
    make_employee(assignment_number="A1", division="Acute")
    make_employee(assignment_number="C1", division="Community")
    make_user("acute.manager@trust.example", ["manager"], assignment_number="A1", active=False,
              awaiting_first_sign_in=True)
    make_user("community.manager@trust.example", ["manager"], assignment_number="C1", active=False,
              awaiting_first_sign_in=True)
    make_user("acute.hr@trust.example", ["hr"], hr_divisions=["Acute"], active=False, awaiting_first_sign_in=True)
    make_user("working@trust.example", ["hr"], hr_divisions=["Acute"])

    unconfirmed = post(admin, "/admin/users/links", {"division": "Acute"})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.get_data(as_text=True)
    assert inbox.messages == []

    answer = post(admin, "/admin/users/links", {"division": "Acute", "confirm": "y"})
    assert answer.status_code == 302
    assert "2 links sent." in admin.get("/admin/users/links").get_data(as_text=True)
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        "acute.hr@trust.example", "acute.manager@trust.example"]

    post(admin, "/admin/users/links", {"division": "", "confirm": "y"})
    assert "1 link sent; 2 passed over: the link they were sent still works." in admin.get(
        "/admin/users/links").get_data(as_text=True)
    assert len(inbox.messages) == 3       # the 2 before, then the 1 whose first link this is


def test_links_in_bulk_stop_at_the_most_and_the_next_sending_goes_on(admin, make_user, monkeypatch, inbox):
    monkeypatch.setattr(user_admin, "MOST_LINKS", 2)
    monkeypatch.setattr(user_admin, "BATCH", 2)       # 3 batches of 2 (then an empty one): paged by id
    for number in range(5):
        make_user(f"waiting{number}@trust.example", ["support"], active=False, awaiting_first_sign_in=True)
    post(admin, "/admin/users/links", {"confirm": "y"})
    assert "2 links sent; 3 more wait: send again." in admin.get("/admin/users/links").get_data(as_text=True)
    post(admin, "/admin/users/links", {"confirm": "y"})
    post(admin, "/admin/users/links", {"confirm": "y"})
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        f"waiting{number}@trust.example" for number in range(5)]     # 2 + 2 + 1, each once



def test_a_button_sent_from_an_expired_page_changes_nothing(admin, make_user):
    user = make_user("kept.on@trust.example", ["hr"])
    answer = admin.post(f"{page_of(user)}/off", data={"csrf_token": "expired", "version": user.version})
    assert answer.status_code == 400 and User.objects.get(pk=user.pk).active


def test_the_list_counts_so_far_and_says_when_there_are_more(app, admin, make_user, monkeypatch):
    """Seven logins (Ada and six more), two a page, counted to at most 4 or the end of the page asked for: page 1
    says "More than 4" (4 counted, more beyond) with 2 pages; page 3 counts to 6 (its end), still more; page 4
    counts to 8 and finds all seven."""
    for number in range(6):
        make_user(f"user{number}@trust.example", ["hr"], name=f"Zoe User{number}")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    monkeypatch.setattr(user_admin, "LOGINS_COUNTED", 4)
    first = admin.get("/admin/users").get_data(as_text=True)
    assert "More than 4 logins" in first and "Page 2 of 2" in first and "Ada Admin" in first
    third = admin.get("/admin/users?page=3").get_data(as_text=True)
    assert "More than 6 logins" in third and "Zoe User3" in third and "Zoe User4" in third
    last = admin.get("/admin/users?page=4").get_data(as_text=True)
    assert "7 logins" in last and "More than" not in last and "Zoe User5" in last and "Page 3 of 4" in last
