"""What a letter template may say: Casebook's fields, docxtpl's tags and a few filters, and nothing else.

A template is parsed the way docxtpl renders it: its body, headers, footers and footnotes after docxtpl's own
clean-up (`DocxTemplate.patch_xml`, which turns `{%p %}`, `{%tr %}`, `{%tc %}` and `{%r %}` into plain Jinja) and
the document's properties. Its syntax tree is then walked against an allow-list:

- text, `{{ … }}`, `{% if %}`/`{% elif %}`/`{% else %}` and `{% for x in list %}` over a list Casebook gives
  (`absences`, `organisation.address`), with `loop.index`, `loop.first` … inside it;
- names: Casebook's top-level fields and the loop's own variable; attributes: only the field paths of
  `casework.letters.FIELDS` (a loop variable over `absences` has the fields of `absences[]`), and only whole
  fields, never a group such as `employee` on its own;
- plain strings and numbers, `and`/`or`/`not`, comparisons, `a if b else c`, the filters in FILTERS with plain
  arguments and the tests in TESTS.

Everything else is refused by name, where it is written: a call, `x[…]`, a name starting with `_`, `self`,
`lipsum`, `cycler`, `range` and Jinja's other globals, `{% set %}`, `{% include %}`, `{% macro %}` and other
blocks, `|attr`, `|format`, `|safe`, arithmetic. Letters are rendered with `environment()`: Jinja's immutable
sandbox with only those filters and tests and no globals, strict about undefined fields, escaping every value.
"""
from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

# name → how many plain arguments it may take
FILTERS = {"join": 1, "upper": 0, "lower": 0, "title": 0, "capitalize": 0, "trim": 0, "default": 1, "length": 0,
           "first": 0, "last": 0}
TESTS = {"defined", "undefined", "none"}
LOOP_FIELDS = {"index", "index0", "revindex", "revindex0", "first", "last", "length"}
COMPARISONS = {"eq", "ne", "lt", "gt", "lteq", "gteq", "in", "notin"}
JINJA_NAMES = {"self", "loop", "lipsum", "cycler", "joiner", "namespace", "range", "dict", "caller", "varargs",
               "kwargs", "super"}
BLOCKS: dict[type[nodes.Node], str] = {
    nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}", nodes.Include: "{% include %}",
    nodes.Import: "{% import %}", nodes.FromImport: "{% from … import %}", nodes.Extends: "{% extends %}",
    nodes.Macro: "{% macro %}", nodes.CallBlock: "{% call %}", nodes.FilterBlock: "{% filter %}",
    nodes.Block: "{% block %}", nodes.With: "{% with %}", nodes.Scope: "{% autoescape %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}", nodes.EvalContextModifier: "{% autoescape %}",
    nodes.ExprStmt: "{% do %}", nodes.Break: "{% break %}", nodes.Continue: "{% continue %}"}
OPERATORS: dict[type[nodes.Node], str] = {
    nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/", nodes.FloorDiv: "//", nodes.Mod: "%",
    nodes.Pow: "**", nodes.Concat: "~", nodes.Neg: "-", nodes.Pos: "+"}
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")   # those docxtpl renders
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PLAIN = (str, int, float, bool, type(None))


@functools.cache
def environment() -> jinja2.Environment:
    """The environment letters are rendered in: Jinja's immutable sandbox, no globals, only the allowed filters
    and tests, undefined fields an error, every value escaped. One for the process, keeping what it compiled."""
    env = _LetterEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {name: env.tests[name] for name in TESTS}
    return env


class _LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, keeping what it compiled: docxtpl compiles each part of a template (its body, headers,
    footers, properties) from its text on every letter, a third of a letter's time, though the text of a
    template's parts is the same every time. The same text compiles to the same template in the same sandbox."""

    COMPILED_KEPT = 256

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}
        self._lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):   # noqa: A002 — Jinja's own name
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            with self._lock:
                if len(self._compiled) >= self.COMPILED_KEPT:
                    self._compiled.clear()
                self._compiled[source] = found
        return found


