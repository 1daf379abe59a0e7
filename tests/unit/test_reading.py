"""documents.reading.rows_where: an equality read per value for up to EACH_UP_TO values, one pass beyond; never
`$in`. A stand-in collection records each find and answers it from a list of rows."""
from __future__ import annotations

import pytest

from documents.reading import EACH_UP_TO, rows_where

ROWS = [{"_id": 1, "employee": "a", "external_id": "X1"}, {"_id": 2, "employee": "a", "external_id": "X2"},
        {"_id": 3, "employee": "b", "external_id": "X3"}, {"_id": 4, "employee": "c", "external_id": None}]


class Collection:
    def __init__(self):
        self.finds: list[dict] = []

    def find(self, query: dict, projection=None):
        self.finds.append(query)
        return [row for row in ROWS if all(row.get(field) == value for field, value in query.items())]


@pytest.mark.parametrize("wanted, finds, ids", [
    # two employees: one read each; a's two rows and b's one
    ({"employee": ["a", "b"]}, [{"employee": "a"}, {"employee": "b"}], [1, 2, 3]),
    # an employee and an absence id of theirs: two reads, row 1 once though both find it
    ({"employee": ["a"], "external_id": ["X1"]}, [{"employee": "a"}, {"external_id": "X1"}], [1, 2]),
    # nothing wanted: no read at all
    ({"employee": []}, [], []),
    # EACH_UP_TO + 1 values (c and 500 unknown): one pass with no filter, c's row kept
    ({"employee": ["c"] + [f"n{i}" for i in range(EACH_UP_TO)]}, [{}], [4]),
])
def test_a_few_values_are_read_one_by_one_and_many_in_one_pass(wanted, finds, ids):
    collection = Collection()
    found = list(rows_where(collection, wanted))
    assert sorted(collection.finds, key=str) == sorted(finds, key=str)
    assert sorted(row["_id"] for row in found) == ids


def test_a_query_goes_with_every_read():
    """The extra condition is added to each equality read, and is the whole filter of a pass."""
    few, many = Collection(), Collection()
    list(rows_where(few, {"employee": ["a"]}, query={"external_id": "X2"}))
    list(rows_where(many, {"employee": [f"n{i}" for i in range(EACH_UP_TO + 1)]}, query={"external_id": "X2"}))
    assert few.finds == [{"employee": "a", "external_id": "X2"}] and many.finds == [{"external_id": "X2"}]
