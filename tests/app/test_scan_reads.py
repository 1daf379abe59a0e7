"""How the trigger scan and the imports read at scale: each employee's absences and cases once, by an indexed
equality read per employee for a few, in one pass grouped by employee for everyone or many, and never `$in` of
more than a handful of ids; an unchanged re-import writes nothing."""
from __future__ import annotations

import datetime as dt

from bson import ObjectId

from documents import Absence, Case, Employee
from documents.reading import EACH_UP_TO
from services.absences import after_absence_saved
from services.imports.absences import import_absences
from services.imports.hierarchy import import_employees
from services.imports.inflight import import_inflight
from services.settings import Settings
from services.triggers import by_employee, scan
from tests.app.test_absence_import import absence_row
from tests.app.test_hierarchy_import import row_of
from tests.app.test_inflight_import import case_row
from tests.conftest import database_commands_sent, largest_in

AS_OF = dt.date(2026, 11, 23)
HANDFUL = 20
WRITES = ("insert", "update", "delete", "findAndModify")


def off(employee, first: dt.date, last: dt.date | None) -> None:
    Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first, last_day=last,
            reason_category="infections").save_checked()


def reads_of(sent: list[dict], collection: str) -> list[dict]:
    """The filters of the finds sent to `collection`."""
    return [command["filter"] for command in sent if command.get("find") == collection]


