"""What a letter template may say (casework.letter_grammar): every hostile template refused by name and line
when it is checked and again when a letter is rendered from it, with nothing of it run; the payloads wherever
docxtpl renders (docxtpl's own tags, headers, footers, footnotes, the document's properties); the sandbox
refusing them too when the allow-list is bypassed; everything the shipped templates and the fields page use
still allowed."""
from __future__ import annotations

import io

import jinja2
import pytest
from docx import Document
from jinja2.sandbox import SecurityError

from casework.letter_grammar import FILTERS, environment
from casework.letters import LetterProblem, check_template, render, sample_context
from tests.hostile_docx import plain_docx, with_footnote

ALLOWED = "The template uses something Casebook does not allow: "
TOUCH = "touch {marker}"
# (what it is, the template's paragraphs, what the refusal names). {marker} is a file the payload would create.
HOSTILE = [
    ("the __mro__ / __subclasses__ loop", [
        "{% for c in employee.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
        "{{ c(['touch', '{marker}']) }}{% endif %}{% endfor %}"], "employee.__class__"),
    ("lipsum's globals", ["{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}"], "lipsum"),
    ("cycler's globals", ["{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}"], "cycler"),
    ("joiner's globals", ["{{ joiner.__init__.__globals__.os.popen('touch {marker}').read() }}"], "joiner"),
    ("namespace's globals", ["{{ namespace.__init__.__globals__.os.popen('touch {marker}') }}"], "namespace"),
    ("the template reference", ["{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen("
                                "'touch {marker}') }}"], "self"),
    ("range", ["{% for i in range(99999999) %}x{% endfor %}"], "range"),
    ("a string's class", ["{{ ''.__class__.__mro__[1].__subclasses__() }}"], "''.__class__"),
    ("|attr", ["{{ employee|attr('__class__') }}"], "employee|attr"),
    ("|attr with a name built by ~", ["{{ employee|attr('__cla' ~ 'ss__') }}"], "employee|attr"),
    ("[] with a name built by ~", ["{{ employee['__cla' ~ 'ss__'] }}"], "employee['__cla' ~ 'ss__']"),
    ("|map(attribute=…)", ["{{ absences|map(attribute='__class__')|list }}"], "absences|map|list"),
    ("'%s'|format", ["{{ '%s'|format(employee) }}"], "'%s'|format"),
    ("str.format", ['{{ "{0.__class__}".format(employee) }}'], "'{0.__class__}'.format"),
    ("{% set %}", ["{% set x = employee.name %}{{ x }}"], "{% set %}"),
    ("{% include %}", ["{% include '/etc/passwd' %}"], "{% include %}"),
    ("{% import %}", ["{% import 'x' as y %}"], "{% import %}"),
    ("{% extends %}", ["{% extends 'x' %}"], "{% extends %}"),
    ("{% macro %}", ["{% macro m() %}{{ lipsum }}{% endmacro %}"], "{% macro %}"),
    ("{% call %}", ["{% call employee.name() %}{% endcall %}"], "{% call %}"),
    ("{% filter %}", ["{% filter upper %}x{% endfilter %}"], "{% filter %}"),
    ("{% with %}", ["{% with a = employee %}{% endwith %}"], "{% with %}"),
    ("{% autoescape false %}: XML put into the letter", [
        "{% autoescape false %}{{ employee.name }}{% endautoescape %}"], "{% autoescape %}"),
    ("|safe: XML put into the letter", ["{{ employee.name|safe }}"], "employee.name|safe"),
    ("loop.cycle", ["{% for a in absences %}{{ loop.cycle('a', 'b') }}{% endfor %}"], "loop.cycle"),
    ("loop's class", ["{% for a in absences %}{{ loop.__class__ }}{% endfor %}"], "loop.__class__"),
    ("a field's class", ["{{ employee.name.__class__ }}"], "employee.name.__class__"),
    ("a slice", ["{{ employee.name[0:3] }}"], "employee.name[0:3]"),
    ("a power that never ends", ["{{ 9 ** 9 ** 9 }}"], "9 ** 9 ** 9"),
    ("a string of 100 MB", ["{{ 'a' * 100000000 }}"], "'a' * 100000000"),
    ("|join with an attribute", ["{{ organisation.address|join(', ', '__class__') }}"],
     "organisation.address|join(', ', '__class__')"),
    ("|join(attribute=…)", ["{{ organisation.address|join(attribute='__class__') }}"],
     "organisation.address|join(attribute=…)"),
    ("|default of a global", ["{{ employee.name|default(lipsum) }}"], "employee.name|default(lipsum)"),
    ("a global in a condition", ["{{ employee.name if employee.name else lipsum }}"], "lipsum"),
    ("a loop with a filter", ["{% for a in absences if a.__class__ %}{% endfor %}"], "{% for … if … %}"),
    ("a recursive loop", ["{% for a in absences recursive %}{% endfor %}"], "{% for … recursive %}"),
    ("a loop named loop", ["{% for loop in absences %}{% endfor %}"], "{% for loop in … %}"),
    ("a list literal", ["{% for x in [employee] %}{{ x }}{% endfor %}"], "[…]"),
    ("a repeat inside a repeat (N × N rows)", ["{% for a in absences %}{% for b in absences %}{{ b.reason }}"
                                               "{% endfor %}{% endfor %}"],
     "{% for %} inside another {% for %} (repeating absences)"),
    ("docxtpl {%p %} around a global", ["{%p if lipsum %}", "x", "{%p endif %}"], "lipsum"),
    ("docxtpl {{r }} on a class", ["{{r employee.__class__ }}"], "employee.__class__"),
    ("docxtpl {%tr %} over subclasses", [["{%tr for c in ''.__class__.__subclasses__() %}"], ["{{ c }}"],
                                         ["{%tr endfor %}"]], "''.__class__"),
    ("docxtpl {%tc %} over a global", [["{%tc for c in lipsum %}", "{{ c }}", "{%tc endfor %}"]], "lipsum"),
]
UNKNOWN = [
    (["{{ config }}"], "Unknown field: config"),
    (["{{ request.environ }}"], "Unknown field: request"),
    (["{{ employee.items() }}"], "The template uses a field Casebook does not provide: employee.items"),
    (["{{ employee.name.upper() }}"], "The template uses a field Casebook does not provide: employee.name.upper"),
    (["{{ absence }}"], "The template uses absence on its own"),
    (["{{ employee }}"], "The template uses employee on its own"),
    (["{% for a in absences %}{{ a }}{% endfor %}"], "The template uses a on its own"),
    (["{% for x in employee.name %}{% endfor %}"], "The template repeats employee.name, which is not a list"),
    (["{{ " + "(" * 3000 + "employee.name" + ")" * 3000 + " }}"], "A field is nested too deeply to check"),
    (["{% if employee.name %}" * 500 + "x" + "{% endif %}" * 500], "A field is nested too deeply to check"),
]