def template_sources(document: DocxTemplate) -> list[tuple[str, str]]:
    """Every text docxtpl renders, as (where it is, the text Jinja parses): the body, headers, footers and
    footnotes after docxtpl's clean-up, a line for each paragraph as docxtpl numbers them, and the properties."""
    document.init_docx()
    sources = [("", _paragraph_lines(document.patch_xml(document.get_xml())))]
    for uri, where in ((document.HEADER_URI, "in a header"), (document.FOOTER_URI, "in a footer")):
        sources += [(where, _paragraph_lines(document.patch_xml(document.get_part_xml(part))))
                    for _, part in document.get_headers_footers(uri)]
    sources += [("in the footnotes", _paragraph_lines(document.patch_xml(part.blob.decode("utf-8"))))
                for part in document.docx.part.package.parts if part.content_type == FOOTNOTES]
    properties = document.docx.core_properties
    sources += [(f"in the document's properties ({name})", getattr(properties, name) or "") for name in PROPERTIES]
    return sources


def check_sources(sources: Iterable[tuple[str, str]], fields: Iterable[str],
                  lists: Iterable[str]) -> tuple[list[str], set[str]]:
    """What in `sources` Casebook does not allow, in words naming it and where it is, and the field paths the
    template uses. `fields` are the paths a template may use ('employee.name', 'absences[]', 'absences[].reason'),
    `lists` those a template may repeat ('absences[]', 'organisation.address')."""
    checker = _Checker(fields, set(lists))
    parser = environment()
    for where, text in sources:
        if "{" not in text:
            continue
        checker.where, checker.lines = where, text.split("\n")
        try:
            tree = parser.parse(text)
            checker.statements(tree.body, {})
        except jinja2.TemplateSyntaxError as error:
            checker.problems.append(f"A field is written wrongly {checker.place(error.lineno)}: "
                                    f"{(error.message or 'a mistake').rstrip('.')}.")
        except RecursionError:
            checker.problems.append(f"A field is nested too deeply to check{' ' + where if where else ''}; write "
                                    "it more simply.")
    return list(dict.fromkeys(checker.problems)), checker.used


