"""documents.reading.flat_filter: an `$and` of plain conditions as one filter document, where they agree."""
import pytest

from documents.reading import flat_filter

RANGE = {"$gte": 1, "$lte": 9}


@pytest.mark.parametrize("where, expected", [
    ({"division": "D1"}, {"division": "D1"}),                                     # nothing to merge
    ({"$and": [{"division": "D1"}, {"division": "D1"}, {"kind": "STS", "next_due_on": {"$lt": 5}}]},
     {"division": "D1", "kind": "STS", "next_due_on": {"$lt": 5}}),               # the same condition kept once
    ({"$and": [{"day": {"$gte": 1}}, {"day": {"$lte": 9}}]}, {"day": RANGE}),       # one range of two operators
    ({"$and": [{"division": "D1"}, {"division": "D2"}]},                           # disagreeing: both kept
     {"division": "D1", "$and": [{"division": "D2"}]}),
    ({"$and": [{"day": {"$gte": 1}}, {"day": {"$gte": 2}}]},                       # one operator twice: both kept
     {"day": {"$gte": 1}, "$and": [{"day": {"$gte": 2}}]}),
    ({"$and": [{"division": "D1"}, {"$or": [{"a": 1}, {"b": 2}]}]},                # an operator stays under $and
     {"division": "D1", "$and": [{"$or": [{"a": 1}, {"b": 2}]}]}),
    ({"$and": [{"$and": [{"a": 1}, {"b": 2}]}, {"a": 1}]}, {"a": 1, "b": 2}),      # nested, flattened
])
def test_an_and_of_plain_conditions_is_merged_where_they_agree(where, expected):
    assert flat_filter(where) == expected