def hostile(paragraphs: list, marker: str) -> bytes:
    """A template of these paragraphs, or of a table with these rows when they are lists of cells."""
    if paragraphs and isinstance(paragraphs[0], list):
        return table_docx(paragraphs)
    return plain_docx(*(text.replace("{marker}", marker) for text in paragraphs))


def table_docx(rows: list[list[str]]) -> bytes:
    document = Document()
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    for cells, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, texts, strict=False):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("paragraphs, named", [(paragraphs, named) for _, paragraphs, named in HOSTILE],
                         ids=[what for what, _, _ in HOSTILE])
def test_a_hostile_template_is_refused_by_name_when_checked_and_when_rendered_and_nothing_runs(
        tmp_path, paragraphs, named):
    marker = tmp_path / "ran"
    template = hostile(paragraphs, str(marker))
    problems = check_template(template, sample_context())
    assert problems and problems[0].startswith(f"{ALLOWED}{named} (near line "), problems
    with pytest.raises(LetterProblem) as refused:
        render(template, sample_context())
    assert str(refused.value).startswith(f"{ALLOWED}{named} (near line ")
    assert not marker.exists()


@pytest.mark.parametrize("paragraphs, problem", UNKNOWN)
def test_unknown_fields_groups_and_nesting_are_refused_by_name(paragraphs, problem):
    problems = check_template(plain_docx(*paragraphs), sample_context())
    assert problems and problems[0].startswith(problem), problems