def test_a_few_employees_are_read_by_one_equality_read_each(make_employee):
    """Two employees: two reads of absences and two of cases, each `{"employee": id}`, and their rows grouped."""
    anna, ben, other = make_employee(), make_employee(), make_employee()
    off(anna, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    off(anna, dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    off(ben, dt.date(2026, 5, 4), None)
    off(other, dt.date(2026, 5, 4), dt.date(2026, 5, 5))
    with database_commands_sent() as sent:
        grouped = {employee.pk: (len(rows), cases) for employee, rows, cases in by_employee([anna, ben], False)}
    assert grouped == {anna.pk: (2, []), ben.pk: (1, [])}
    for collection in ("absences", "cases"):
        assert sorted(str(found["employee"]) for found in reads_of(sent, collection)) == sorted(
            [str(anna.pk), str(ben.pk)])
    assert largest_in(sent) == 0


def test_many_employees_are_read_in_one_pass_of_each_collection(make_employee):
    """More than EACH_UP_TO employees (1,000; the rest unsaved, with no absences): one read of each collection
    without an employee filter, the rows kept for those asked about (not `other`'s)."""
    anna, other = make_employee(), make_employee()
    off(anna, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    off(other, dt.date(2026, 5, 4), dt.date(2026, 5, 5))
    staff = [anna] + [Employee(pk=ObjectId()) for _ in range(EACH_UP_TO)]
    with database_commands_sent() as sent:
        grouped = {employee.pk: len(rows) for employee, rows, _ in by_employee(staff, False)}
    assert grouped[anna.pk] == 1 and other.pk not in grouped and sum(grouped.values()) == 1
    assert reads_of(sent, "absences") == [{}] and reads_of(sent, "cases") == [{}]
    assert largest_in(sent) == 0


def test_the_full_scan_reads_each_collection_once_whatever_the_number_of_staff(make_employee):
    """The nightly scan with 2 and then 5 employees (one of them triggering): the same reads of absences and cases,
    one each with no filter; the only per-employee reads are for the case it opens."""
    first, second = make_employee(), make_employee()
    for day in (dt.date(2026, 2, 2), dt.date(2026, 5, 11), dt.date(2026, 8, 3), dt.date(2026, 11, 2)):
        off(first, day, day)
    off(second, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    scan(AS_OF, "test")   # opens the case: what follows changes nothing

    def reads() -> list:
        with database_commands_sent() as sent:
            summary = scan(AS_OF, "test")
        assert sum(summary.actions.values()) == 0
        return [(command.get("find"), command.get("filter")) for command in sent
                if command.get("find") in ("absences", "cases")]

    few = reads()
    for _ in range(3):
        off(make_employee(), dt.date(2026, 4, 6), dt.date(2026, 4, 7))
    assert reads() == few == [("absences", {}), ("cases", {})]


def test_saving_an_absence_re_evaluates_its_employee_by_equality_reads(make_employee):
    """One employee re-evaluated after a save: their absences and cases by `{"employee": id}`, no `$in`. The
    absences are read twice, each by that equality: by the scan, and for the staff summary once, after the scan has
    opened a case (it used to be written before the scan as well; a fixed number, whatever the organisation's
    size)."""
    anna = make_employee()
    for day in (dt.date(2026, 2, 2), dt.date(2026, 5, 11), dt.date(2026, 8, 3), dt.date(2026, 11, 2)):
        off(anna, day, day)
    with database_commands_sent() as sent:
        after_absence_saved(anna, AS_OF)   # the fourth occasion opens a case
    assert Case.objects(employee=anna.pk).count() == 1
    assert [found for found in reads_of(sent, "absences") if "employee" in found] == [{"employee": anna.pk}] * 2
    assert largest_in(sent) <= HANDFUL


def test_an_unchanged_re_import_of_absences_writes_nothing(make_employee):
    """The same rows twice: the second run finds every row unchanged, re-evaluates nobody and sends no write."""
    anna, ben = make_employee(), make_employee()
    rows = [absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04"),
            absence_row("AB2", anna.assignment_number, "2026-06-01", "", reason_category="stress"),
            absence_row("AB3", ben.assignment_number, "2026-05-04", "2026-05-05", rtw_date="2026-05-06")]
    first = import_absences(rows, "import:absences.csv by test", "import", AS_OF)
    assert first.counts["created"] == 3
    with database_commands_sent() as sent:
        again = import_absences(rows, "import:absences.csv by test", "import", AS_OF)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}
    assert [command for command in sent if next(iter(command)) in WRITES] == []
    assert reads_of(sent, "cases") == [] and largest_in(sent) <= HANDFUL


def test_an_unchanged_re_import_of_employees_writes_nothing(app, make_employee, make_user):
    """The same hierarchy twice (a manager with a login and two staff): the second run writes nothing."""
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user(boss.email, ["manager"], assignment_number=boss.assignment_number)
    staff = [boss] + [make_employee(supervisor_assignment_number=boss.assignment_number) for _ in range(2)]
    rows = [row_of(employee) for employee in staff]
    mail = Settings.from_config(app.config).mail
    import_employees(rows, "import:employees.csv by test", "import", AS_OF, mail=mail)
    with database_commands_sent() as sent:
        again = import_employees(rows, "import:employees.csv by test", "import", AS_OF, mail=mail)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}
    assert [command for command in sent if next(iter(command)) in WRITES] == []
    assert largest_in(sent) <= HANDFUL


def test_an_unchanged_re_import_of_cases_in_progress_writes_nothing(make_employee):
    """The same in-flight row twice: the second run finds it unchanged and writes nothing."""
    anna = make_employee()
    rows = [case_row(anna.assignment_number)]
    assert import_inflight(rows, "import:inflight.csv by test", "import", AS_OF).counts["created"] == 1
    with database_commands_sent() as sent:
        again = import_inflight(rows, "import:inflight.csv by test", "import", AS_OF)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 1, "refused": 0}
    assert [command for command in sent if next(iter(command)) in WRITES] == []


def test_a_referral_already_given_is_not_asked_about_again(make_employee):
    """A stress absence within the 4 weeks to 23 November 2026: the first scan gives the referral task; the next
    one sees the task on the row it read and sends nothing about it."""
    anna = make_employee()
    Absence(employee=anna.pk, assignment_number=anna.assignment_number, first_day=dt.date(2026, 11, 9),
            last_day=dt.date(2026, 11, 13), reason_category="mental_health").save_checked()
    assert scan(AS_OF, "test").actions["oh_referral"] == 1
    with database_commands_sent() as sent:
        assert scan(AS_OF, "test").actions["oh_referral"] == 0
    assert [found for found in reads_of(sent, "absences") if found] == []
    assert [command for command in sent if next(iter(command)) in WRITES] == []
