"""Kept absence figures (issue 18.1) on the real embedded database: kept equals recomputed after any sequence of
changes through the real services, the rebuild command finds and mends a tampered figure, a hierarchy import
moves an employee's months with them, and the board report reads a few kept documents whatever the number of
absences."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from documents import Absence, Employee
from documents.month_figures import EmployeeMonth, ScopeMonth
from services import clock
from services.absences.recording import AbsenceDetails, correct_absence, end_absence, extend_absence, record_absence
from services.errors import Refused
from services.figures import rebuild, refresh_employee, refresh_people
from services.imports.absences import import_absences
from tests.conftest import clean_database, database_commands

D = dt.date
TODAY = D(2026, 6, 15)
REASONS = ("infections", "mental_health", "back_neck")

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("create"), st.integers(0, 1), st.integers(0, 150), st.sampled_from(REASONS)),
    st.tuples(st.just("end"), st.integers(0, 20), st.integers(0, 60)),
    st.tuples(st.just("extend"), st.integers(0, 20), st.integers(1, 40)),
    st.tuples(st.just("correct"), st.integers(0, 20), st.integers(0, 150), st.integers(0, 45),
              st.sampled_from(REASONS)),
    st.tuples(st.just("import"), st.integers(0, 1), st.integers(0, 150), st.integers(0, 40), st.integers(1, 9)),
    st.tuples(st.just("delete"), st.integers(0, 20)),
), min_size=1, max_size=8)


def _people():
    """A full-timer in one division and a three-day part-timer in another."""
    full = Employee(assignment_number="F1", first_name="Fay", last_name="Full", division="Acute",
                    directorate="Surgery", fte=1.0, start_date=D(2020, 1, 6))
    part = Employee(assignment_number="P1", first_name="Pat", last_name="Part", division="Community",
                    directorate="Nursing", fte=0.6, working_days=["Mon", "Tue", "Wed"], start_date=D(2020, 1, 6))
    for employee in (full, part):
        employee.save_checked()
    refresh_people(TODAY)       # saved straight to the database: their people kept as a hierarchy import keeps them
    return [full, part]


def _apply(operation, people) -> None:
    kind, *values = operation
    absences = list(Absence.objects.order_by("first_day"))
    if kind not in ("create", "import") and not absences:
        return
    if kind == "create":
        who, back, reason = values
        record_absence(people[who], AbsenceDetails(TODAY - dt.timedelta(days=back), None, reason, None), "t", TODAY)
    elif kind == "import":
        who, back, length, rtw_after = values
        first = TODAY - dt.timedelta(days=back)
        last = min(first + dt.timedelta(days=length), TODAY)
        row = {"absence_id": f"X{back}-{length}", "assignment_number": people[who].assignment_number,
               "first_day": first.isoformat(), "last_day": last.isoformat(), "reason_category": "infections",
               "rtw_date": (last + dt.timedelta(days=rtw_after)).isoformat() if last < TODAY else ""}
        import_absences([row], "t", "api", TODAY)
    else:
        absence = absences[values[0] % len(absences)]
        employee = Employee.objects.get(pk=absence.employee)
        if kind == "end":
            end_absence(absence, employee, min(absence.first_day + dt.timedelta(days=values[1]), TODAY), "t",
                        TODAY, absence.version)
        elif kind == "extend":
            extend_absence(absence, employee, TODAY + dt.timedelta(days=values[1]), "t", TODAY, absence.version)
        elif kind == "correct":
            first = TODAY - dt.timedelta(days=values[1])
            last = min(first + dt.timedelta(days=values[2]), TODAY)
            correct_absence(absence, employee, AbsenceDetails(first, None, values[3], None), last, "fix", "t", TODAY,
                            absence.version)
        else:
            absence.delete()
            refresh_employee(employee, TODAY)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_kept_figures_equal_recomputed_ones_after_any_changes(app, operations):
    clean_database()
    people = _people()
    for operation in operations:
        try:
            _apply(operation, people)
            event(f"{operation[0]} applied")
        except Refused:
            event(f"{operation[0]} refused")    # overlapping or impossible dates: nothing changed
    assert rebuild(TODAY, check=True) == []


def _two_absences():
    people = _people()
    record_absence(people[0], AbsenceDetails(D(2026, 5, 4), None, "infections", None), "t", TODAY)
    record_absence(people[1], AbsenceDetails(D(2026, 6, 1), None, "back_neck", None), "t", TODAY)
    return people


def test_the_rebuild_command_finds_a_tampered_figure_and_mends_it(app):
    _two_absences()
    runner = app.test_cli_runner()
    with clock.frozen(TODAY):
        _check_tamper_and_mend(runner)


def _check_tamper_and_mend(runner):
    assert runner.invoke(args=["figures", "rebuild", "--check"]).exit_code == 0
    EmployeeMonth.objects(month=2026 * 12 + 4).update(inc__working_days=3)
    ScopeMonth.objects(month=2026 * 12 + 5, division="Community").update(set__fte_days=99.0)
    result = runner.invoke(args=["figures", "rebuild", "--check"])
    assert result.exit_code == 1
    # F1 lost 18 working days in May (20 weekdays 4–29 May less the bank holidays 4 and 25 May); P1 7 days of
    # June × 0.6 × 5 ÷ 3 = 7 FTE-days.
    assert "2026-05 working_days: kept 21, fresh 18" in result.output
    assert "roll-up Community / Nursing 2026-06 fte_days: kept 99.0, fresh 7.0" in result.output
    fixed = runner.invoke(args=["figures", "rebuild"])
    assert fixed.exit_code == 0 and "differed; rewritten" in fixed.output
    assert runner.invoke(args=["figures", "rebuild", "--check"]).output.strip() == "No kept figure differs."


def test_a_hierarchy_import_moves_an_employees_months_to_their_new_division(app):
    from services.imports.hierarchy import import_employees
    from services.settings import Settings
    people = _two_absences()
    row = {"assignment_number": "F1", "first_name": "Fay", "last_name": "Full", "division": "Community",
           "directorate": "Nursing", "fte": "1.0", "working_days": "Mon Tue Wed Thu Fri", "start_date": "2020-01-06"}
    other = {"assignment_number": "P1", "first_name": "Pat", "last_name": "Part", "division": "Community",
             "directorate": "Nursing", "fte": "0.6", "working_days": "Mon Tue Wed", "start_date": "2020-01-06"}
    result = import_employees([row, other], "t", "test", TODAY,
                              mail=Settings.from_config(app.config).mail)
    assert result.applied, result
    assert {doc.division for doc in EmployeeMonth.objects(employee=people[0].pk)} == {"Community"}
    acute = ScopeMonth.objects(month=2026 * 12 + 4, division="Acute").first()
    assert acute is None or (acute.working_days, acute.fte_days, acute.headcount) == (0, 0.0, [])
    assert rebuild(TODAY, check=True) == []


def test_the_board_report_reads_a_few_kept_documents_whatever_the_number_of_absences(app):
    from services.reads.board_report import board_report
    from services.settings import OrganisationDefaults
    people = _two_absences()
    counts = []
    for extra in (0, 40):      # 40 more absences in 2024, inside the months the report reads
        if extra:
            Absence.objects.insert([Absence(employee=people[0].pk, assignment_number="F1", source="import",
                                            first_day=D(2024, 1, 1) + dt.timedelta(days=7 * n),
                                            last_day=D(2024, 1, 1) + dt.timedelta(days=7 * n + 1),
                                            reason_category="infections", external_id=f"N{n}")
                                    for n in range(extra)], load_bulk=False)
        rebuild(TODAY, check=False)
        with database_commands() as commands:
            report = board_report(None, D(2026, 4, 1), TODAY, TODAY, organisation=OrganisationDefaults())
        counts.append(len(commands))
        # F1 from Mon 4 May: 18 days in May (4 and 25 May are bank holidays) + 11 in June to the 15th; P1 (Mon–Wed)
        # 1–15 June: 1, 2, 3, 8, 9, 10, 15 = 7. So 36.
        assert report.now.organisation.working_days_lost == 18 + 11 + 7
        reads = {name for name, _ in commands}
        assert "absences" not in reads and "employees" not in reads
    assert counts[0] == counts[1] <= 4


def test_the_kept_months_of_many_employees_are_one_range_read_of_few_one_read_each():
    """`kept_months` (the writer's read before rewriting): 90 employees with two months each, every third not
    asked for. The 60 asked (more than EACH_UP_TO) are one read of the range of their ids, keeping theirs (their
    120 months, no one else's); 3 asked are 3 equality reads."""
    from bson import ObjectId

    from services.figures import EACH_UP_TO, kept_months
    ids = sorted(ObjectId() for _ in range(90))
    EmployeeMonth._get_collection().insert_many([
        {"_id": f"{key}:{month}", "employee": key, "month": month} for key in ids for month in (24300, 24301)])
    asked = [key for place, key in enumerate(ids) if place % 3]
    assert len(asked) == 60 > EACH_UP_TO
    with database_commands() as commands:
        found = kept_months(asked)
    assert {key: sorted(months) for key, months in found.items()} == {key: [24300, 24301] for key in asked}
    assert found[asked[0]][24301]["_id"] == f"{asked[0]}:24301"
    assert [name for name, _ in commands if name != "getMore"] == ["find"]
    with database_commands() as commands:
        assert sorted(kept_months(asked[:3])) == asked[:3]
    assert commands == [("find", "employee_months")] * 3