class _Checker:
    """Walks a template's syntax tree, keeping the field paths it uses and a problem for anything else."""

    def __init__(self, fields: Iterable[str], lists: set[str]):
        self.fields = dict.fromkeys(fields)     # in FIELDS' order, for the examples messages give
        self.groups: dict[str, str] = {}       # 'employee' → 'employee.name', its first field
        for field in self.fields:
            for end in range(len(field)):
                if field[end] == ".":
                    self.groups.setdefault(field[:end], field)
        self.lists = lists
        self.tops = {path.split(".")[0].removesuffix("[]") for path in fields}
        self.problems: list[str] = []
        self.used: set[str] = set()
        self.where = ""
        self.lines: list[str] = []

    def place(self, lineno: int | None) -> str:
        """Where a problem is: the paragraph's line as docxtpl numbers it, and the part when not the body."""
        if self.where.startswith("in the document's properties") or not lineno:
            return self.where or "in the body"
        line = f"near line {max(lineno - 1, 1)}"
        words = html.unescape(re.sub(r"<[^>]+>", "", self.lines[lineno - 1] if lineno <= len(self.lines) else ""))
        words = " ".join(words.split())
        if words:
            line += f": “{words if len(words) <= 60 else words[:59] + '…'}”"
        return f"{self.where}, {line}" if self.where else line

    def refuse(self, node: nodes.Node, written: str) -> None:
        lineno = getattr(node, "lineno", None) or next((child.lineno for child in node.iter_child_nodes()), None)
        self.problems.append(f"The template uses something Casebook does not allow: {written} "
                             f"({self.place(lineno)}).")

    def statements(self, body: list[nodes.Node], scope: dict[str, str]) -> None:
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if not isinstance(child, nodes.TemplateData):
                        self.value(child, scope)
            elif isinstance(node, nodes.If):
                self.value(node.test, scope, condition=True)
                self.statements(node.body, scope)
                for branch in node.elif_:
                    self.value(branch.test, scope, condition=True)
                    self.statements(branch.body, scope)
                self.statements(node.else_, scope)
            elif isinstance(node, nodes.For):
                self.loop(node, scope)
            else:
                self.refuse(node, BLOCKS.get(type(node), f"{{% {type(node).__name__.lower()} %}}"))

    def loop(self, node: nodes.For, scope: dict[str, str]) -> None:
        """`{% for x in list %}` over a list Casebook gives; inside, x has the fields of the list's items."""
        target = node.target
        if not isinstance(target, nodes.Name) or target.name in JINJA_NAMES or target.name.startswith("_"):
            self.refuse(node, f"{{% for {_written(target)} in … %}}")
            return
        if node.recursive or node.test is not None:
            self.refuse(node, "{% for … recursive %}" if node.recursive else "{% for … if … %}")
            return
        if "loop" in scope:     # one repeat inside another multiplies the letter: N × N rows, and so on
            self.refuse(node, f"{{% for %}} inside another {{% for %}} (repeating {_written(node.iter)})")
            return
        listed = self.path(node.iter, scope)
        if listed is None:
            return
        if listed not in self.lists:
            self.problems.append(f"The template repeats {_written(node.iter)}, which is not a list "
                                 f"({self.place(node.lineno)}): repeat "
                                 f"{' or '.join(sorted(path.removesuffix('[]') for path in self.lists))}.")
            return
        self.used.add(listed)
        item = listed if listed.endswith("[]") else listed + "[]"
        self.statements(node.body, {**scope, target.name: item, "loop": "loop"})
        self.statements(node.else_, scope)

    def value(self, node: nodes.Node, scope: dict[str, str], condition: bool = False) -> None:
        """An expression that gives a value: a whole field, a plain constant, or an allowed filter, test,
        comparison or condition of those. A list of groups (absences) only as a condition or with |length."""
        if isinstance(node, nodes.Const):
            if not isinstance(node.value, PLAIN):
                self.refuse(node, repr(node.value))
        elif isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Call)):
            path = self.path(node, scope)
            if path is not None:
                self.whole(node, path, condition)
        elif isinstance(node, nodes.Filter):
            self.filtered(node, scope)
        elif isinstance(node, nodes.Test):
            if node.name not in TESTS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.refuse(node, f"{_written(node.node)} is {node.name}")
            else:
                self.value(node.node, scope, condition=True)
        elif isinstance(node, nodes.Compare):
            self.value(node.expr, scope)
            for operand in node.ops:
                if operand.op not in COMPARISONS:
                    self.refuse(node, operand.op)
                self.value(operand.expr, scope)
        elif isinstance(node, (nodes.And, nodes.Or)):
            self.value(node.left, scope, condition)
            self.value(node.right, scope, condition)
        elif isinstance(node, nodes.Not):
            self.value(node.node, scope, condition=True)
        elif isinstance(node, nodes.CondExpr):
            self.value(node.test, scope, condition=True)
            self.value(node.expr1, scope)
            if node.expr2 is not None:
                self.value(node.expr2, scope)
        else:
            self.refuse(node, _written(node))

    def filtered(self, node: nodes.Filter, scope: dict[str, str]) -> None:
        """One of FILTERS with at most its number of plain arguments and no keywords."""
        if node.name not in FILTERS or node.node is None:
            self.refuse(node, _written(node))
            return
        plain = all(isinstance(argument, nodes.Const) and isinstance(argument.value, PLAIN) for argument in node.args)
        if len(node.args) > FILTERS[node.name] or not plain or node.kwargs or node.dyn_args or node.dyn_kwargs:
            arguments = [_written(argument) for argument in node.args] + [
                f"{keyword.key}=…" for keyword in node.kwargs] + (["…"] if node.dyn_args or node.dyn_kwargs else [])
            self.refuse(node, f"{_written(node)}({', '.join(arguments)})")
            return
        self.value(node.node, scope, condition=node.name == "length")

    def path(self, node: nodes.Node, scope: dict[str, str]) -> str | None:
        """The field path `node` names ('employee.name', 'absences[]', 'absences[].reason', 'loop.index'), or
        None once the first part of it that is not allowed has been refused by name."""
        steps: list[nodes.Node] = []
        base = node
        while isinstance(base, (nodes.Getattr, nodes.Getitem, nodes.Call)):
            steps.insert(0, base)
            base = base.node
        if not isinstance(base, nodes.Name):
            self.refuse(node, _written(steps[0] if steps else base))
            return None
        name = base.name
        path = scope.get(name) or (self.field(name) if name in self.tops else None)
        if path is None:
            if name in JINJA_NAMES or name.startswith("_"):
                self.refuse(node, name)
            else:
                self.problems.append(f"Unknown field: {name} ({self.place(node.lineno)}).")
            return None
        for step in steps:
            if not isinstance(step, nodes.Getattr):
                self.refuse(node, _written(step))
                return None
            if path == "loop":
                found = f"loop.{step.attr}" if step.attr in LOOP_FIELDS else None
            else:
                found = None if path.startswith("loop.") else self.field(f"{path}.{step.attr}")
            if found is None:
                if step.attr.startswith("_") or path.startswith("loop"):
                    self.refuse(node, _written(step))
                else:
                    self.problems.append(f"The template uses a field Casebook does not provide: {_written(step)} "
                                         f"({self.place(node.lineno)}).")
                return None
            path = found
        return path

    def field(self, path: str) -> str | None:
        """`path` as FIELDS writes it ('absences' is 'absences[]'), if it is a field or a group of fields."""
        for candidate in (path, path + "[]"):
            if candidate in self.fields or candidate in self.groups:
                return candidate
        return None

    def whole(self, node: nodes.Node, path: str, condition: bool) -> None:
        """A value must be a whole field: not a group (`employee`), not `loop`, and a list of groups
        (`absences`) only as a condition."""
        if path == "loop":
            self.refuse(node, "loop")
        elif path in self.groups and not (condition and path in self.lists):
            example = self.groups[path][len(path) + 1:].split(".")[0]
            self.problems.append(f"The template uses {_written(node)} on its own ({self.place(node.lineno)}): use "
                                 f"one of its fields, such as {_written(node)}.{example}.")
        else:
            self.used.add(path)


