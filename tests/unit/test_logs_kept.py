"""No code of the app can change or remove an entry of the logs the data protection officer reads: the medical-read
log, the refused attempts and the subject access exports. Each is only ever made (`Log(...).save()`,
`Log.objects.insert(...)`) and read (`Log.objects(...)` narrowed, ordered, counted); nothing names its collection but
its document's `meta`. Each failure names the file, the line and the call: `services/x.py:12 MedicalRead….delete()`.
(tests/app/test_logs_kept.py sends every POST route and watches the database for the same.)"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("blueprints", "services", "documents", "casework")
LOG_DOCUMENTS = {"MedicalRead", "AccessRefusal", "SubjectAccessExport"}
LOG_COLLECTIONS = {"medical_reads", "access_refusals", "subject_access_exports"}
READS = {"objects", "filter", "order_by", "only", "exclude", "limit", "skip", "count", "first", "get", "insert",
         "no_dereference", "as_pymongo", "values_list", "scalar", "distinct", "ensure_indexes"}


def sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def chain(node: ast.AST) -> tuple[str | None, list[str], bool]:
    """The name a call chain starts from, the methods and attributes it goes through (first to last) and whether
    it starts by calling the name itself (making a new document)."""
    steps: list[str] = []
    made = False
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            steps.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            made = isinstance(node.func, ast.Name)
            node = node.func
        else:
            node = node.value
    return (node.id if isinstance(node, ast.Name) else None), steps[::-1], made and not steps


def changes_to_logs(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every call on a log's document other than making one and reading them."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        root, steps, made = chain(node.func.value)
        if root not in LOG_DOCUMENTS:
            continue
        allowed = {"save"} if made else READS
        if node.func.attr not in allowed or not set(steps) <= READS:
            found.append((node.lineno, f"{root}…{'.'.join([*steps, node.func.attr])}()"))
    return found


def collections_named(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) for every log collection's name written anywhere but as a document's `meta` "collection"."""
    in_meta = {id(value) for node in ast.walk(tree) if isinstance(node, ast.Dict)
               for key, value in zip(node.keys, node.values, strict=True)
               if isinstance(key, ast.Constant) and key.value == "collection"}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in LOG_COLLECTIONS and id(node) not in in_meta]


@pytest.mark.parametrize("source, expected", [
    ("MedicalRead(reader='a').save()", []),
    ("MedicalRead.objects.insert(reads, load_bulk=False)", []),
    ("MedicalRead.objects(assignment_number=n).order_by('-at').limit(5)", []),
    ("MedicalRead.objects(reader=r).delete()", [(1, "MedicalRead…objects.delete()")]),
    ("AccessRefusal.objects.get(pk=i).update(set__who='x')", [(1, "AccessRefusal…objects.get.update()")]),
    ("SubjectAccessExport.objects(pk=i).first().save()", [(1, "SubjectAccessExport…objects.first.save()")]),
    ("Case.objects(pk=i).delete()", []),                       # not a log
])
def test_the_rule_finds_changes_to_a_log(source, expected):
    assert changes_to_logs(ast.parse(source)) == expected


@pytest.mark.parametrize("source, expected", [
    ("meta = {'collection': 'medical_reads'}", []),
    ("get_db()['access_refusals'].delete_many({})", [(1, "access_refusals")]),
])
def test_the_rule_finds_a_log_collection_named(source, expected):
    assert collections_named(ast.parse(source)) == expected


def test_no_code_changes_or_removes_a_log_entry():
    problems = [f"{path.relative_to(ROOT)}:{line} {what}" for path in sources()
                for finder in (changes_to_logs, collections_named)
                for line, what in finder(ast.parse(path.read_text(), str(path)))]
    assert problems == [], "code that could change or remove a log entry:\n" + "\n".join(problems)
