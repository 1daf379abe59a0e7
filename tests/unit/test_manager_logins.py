"""Manager logins from the hierarchy: given the employees as an import leaves them and the logins there are,
which logins are made, linked, given back, switched off or lose the manager role."""
from __future__ import annotations

import pytest

from casework.manager_logins import Login, LoginChange, Person, plan_manager_logins, supervisors_in_post, tally


def person(number: str, boss: str | None = None, email: str | None = "", in_post: bool = True) -> Person:
    address = f"{number.lower()}@trust.example" if email == "" else email
    return Person(number, f"Name {number}", address, boss, in_post)


def login(email: str, number: str | None, roles: tuple[str, ...] = ("manager",), active: bool = True,
          awaiting: bool = False, stood_down: bool = False) -> Login:
    return Login(email, number, roles, active, awaiting, stood_down)


def people(*persons: Person) -> dict[str, Person]:
    return {one.assignment_number: one for one in persons}


# A1 supervises A2 and A3; A2 supervises A4. Supervisors in post: A1, A2.
TREE = (person("A1"), person("A2", "A1"), person("A3", "A1"), person("A4", "A2"))


@pytest.mark.parametrize("persons, expected", [
    (TREE, {"A1", "A2"}),
    # A4 has left: A2 supervises nobody in post, so only A1 (A2 and A3 report to A1)
    ((*TREE[:3], person("A4", "A2", in_post=False)), {"A1"}),
    # A1 has left: A2 and A3 still report to A1, but someone gone is no supervisor in post; A2 still is
    ((person("A1", in_post=False), *TREE[1:]), {"A2"}),
    # someone reporting to an assignment not in the hierarchy makes no supervisor of it
    ((person("A1", "Z9"),), set()),
])
def test_supervisors_in_post_are_those_someone_in_post_reports_to(persons, expected):
    assert supervisors_in_post(people(*persons)) == expected


def kinds(changes: list[LoginChange]) -> list[tuple[str, str, str]]:
    return [(change.kind, change.email, change.assignment_number) for change in changes]


@pytest.mark.parametrize("persons, logins, expected", [
    # no logins: one made for each supervisor in post (A1, A2), none for A3 and A4 who supervise nobody
    (TREE, [], [("make", "a1@trust.example", "A1"), ("make", "a2@trust.example", "A2")]),
    # A2 has no e-mail address: no login for them
    ((*TREE[:1], person("A2", "A1", email=None), *TREE[2:]), [], [("make", "a1@trust.example", "A1")]),
    # A1 already has a linked login (whatever its address): nothing made for A1
    (TREE, [login("boss@trust.example", "A1")], [("make", "a2@trust.example", "A2")]),
    # a login with A1's address and no assignment number is linked instead of making one
    (TREE, [login("a1@trust.example", None, ("hr",))],
     [("link", "a1@trust.example", "A1"), ("make", "a2@trust.example", "A2")]),
    # a login with A1's address linked to another assignment is a conflict to settle by hand
    (TREE, [login("a1@trust.example", "B7", ("hr",))],
     [("conflict", "a1@trust.example", "A1"), ("make", "a2@trust.example", "A2")]),
    # two supervisors sharing one address: both are conflicts, no login made
    ((person("A1", email="shared@trust.example"), person("A2", "A1", email="shared@trust.example"),
      person("A4", "A2")), [],
     [("conflict", "shared@trust.example", "A1"), ("conflict", "shared@trust.example", "A2")]),
])
def test_supervisors_in_post_get_a_linked_login(persons, logins, expected):
    assert kinds(plan_manager_logins(people(*persons), logins)) == expected


A1_LOGIN = login("a1@trust.example", "A1")
A2_LOGIN = login("a2@trust.example", "A2")


@pytest.mark.parametrize("persons, a4_login, expected", [
    # A4 is in post but supervises nobody: their manager login is switched off
    (TREE, login("a4@trust.example", "A4"), [("switch_off", "a4@trust.example", "A4")]),
    # A4 has left and holds hr too: only the manager role goes
    ((*TREE[:3], person("A4", "A2", in_post=False)), login("a4@trust.example", "A4", ("hr", "manager")),
     [("remove_manager", "a4@trust.example", "A4")]),
    # a login awaiting its first sign-in is stood down as well
    (TREE, login("a4@trust.example", "A4", active=False, awaiting=True), [("switch_off", "a4@trust.example", "A4")]),
    # already switched off (by whoever): nothing more to do
    (TREE, login("a4@trust.example", "A4", active=False), []),
    # a login without the manager role is not the import's to stand down
    (TREE, login("a4@trust.example", "A4", ("hr",)), []),
    # a login linked to an assignment the hierarchy does not hold is left alone
    (TREE, login("a4@trust.example", "Z9"), []),
])
def test_logins_of_leavers_and_non_supervisors_are_stood_down(persons, a4_login, expected):
    # A2 supervises A4 only: where A4 has left, A2's login is switched off too (listed first: logins in order)
    changes = plan_manager_logins(people(*persons), [A1_LOGIN, A2_LOGIN, a4_login])
    a2_gone = persons[3].in_post is False
    assert kinds(changes) == ([("switch_off", "a2@trust.example", "A2")] if a2_gone else []) + expected


@pytest.mark.parametrize("returning, expected_why", [
    # switched off by an import: it waits for a first sign-in again
    (login("a2@trust.example", "A2", active=False, stood_down=True),
     "supervises staff in post again; waits for a first sign-in"),
    # only its manager role was removed (it holds hr): the role comes back
    (login("a2@trust.example", "A2", ("hr",), stood_down=True), "supervises staff in post again"),
])
def test_a_login_the_import_stood_down_is_given_back_when_its_holder_supervises_again(returning, expected_why):
    changes = plan_manager_logins(people(*TREE), [A1_LOGIN, returning])
    assert [(change.kind, change.email, change.why) for change in changes] == [
        ("give_back", "a2@trust.example", expected_why)]


def test_a_login_switched_off_by_an_administrator_stays_off():
    # A2 supervises again, but their login was switched off by someone, not stood down by an import
    changes = plan_manager_logins(people(*TREE), [A1_LOGIN, login("a2@trust.example", "A2", active=False)])
    assert changes == []


def test_the_tally_names_every_kind():
    changes = plan_manager_logins(people(*TREE), [login("a4@trust.example", "A4")])
    # A1 and A2 made (2); A4 switched off (1)
    assert tally(changes) == {"make": 2, "link": 0, "give_back": 0, "switch_off": 1, "remove_manager": 0,
                              "conflict": 0}
