"""Hostile Word files and templates through the routes that take them: every file of tests/hostile_docx.py
refused with its reason beside the file field by the administrators' template upload and by the upload of an
edited letter, nothing stored; hostile templates refused at upload by name with nothing run; a hostile template
written straight into storage refused when a letter is made; a zip bomb refused with the process's memory
barely moving (measured in a process of its own); no PDF copy of a stored file that is no longer accepted."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import gridfs
import pytest
from mongoengine.connection import get_db

from documents import Case, LetterTemplate
from services import letter_templates as templates
from services.cases.letters import generate, pdf_copy
from services.errors import Refused

# signed_in and wes are fixtures: imported, pytest finds them here (hence the noqa F811 where they are used)
from tests.app.test_letter_templates_admin import shipped_plus, signed_in, stored_files, upload  # noqa: F401
from tests.app.test_letters import ORG, TODAY, make, staged, upload_file, wes  # noqa: F401
from tests.hostile_docx import BOMB, corpus, lying_sizes, streamed_document

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = "The template uses something Casebook does not allow: "
# Payloads that would create the file {marker} if they ran, and what the refusal names.
PAYLOADS = [
    ("{% for c in employee.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
     "{{ c(['touch', '{marker}']) }}{% endif %}{% endfor %}", "employee.__class__"),
    ("{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}", "lipsum"),
    ("{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}", "cycler"),
    ("{{ self._TemplateReference__context.joiner.__init__.__globals__.os.popen('touch {marker}') }}", "self"),
    ("{{ employee|attr('__cla' ~ 'ss__') }}", "employee|attr"),
    ("{{ '%s'|format(employee) }}", "'%s'|format"),
    ("{% set x = 1 %}{% include 'x' %}", "{% set %}"),
]


def first_problem(response) -> str | None:
    found = re.search(r'id="template-problems">\s*<ul[^>]*>\s*<li>(.*?)</li>',
                      html.unescape(response.get_data(as_text=True)), re.S)
    return found.group(1) if found else None


def test_every_hostile_docx_is_refused_by_the_template_upload_and_nothing_is_stored(signed_in):  # noqa: F811
    client = signed_in("admin")
    wrong = []
    for what, data, reason in corpus():
        response = upload(client, data, "C3.docx")
        response.request.environ["wsgi.input"].close()
        said = first_problem(response)
        if response.status_code != 400 or not (said or "").startswith(reason):
            wrong.append((what, response.status_code, said))
    assert wrong == []
    assert (LetterTemplate.objects.count(), stored_files(templates.FILES)) == (0, 0)
    assert len(corpus()) >= 60


def test_every_hostile_docx_is_refused_beside_the_file_field_of_an_edited_letter(auth, wes):  # noqa: F811
    case = staged(wes)
    record = generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    auth.login("bea@example.org")
    wrong = []
    for what, data, reason in corpus():
        response = upload_file(auth, case, record, data, "C3 edited.docx")
        response.request.environ["wsgi.input"].close()
        beside = re.search(rf'id="upload-{record.id}-file-error"><span class="nhsuk-u-visually-hidden">Error:</span> '
                           r"(.*?)</span>", html.unescape(response.get_data(as_text=True)), re.S)
        if response.status_code != 400 or not beside or not beside.group(1).startswith(reason):
            wrong.append((what, response.status_code, beside.group(1) if beside else None))
    assert wrong == []
    saved = Case.objects.get(pk=case.pk)
    assert (len(saved.current_stage.letters[0].versions), get_db()["letters.files"].count_documents({})) == (1, 1)


@pytest.mark.parametrize("payload, named", PAYLOADS, ids=[named for _, named in PAYLOADS])
def test_a_hostile_template_is_refused_at_upload_by_name_and_nothing_runs(signed_in, tmp_path, payload,  # noqa: F811
                                                                          named):
    marker = tmp_path / "ran"
    response = upload(signed_in("admin"), shipped_plus("C9", payload.replace("{marker}", str(marker))), "C9.docx",
                      code="C9")
    assert response.status_code == 400
    assert first_problem(response).startswith(f"{ALLOWED}{named} (near line ")
    assert not marker.exists()
    assert (LetterTemplate.objects.count(), stored_files(templates.FILES)) == (0, 0)


def test_a_hostile_template_written_straight_into_storage_is_refused_when_a_letter_is_made(
        app, auth, wes, tmp_path):  # noqa: F811 - wes is the fixture imported above
    marker = tmp_path / "ran"
    payload = PAYLOADS[0][0].replace("{marker}", str(marker))
    file_id = gridfs.GridFS(get_db(), collection=templates.FILES).put(shipped_plus("C3", payload))
    LetterTemplate(code="C3", in_use=1, versions=[templates.TemplateVersion(
        number=1, file_id=file_id, filename="C3.docx", size=1, uploaded_by="intruder@example.org")]).save_checked()
    case = staged(wes)
    auth.login("bea@example.org")
    refused = make(auth, case, "C3", case.current_stage.meetings[0].id)
    assert refused.status_code == 400
    assert f"{ALLOWED}employee.__class__ (near line " in html.unescape(refused.get_data(as_text=True))
    with pytest.raises(Refused, match=re.escape(f"{ALLOWED}employee.__class__")):
        generate(case, "C3", "bea@example.org", TODAY, case.current_stage.meetings[0].id, organisation=ORG)
    assert not marker.exists()
    assert (Case.objects.get(pk=case.pk).current_stage.letters, get_db()["letters.files"].count_documents({})) == (
        [], 0)
    checked = app.test_cli_runner().invoke(args=["letters", "check"])
    assert checked.exit_code == 1
    assert f"C3 uploaded v1: {ALLOWED}employee.__class__ (near line " in checked.stdout
    assert not marker.exists()


def test_a_zip_bomb_is_refused_while_the_memory_of_the_process_barely_moves(database_uri):
    """Run in a process of its own so the peak is the upload's alone: 300 MB in 332 KB, posted to
    /admin/letters/C3. Before the fix the peak grew by about 600 MB and the answer was a 500."""
    run = subprocess.run([sys.executable, "-m", "tests.app.zip_bomb_upload", database_uri], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    measured = json.loads(run.stdout.strip().splitlines()[-1])
    assert measured["status"] == 400 and measured["message"].startswith(BOMB), measured
    assert measured["growth_mb"] < 40, measured


def test_no_pdf_copy_is_made_of_a_stored_file_no_longer_accepted(monkeypatch):
    monkeypatch.setattr("services.cases.letters.pdf_converter", lambda: "/bin/false")
    lying = lying_sizes(streamed_document(20 * 1024 * 1024), "word/document.xml", 4096)
    with pytest.raises(Refused, match=r"The PDF copy could not be made: The file is damaged"):
        pdf_copy(lying)
