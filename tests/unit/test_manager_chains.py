"""The chain of supervisors each employee's `manager_path` holds, worked out once from {assignment number:
supervisor's}: the hierarchy import writes it from what it read, `rebuild_manager_paths` from a fresh read."""
from __future__ import annotations

import pytest

from documents.employee import manager_chain, manager_chains

TREE = {"A": None, "B": "A", "C": "B", "D": "C", "E": "B"}


@pytest.mark.parametrize("number, supervisor_of, chain", [
    ("A", TREE, []),                                   # the top supervises, reports to no one
    ("B", TREE, ["A"]),
    ("D", TREE, ["C", "B", "A"]),                      # D → C → B → A, nearest first
    ("E", TREE, ["B", "A"]),
    ("X", {"X": "GONE"}, []),                          # a supervisor who is not stored ends the chain at once
    ("Y", {"Y": "Z", "Z": "GONE"}, ["Z"]),             # … or where it breaks
    ("P", {"P": "Q", "Q": "R", "R": "P"}, ["Q", "R"]),  # a cycle P → Q → R → P stops before P comes round again
    ("S", {"S": "S"}, []),                             # supervising oneself is no chain
    ("T", {"T": ""}, []),                              # an empty supervisor cell is no supervisor
])
def test_a_chain_of_supervisors(number, supervisor_of, chain):
    assert manager_chain(number, supervisor_of) == chain


def test_every_chain_at_once():
    assert manager_chains(TREE) == {"A": [], "B": ["A"], "C": ["B", "A"], "D": ["C", "B", "A"], "E": ["B", "A"]}
