"""Finishing what a killed import left undone.

An import writes its rows in batches and then sees to the employees they belong to (re-evaluating their absences,
giving their tasks to a new supervisor). Run again after a `kill -9`, the rows it had written read as unchanged,
so without a note of the employees it had still to see to, nobody would. The note is saved before the first write
and deleted after the last step; the next import of the same kind takes on any note left behind.
"""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence

from documents.import_job import DivisionMove, UnfinishedImport


@dataclasses.dataclass(frozen=True)
class Unfinished:
    """What an import has to see to once its rows are written: its own and what earlier ones left undone."""

    employees: set
    division_moves: list[tuple]     # (employee id, old division, new division), the earliest first


@contextlib.contextmanager
def unfinished_work(kind: str, employee_ids: set, division_moves: Sequence[tuple] = ()) -> Iterator[Unfinished]:
    """Within the block, a note that this import of `kind` has `employee_ids` and `division_moves` to see to;
    yields them with what every earlier import of `kind` left unfinished. The notes go once the block ends
    without an error."""
    left = list(UnfinishedImport.objects(kind=kind).order_by("started_at"))
    note = UnfinishedImport(kind=kind, employees=sorted(employee_ids), division_moves=[
        DivisionMove(employee=employee, old=old, new=new) for employee, old, new in division_moves],
    ).save() if employee_ids or division_moves else None
    yield Unfinished(set(employee_ids).union(*(found.employees for found in left)),
                     [(move.employee, move.old, move.new) for found in left for move in found.division_moves]
                     + list(division_moves))
    done = [found.pk for found in left] + ([note.pk] if note else [])
    if done:
        UnfinishedImport.objects(pk__in=done).delete()