def test_a_refusal_names_the_line_and_the_paragraph():
    template = plain_docx("Dear {{ employee.name }},", "Thank you.", "{{ lipsum.__globals__ }}")
    assert check_template(template, sample_context()) == [
        f"{ALLOWED}lipsum (near line 3: “{{{{ lipsum.__globals__ }}}}”)."]


@pytest.mark.parametrize("where, template", [
    ("in a header, near line 1", "header"), ("in a footer, near line 1", "footer"),
    ("in the footnotes, near line 1", "footnote"), ("in the document's properties (title)", "title"),
    ("in the document's properties (author)", "author")])
def test_payloads_are_refused_wherever_docxtpl_renders(tmp_path, where, template):
    marker = tmp_path / "ran"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch %s') }}" % marker
    document = Document()
    document.add_paragraph("Dear {{ employee.name }},")
    if template in ("header", "footer"):
        getattr(document.sections[0], template).paragraphs[0].text = payload
    elif template in ("title", "author"):
        setattr(document.core_properties, template, payload)
    out = io.BytesIO()
    document.save(out)
    data = with_footnote(out.getvalue(), payload) if template == "footnote" else out.getvalue()
    problems = check_template(data, sample_context())
    assert problems and problems[0].startswith(f"{ALLOWED}cycler ({where}"), problems
    with pytest.raises(LetterProblem):
        render(data, sample_context())
    assert not marker.exists()


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ employee.__class__ }}", "{{ employee|attr('__class__') }}",
    "{{ lipsum.__globals__ }}", "{{ cycler.__init__ }}", "{{ self._TemplateReference__context }}",
    "{{ '%s'|format(1) }}", '{{ "{0.__class__}".format(employee) }}', "{{ range(3) }}", "{{ namespace() }}",
    "{{ employee.name|safe }}", "{{ employee|attr('items') }}"])
def test_the_sandbox_refuses_what_the_allow_list_refuses_if_it_were_bypassed(source):
    with pytest.raises((SecurityError, jinja2.UndefinedError, jinja2.TemplateAssertionError)):
        environment().from_string(source).render(sample_context())


def test_the_sandbox_has_no_globals_and_only_the_allowed_filters():
    env = environment()
    assert (env.globals, set(env.filters), env.autoescape) == ({}, set(FILTERS), True)
    assert env.from_string("{{ x }}").render(x="<w:t>") == "&lt;w:t&gt;"


def test_everything_the_shipped_templates_and_the_fields_page_use_is_allowed():
    template = plain_docx(
        "{%p for line in organisation.address %}", "{{ line }}", "{%p endfor %}",
        "{{ organisation.address|join(', ') }} {{ employee.name|upper }} {{ case.kind|title }}",
        "{%p if outcome.review_date and not outcome.warning is none %}", "Review {{ outcome.review_date }}",
        "{%p elif meeting.date != '' %}", "x", "{%p else %}", "y", "{%p endif %}",
        "{{ hr_advisor.name|default('your HR advisor') }} {{ rtw.notes if rtw.notes else 'none' }}",
        "{% for absence in absences %}{{ loop.index }}. {{ absence.first_day }}{% if not loop.last %}; "
        "{% endif %}{% endfor %} ({{ absences|length }} in all, {{ totals.occasions }})")
    assert check_template(template, sample_context()) == []
    lines = [p.text for p in Document(io.BytesIO(render(template, sample_context()))).paragraphs]
    assert lines == [
        "Example House", "1 Sample Street", "Exampletown", "EX1 2AB",
        "Example House, 1 Sample Street, Exampletown, EX1 2AB WES WALKER Short-Term",
        "Review 2 March 2027", "Hana Hart Welcomed back.",
        "1. 4 February 2026; 2. 13 May 2026; 3. 12 August 2026; 4. 14 October 2026 (4 in all, 4)"]
