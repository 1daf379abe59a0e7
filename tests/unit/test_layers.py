"""The direction of the layers: blueprints → services → documents and casework, never the other way.

`casework` is pure (no Flask, no database); `services` and `documents` know nothing of Flask; a blueprint asks a
service to change a document and never builds, saves, updates or deletes one itself. Each failure lists every
offending line as file, line and what it does: `services/mail.py:9 imports flask`,
`blueprints/api.py:140 calls .insert()`, `blueprints/auth.py:63 builds a LoginThrottle`.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"save", "save_checked", "delete", "update", "update_one", "update_many", "modify", "insert",
          "insert_one", "insert_many", "delete_one", "delete_many", "replace_one", "bulk_write", "drop",
          "change", "finish_task"}    # a versioned document's save with its audit entry; an absence's task done
NOT_DOCUMENTS = {"Error", "Exception"}     # names from documents/ a blueprint may call: raising its errors


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every import in the tree, `from x import y` as x."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def forbidden_imports(package: str, forbidden: tuple[str, ...]) -> list[str]:
    problems = []
    for path in sources(package):
        for line, module in imported_modules(ast.parse(path.read_text(), str(path))):
            top = module.split(".")[0]
            if top in forbidden or (top.startswith("flask_") and "flask" in forbidden):
                problems.append(f"{_shown(path)}:{line} imports {module}")
    return problems


@pytest.mark.parametrize("package, forbidden", [
    ("casework", ("flask", "mongoengine", "pymongo", "documents", "services", "blueprints", "bson", "gridfs")),
    ("services", ("flask", "blueprints")),
    ("documents", ("flask", "blueprints", "services")),
])
def test_a_layer_imports_nothing_above_it(package, forbidden):
    problems = forbidden_imports(package, forbidden)
    assert not problems, f"{package}/ imports a layer above it:\n" + "\n".join(problems)


def document_names(tree: ast.AST) -> set[str]:
    """The classes a module imports from documents/ (CamelCase names that are not errors)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "documents":
            names |= {alias.asname or alias.name for alias in node.names
                      if alias.name[:1].isupper() and not alias.name.isupper()
                      and not any(alias.name.endswith(end) for end in NOT_DOCUMENTS)}
    return names


def receiver_is_a_query(node: ast.AST) -> bool:
    """Whether an attribute chain reads `<Document>.objects…` (a QuerySet)."""
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def blueprint_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    documents = document_names(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        where = f"{_shown(path)}:{node.lineno}"
        if isinstance(node.func, ast.Name) and node.func.id in documents:
            problems.append(f"{where} builds a {node.func.id}")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            if node.func.attr in ("update", "delete") and not receiver_is_a_query(node.func.value):
                name = getattr(node.func.value, "id", None)
                if name not in documents and not _looks_like_a_document(node.func.value):
                    continue
            problems.append(f"{where} calls .{node.func.attr}()")
    return problems


def _looks_like_a_document(node: ast.AST) -> bool:
    """`record.delete()`-style calls on a loaded document: any receiver but a dict, a set or a progress bar is
    treated as one (the few dict/set updates in views use names that say so)."""
    return isinstance(node, ast.Name) and node.id not in {"values", "sections", "context", "seen", "found",
                                                          "bar", "bars", "data", "kwargs", "changes"}


def test_no_blueprint_builds_or_writes_a_document():
    problems = [problem for path in sources("blueprints") for problem in blueprint_writes(path)]
    assert not problems, "a blueprint builds or writes a document (a service should):\n" + "\n".join(problems)


def test_the_guard_catches_what_it_guards(tmp_path):
    """The checks find each kind of write, and a forbidden import, so an empty list above means something."""
    sample = tmp_path / "view.py"
    sample.write_text("from documents import Absence, StaleEditError\n"
                      "def view(absence, values):\n"
                      "    Absence(first_day=None).save()\n"
                      "    absence.delete()\n"
                      "    absence.change('me', 'ended', lambda absence: None)\n"
                      "    Absence.objects(pk=1).update(set__x=1)\n"
                      "    values.update(a=1)\n"
                      "    raise StaleEditError()\n")
    found = sorted(problem.split(" ", 1)[1] for problem in blueprint_writes(sample))
    assert found == ["builds a Absence", "calls .change()", "calls .delete()", "calls .save()", "calls .update()"]
    assert forbidden_imports("blueprints", ("flask",)) != []
