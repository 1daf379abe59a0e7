"""Finishing what a killed import left undone.

An import writes its rows in batches and then sees to the employees they belong to (re-evaluating their absences,
giving their tasks to a new supervisor). Run again after a `kill -9`, the rows it had written read as unchanged,
so without a note of the employees it had still to see to, nobody would. The note is saved before the first write
and deleted after the last step; the next import of the same kind takes on any note left behind.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from documents.import_job import UnfinishedImport


@contextlib.contextmanager
def unfinished_work(kind: str, employee_ids: set) -> Iterator[set]:
    """Within the block, a note that this import of `kind` has `employee_ids` to see to; yields those ids with
    the ones every earlier import of `kind` left unfinished. The notes go once the block ends without an error."""
    left = list(UnfinishedImport.objects(kind=kind))
    note = UnfinishedImport(kind=kind, employees=sorted(employee_ids)).save() if employee_ids else None
    yield set(employee_ids).union(*(found.employees for found in left))
    done = [found.pk for found in left] + ([note.pk] if note else [])
    if done:
        UnfinishedImport.objects(pk__in=done).delete()
