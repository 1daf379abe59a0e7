"""The employee search through the page: by first and last name in either order, partial words and the assignment
number, from the words kept on each employee (written by a save, an insert, the hierarchy import, and filled for
employees stored without them), read by the `search_words` index within the user's scope, and paged."""
from __future__ import annotations

import pytest

from documents import Employee
from documents.employee import fill_employee_search_words
from services import clock
from services.imports.hierarchy import import_employees
from services.mail import MailSettings
from tests.conftest import database_commands_sent


@pytest.fixture
def people(make_employee, make_user):
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    isabella = make_employee(first_name="Isabella", last_name="Cook", assignment_number="E0042")
    make_employee(first_name="Isaac", last_name="Cooper")
    make_employee(first_name="Bella", last_name="Cook")
    make_employee(first_name="Isabella", last_name="Cook", division="Secure Care")   # not in HR's scope
    return isabella


def found(auth, text: str) -> str:
    return auth.client.get("/employees", query_string={"q": text}).get_data(as_text=True)


@pytest.mark.parametrize("text, matches", [
    ("Isabella Cook", 1), ("cook isabella", 1), ("isa coo", 2),     # Isabella Cook and Isaac Cooper
    ("E004", 1), ("cook", 2), ("bella", 1), ("sabella", 0)])
def test_the_search_finds_people_by_the_start_of_each_word(people, auth, text, matches):
    auth.login("hr@example.org")
    body = found(auth, text)
    assert f"{matches} employee{'' if matches == 1 else 's'} matching" in body, body


def test_the_search_is_one_range_read_of_the_words_index_within_scope(people, auth):
    auth.login("hr@example.org")
    found(auth, "isa coo")
    with database_commands_sent() as commands:
        body = found(auth, "isa coo")
    reads = [command for command in commands if command.get("find") == "employees"]
    assert "Cook, Isabella" in body and reads
    assert reads[0]["filter"] == {"division": "Community Care",
                                  "search_words": {"$gte": "isa", "$lt": "isb"},
                                  "search_words_again": {"$all": ["coo"]}}


def test_employees_stored_with_every_prefix_indexed_are_found_the_same(people, auth):
    """Before issue 18 the index kept every prefix of each word (now the copy's words): the same range finds them."""
    auth.login("hr@example.org")
    Employee._get_collection().update_many({}, [{"$set": {"search_words": "$search_words_again"}}])
    for text, matches in (("isa coo", 2), ("Isabella Cook", 1), ("E004", 1), ("sabella", 0)):
        assert f"{matches} employee{'' if matches == 1 else 's'} matching" in found(auth, text), text


def test_words_follow_the_hierarchy_import_and_are_filled_for_employees_stored_without_them(people, app):
    employee = Employee.objects.get(pk=people.pk)
    row = {name: getattr(employee, name) or "" for name in (
        "assignment_number", "employee_number", "first_name", "email", "job_title", "division", "directorate",
        "department", "region", "supervisor_assignment_number")}
    others = [{**row, **{name: getattr(other, name) or "" for name in row}, "last_name": other.last_name,
               "fte": f"{other.fte:g}", "contracted_hours": f"{other.contracted_hours:g}",
               "working_days": " ".join(other.working_days), "start_date": other.start_date.isoformat(),
               "end_date": ""} for other in Employee.objects(pk__ne=employee.pk)]
    renamed = {**row, "last_name": "Baker", "fte": f"{employee.fte:g}",
               "contracted_hours": f"{employee.contracted_hours:g}", "working_days": " ".join(employee.working_days),
               "start_date": employee.start_date.isoformat(), "end_date": ""}
    result = import_employees([renamed, *others], "admin@example.org", "employees.csv", clock.today(),
                              mail=MailSettings.from_config(app.config))
    assert result.applied, result
    words = Employee._get_collection().find_one({"_id": people.pk})["search_words"]
    assert "baker" in words and "cook" not in words and "isabella" in words
    Employee._get_collection().update_many({}, {"$unset": {"search_words": "", "search_words_again": ""}})
    assert fill_employee_search_words() == 4
    assert "baker" in Employee._get_collection().find_one({"_id": people.pk})["search_words"]


def _division_options(body: str) -> list[str]:
    import re
    select = body.split('name="division"', 1)[1].split("</select>", 1)[0]
    return [name for name in re.findall(r'<option value="([^"]*)"', select) if name]


def test_the_division_list_is_the_kept_list_read_by_id_never_a_distinct(people, auth, make_user, make_employee,
                                                                         app):
    """Admins choose from every division with staff, HR from theirs: the kept list (one read by id), counted on the
    read (writing nothing) while none is kept, added to by an employee saved in a new division, and written whole by
    the hierarchy import (a division left without staff goes)."""
    from documents.divisions import StaffDivisions, count_divisions
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    StaffDivisions.objects.delete()                      # none kept yet: counted on each read, and nothing written
    assert _division_options(found(auth, "")) == ["Community Care", "Secure Care"]
    assert StaffDivisions.objects.count() == 0
    assert count_divisions() == ["Community Care", "Secure Care"]        # the kept rebuild keeps them
    make_employee(first_name="Ed", last_name="Estate", division="Estates")
    with database_commands_sent() as commands:
        body = found(auth, "")
    assert _division_options(body) == ["Community Care", "Estates", "Secure Care"]
    assert not [command for command in commands if "distinct" in command]
    assert [command["filter"] for command in commands if command.get("find") == "staff_divisions"] == [
        {"_id": "divisions"}]
    auth.logout()
    auth.login("hr@example.org")
    assert _division_options(found(auth, "")) == ["Community Care"]
    Employee.objects(division="Estates").delete()
    rows = [{**{name: getattr(other, name) or "" for name in (
        "assignment_number", "employee_number", "first_name", "last_name", "email", "job_title", "division",
        "directorate", "department", "region", "supervisor_assignment_number")},
        "fte": f"{other.fte:g}", "contracted_hours": f"{other.contracted_hours:g}",
        "working_days": " ".join(other.working_days), "start_date": other.start_date.isoformat(), "end_date": ""}
        for other in Employee.objects]
    assert import_employees(rows, "admin@example.org", "employees.csv", clock.today(),
                            mail=MailSettings.from_config(app.config)).applied
    assert StaffDivisions.objects.get().names == ["Community Care", "Secure Care"]