def _written(node: nodes.Node | None) -> str:
    """An expression written back roughly as the template has it, for a message."""
    if node is None:
        return ""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)[:40]
    if isinstance(node, nodes.Getattr):
        return f"{_written(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_written(node.node)}[{_written(node.arg)}]"
    if isinstance(node, nodes.Call):
        return f"{_written(node.node)}(…)"
    if isinstance(node, nodes.Filter):
        return f"{_written(node.node)}|{node.name}"
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return "[…]" if isinstance(node, nodes.List) else "(…)"
    if isinstance(node, nodes.Dict):
        return "{…}"
    if isinstance(node, nodes.BinExpr):
        return f"{_written(node.left)} {OPERATORS.get(type(node), node.operator)} {_written(node.right)}"
    if isinstance(node, nodes.UnaryExpr):
        return f"{OPERATORS.get(type(node), node.operator)}{_written(node.node)}"
    if isinstance(node, nodes.Concat):
        return " ~ ".join(_written(part) for part in node.nodes)
    if isinstance(node, nodes.Slice):
        return f"{_written(node.start)}:{_written(node.stop)}"
    return type(node).__name__


def _paragraph_lines(xml: str) -> str:
    """docxtpl's own line breaks: one before each paragraph, so a line number counts paragraphs."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
