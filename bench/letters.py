"""How long one letter takes to make (DESIGN "Scale and speed": one letter ≤ 150 ms).

Makes letter C4 (a written warning: the absences table, the outcome's dates) 20 times for one case on a
fresh embedded database and prints the median of each step beside its baseline, measured in the same run:
rendering the shipped template alone (docxtpl, no database). Run by hand from the project folder:

    .venv/bin/python bench/letters.py
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 20
TARGET_MS = 150
D = dt.date


def warning_case():
    """Wes Walker at the council's 1st formal review, four absences associated, a first written warning."""
    from documents import Absence, Case, Employee, rebuild_manager_paths
    from documents.case import Meeting, Participant, Stage
    from services.cases.outcomes import OutcomeChoice, record_outcome
    from services.cases.tasks import add_stage_tasks, associate_absences, case_policy
    from services.triggers import install_presets
    install_presets()
    bea = Employee(assignment_number="A00001", first_name="Bea", last_name="Boss", job_title="Ward manager",
                   division="Community Care", fte=1.0)
    wes = Employee(assignment_number="A00042", first_name="Wes", last_name="Walker", division="Community Care",
                   fte=1.0, supervisor_assignment_number="A00001", job_title="Staff nurse")
    for person in (bea, wes):
        person.save_checked()
    rebuild_manager_paths()
    wes.reload()
    for first, last in ((D(2025, 4, 7), D(2025, 4, 9)), (D(2025, 6, 18), D(2025, 6, 18)),
                        (D(2025, 9, 10), D(2025, 9, 16)), (D(2025, 12, 3), D(2025, 12, 3))):
        Absence(employee=wes.pk, assignment_number=wes.assignment_number, first_day=first, last_day=last,
                reason_category="infections").save_checked()
    case = Case(employee=wes.pk, assignment_number=wes.assignment_number, division=wes.division,
                manager_path=wes.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                stage="formal_1", opened_on=D(2026, 2, 16), stages=[Stage(key="formal_1", entered_on=D(2026, 2, 16))])
    add_stage_tasks(case, wes, case_policy(case), D(2026, 2, 16))
    case.save_checked()
    associate_absences(case, wes, [str(a.pk) for a in Absence.objects(employee=wes.pk)], "bea@example.org",
                       D(2026, 2, 17))
    case.current_stage.meetings.append(Meeting(       # a warning is decided at the stage's held meeting
        kind="formal_review", on=D(2026, 3, 2), at_time="10:00", place="Room 1", arranged_on=D(2026, 2, 16),
        participants=[Participant(name="Bea Boss", role="manager")], held=True, held_on=D(2026, 3, 2),
        notes={"summary": "Held as planned."}))
    case.save_checked()
    record_outcome(case, wes, OutcomeChoice("warning", D(2026, 3, 2), D(2026, 3, 4), target_occasions=2),
                   "bea@example.org", D(2026, 3, 4))
    return Case.objects.get(pk=case.pk), wes


def median_ms(step) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    from bench.scratch import scratch_app
    from casework.letters import render
    from documents import Case
    from services.cases.letter_context import letter_context
    from services.cases.letters import generate
    from services.letter_templates import template_bytes
    from services.settings import Settings
    with scratch_app() as app:
        organisation = Settings.from_config(app.config).organisation
        case, wes = warning_case()
        template = template_bytes("C4")
        context = letter_context(case, wes, case.current_stage, today=D(2026, 3, 4), organisation=organisation,
                                 code="C4")
        baseline = median_ms(lambda: render(template, context))
        filled = median_ms(lambda: letter_context(case, wes, case.current_stage, today=D(2026, 3, 4),
                                                  organisation=organisation, code="C4"))
        made = median_ms(lambda: generate(Case.objects.get(pk=case.pk), "C4", "bea@example.org", D(2026, 3, 4),
                                            organisation=organisation))
    print(f"Letter C4, median of {RUNS} runs")
    print(f"{'step':<52}{'ms':>8}{'× baseline':>12}")
    for label, value in (("render the template alone (baseline)", baseline),
                         ("fill the fields from the case", filled),
                         ("make the letter (fields, render, GridFS, save)", made)):
        print(f"{label:<52}{value:>8.1f}{value / baseline:>12.2f}")
    print(f"target: one letter ≤ {TARGET_MS} ms: {'met' if made <= TARGET_MS else 'NOT met'}")
    return 0 if made <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
