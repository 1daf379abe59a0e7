"""Template management and the organisation's details: who may see and change them, uploads refused with every
problem by name and nothing stored, a good upload becoming the template letters use with an audit entry, earlier
versions and the shipped template used again, `letters check`, and the organisation's details in letters."""
from __future__ import annotations

import html
import io
import re
import zipfile

import gridfs
import pytest
from docx import Document
from mongoengine.connection import get_db

from casework.docx_package import clean_docx
from casework.letters import LETTERS, SAMPLE_LOGO, LetterProblem, render, sample_context
from documents import LetterTemplate, Organisation
from services import letter_templates as templates
from services import organisation
from services.organisation import organisation_context
from services.settings import OrganisationDefaults
from tests.conftest import csrf_token
from tests.unit.test_letters import template as build_template

GOOD = build_template("Dear {{ employee.name }},",
                      "We meet on {{ meeting.date }} at {{ meeting.time }} in {{ meeting.place }}.",
                      "{{ manager.name }}", rows=True)
SHIPPED_C3 = (templates.SHIPPED / "C3.docx").read_bytes()
READ_PAGES = ["/admin/letters", "/admin/letters/fields", "/admin/letters/C3", "/admin/letters/C3/template.docx",
              "/admin/letters/C3/versions/1.docx", "/admin/letters/C3/shipped.docx"]
ADMIN_PAGES = ["/admin/organisation"]
CHANGES = ["/admin/letters/C3", "/admin/letters/C3/versions/1/use", "/admin/letters/C3/shipped",
           "/admin/organisation"]


def shipped_plus(code: str, text: str) -> bytes:
    """The shipped template of `code` with one more paragraph: an edit as HR would make it in Word."""
    document = Document(io.BytesIO((templates.SHIPPED / f"{code}.docx").read_bytes()))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_macros(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as package:
        package.writestr("word/vbaProject.bin", b"macro")
    return out.getvalue()


def stored_files(collection: str) -> int:
    return get_db()[f"{collection}.files"].count_documents({})


@pytest.fixture
def signed_in(make_employee, make_user, auth):
    def sign_in(*roles: str, email: str = "someone@example.org"):
        make_user(email, list(roles), hr_divisions=["Community Care"],
                  assignment_number=make_employee().assignment_number)
        auth.login(email)
        return auth.client
    return sign_in


def page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def upload(client, data: bytes, filename: str = "C3 edited.docx", note: str = "", code: str = "C3"):
    token = csrf_token(page(client, f"/admin/letters/{code}"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        page(client, f"/admin/letters/{code}")).group(1)
    return client.post(f"/admin/letters/{code}", data={"csrf_token": token, "version": version, "note": note,
                                                       "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def upload_and_use(client, data: bytes, filename: str = "C3 edited.docx", note: str = "", code: str = "C3"):
    """Upload a template, then put it into use from its sample letter's page, as an administrator does."""
    response = upload(client, data, filename, note, code)
    assert response.status_code == 302, response.get_data(as_text=True)
    number = re.search(r"/versions/(\d+)/sample$", response.headers["Location"]).group(1)
    return post_choice(client, f"/admin/letters/{code}/versions/{number}/use", code)


def post_choice(client, url: str, code: str = "C3"):
    html_page = page(client, f"/admin/letters/{code}")
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html_page).group(1)
    return client.post(url, data={"csrf_token": csrf_token(html_page), "version": version})


@pytest.mark.parametrize("roles, url, status", [
    *[(["manager"], url, 403) for url in READ_PAGES + ADMIN_PAGES],
    *[(["support"], url, 403) for url in READ_PAGES + ADMIN_PAGES],
    *[(["hr"], url, 200) for url in READ_PAGES],
    *[(["hr"], url, 403) for url in ADMIN_PAGES],
    *[(["admin"], url, 200) for url in READ_PAGES + ADMIN_PAGES],
])
def test_roles_gate_the_pages(signed_in, roles, url, status):
    templates.upload_template("C3", GOOD, "C3.docx", "admin@example.org")
    assert signed_in(*roles).get(url).status_code == status


@pytest.mark.parametrize("url", CHANGES)
def test_hr_reads_but_cannot_change_templates_or_the_organisation(signed_in, url):
    templates.upload_template("C3", GOOD, "C3.docx", "admin@example.org")
    client = signed_in("hr")
    token = csrf_token(page(client, "/admin/letters"))
    response = client.post(url, data={"csrf_token": token, "version": "1", "name": "Another name",
                                      "file": (io.BytesIO(GOOD), "C3.docx")}, content_type="multipart/form-data")
    assert response.status_code == 403
    record = LetterTemplate.objects.get(code="C3")
    assert (len(record.versions), record.in_use, Organisation.objects.count()) == (1, 1, 0)


def test_hr_sees_no_upload_form_and_admin_does(signed_in, make_user, auth):
    assert "Check the template and show its sample letter" not in page(signed_in("hr"), "/admin/letters/C3")
    auth.logout()
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    assert "Check the template and show its sample letter" in page(auth.client, "/admin/letters/C3")


@pytest.mark.parametrize("code, data, filename, problems", [
    ("C3", GOOD, "C3.doc", ["C3.doc is not a Word .docx file: save the template as a Word Document (.docx)."]),
    ("C3", b"Dear {{ employee.name }}", "C3.docx", ["This is not a Word .docx file."]),
    ("C3", with_macros(GOOD), "C3.docx",
     ["The file contains macros; save it as a Word Document (.docx) without macros."]),
    ("C4", shipped_plus("C4", "Review on {{ outcom.review_date }}."), "C4.docx",
     ["Unknown field: outcom (near line 47: “Review on {{ outcom.review_date }}.”)."]),
    ("C3", shipped_plus("C3", "Dear {{ employee.nmae }},"), "C3.docx",
     ["The template uses a field Casebook does not provide: employee.nmae (near line 55: “Dear {{ employee.nmae "
      "}},”)."]),
    ("C3", shipped_plus("C3", "Because {{ absence.detail }}"), "C3.docx",
     ["Only the occupational health referral may use absence.detail (the medical detail)."]),
    ("C3", build_template("Dear {{ employee.name }}, see you on {{ meeting.date }}."), "C3.docx",
     ["The letter must show manager.name, the associated absences (absences), meeting.time, meeting.place: put "
      "them back in the template."]),
    ("C3", build_template("Dear {{ employee.name }"), "C3.docx",
     ["A field is written wrongly near line 1: “Dear {{ employee.name }”: unexpected '}'."]),
])
def test_a_bad_upload_is_refused_with_its_problems_and_nothing_is_stored(signed_in, code, data, filename, problems):
    client = signed_in("admin")
    response = upload(client, data, filename, code=code)
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert "The template cannot be used: 1 problem, listed below." in text
    assert re.findall(r'<div class="nhsuk-error-message" id="template-problems">\s*<ul[^>]*>(.*?)</ul>',
                      text, re.S)[0].strip() == f"<li>{problems[0]}</li>"
    assert (LetterTemplate.objects.count(), stored_files(templates.FILES)) == (0, 0)
    assert templates.template_bytes(code) == (templates.SHIPPED / f"{code}.docx").read_bytes()


def test_the_medical_detail_is_accepted_in_the_occupational_health_referral(signed_in):
    referral = shipped_plus("B4", "Referral for {{ employee.name }}: {{ absence.detail }}")
    assert upload_and_use(signed_in("admin"), referral, "B4.docx", code="B4").status_code == 302
    assert templates.template_bytes("B4") == clean_docx(referral)


def test_a_good_upload_is_shown_as_a_sample_letter_then_put_into_use_with_audit_entries(signed_in):
    client = signed_in("admin", email="admin@example.org")
    response = upload(client, GOOD, "C3 with our wording.docx", note="Our own wording")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/letters/C3/versions/1/sample")
    record = LetterTemplate.objects.get(code="C3")
    version = record.versions[0]
    assert (record.in_use, version.number, version.filename, version.size, version.uploaded_by, version.note) == (
        None, 1, "C3_with_our_wording.docx", len(clean_docx(GOOD)), "admin@example.org", "Our own wording")
    assert templates.template_bytes("C3") == SHIPPED_C3            # not in use until it is put into use
    entry = record.audit[0]
    assert (entry.actor, entry.action, entry.before, entry.after, entry.reason) == (
        "admin@example.org", "template uploaded, not in use yet", {"in_use": "shipped"},
        {"in_use": "shipped", "filename": "C3_with_our_wording.docx", "size": len(clean_docx(GOOD)),
         "stored": "uploaded v1"}, "Our own wording")
    sample = html.unescape(page(client, "/admin/letters/C3/versions/1/sample"))
    assert "Version 1 of C3 is stored, not in use yet: read the sample letter it makes, then put it into use." in sample
    assert "<p>Dear Wes Walker,</p>" in sample and "Not in use" in sample and "{{" not in sample
    assert "<p>We meet on Tuesday 8 December 2026 at 10:00 in Room 2, Example House.</p>" in sample
    assert '<th scope="col">First day</th>' in sample
    assert '<th scope="row">4 February 2026</th><td>6 February 2026</td>' in sample
    assert "Put version 1 into use" in sample
    docx = client.get("/admin/letters/C3/versions/1/sample.docx")
    assert docx.headers["Content-Disposition"] == "attachment; filename=C3-v1-sample.docx"
    assert b"word/document.xml" in docx.data and docx.headers["Content-Type"] == templates.DOCX

    response = post_choice(client, "/admin/letters/C3/versions/1/use")
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/letters/C3")
    assert templates.template_bytes("C3") == clean_docx(GOOD)
    assert LetterTemplate.objects.get(code="C3").audit[-1].after == {"in_use": "uploaded v1"}
    shown = page(client, "/admin/letters/C3")
    assert "Version 1 of C3 is the template in use." in shown
    assert 'Uploaded version 1 (C3_with_our_wording.docx), by <span title="admin@example.org">Admin</span>' in shown
    download = client.get("/admin/letters/C3/template.docx")
    assert download.data == clean_docx(GOOD)     # what is stored: the file made again from the parts it needs
    assert download.headers["Content-Disposition"] == "attachment; filename=C3-v1.docx"
    assert download.headers["Content-Type"] == templates.DOCX
    listing = page(client, "/admin/letters")
    assert re.search(r"C3 Invitation to a formal absence review meeting \(1st or 2nd\)</a></td>\s*"
                     r"<td>a meeting of the stage</td>\s*<td>Uploaded version 1<br>", listing)
    assert "Put version 1 into use" not in page(client, "/admin/letters/C3/versions/1/sample")
    assert client.get("/admin/letters/C3/versions/9/sample").status_code == 404


def test_hr_reads_the_templates_without_their_syntax(signed_in):
    templates.upload_template("C3", GOOD, "C3.docx", "admin@example.org")
    client = signed_in("hr")
    for url in ("/admin/letters", "/admin/letters/C3", "/admin/letters/fields", "/admin/letters/C3/versions/1/sample"):
        shown = html.unescape(page(client, url))
        assert "{{" not in shown and "{%" not in shown and "(employee.name)" not in shown, url
    fields = html.unescape(page(client, "/admin/letters/fields"))
    assert "What Casebook fills into letters" in fields and "Type in Word" not in fields
    assert "Put version 1 into use" not in page(client, "/admin/letters/C3/versions/1/sample")


def test_earlier_versions_and_the_shipped_template_can_be_used_again(signed_in):
    client = signed_in("admin", email="admin@example.org")
    second = shipped_plus("C3", "Dear {{ employee.first_name }}, see you on {{ meeting.date }}.")
    assert upload_and_use(client, GOOD).status_code == 302
    assert upload_and_use(client, second, "second.docx").status_code == 302
    assert (templates.template_bytes("C3"), LetterTemplate.objects.get(code="C3").in_use) == (clean_docx(second), 2)

    response = post_choice(client, "/admin/letters/C3/versions/1/use")
    assert (response.status_code, templates.template_bytes("C3")) == (302, clean_docx(GOOD))
    assert "Version 1 of C3 is the template in use again." in page(client, "/admin/letters/C3")
    assert client.get("/admin/letters/C3/versions/2.docx").data == clean_docx(second)

    response = post_choice(client, "/admin/letters/C3/shipped")
    assert (response.status_code, templates.template_bytes("C3")) == (302, SHIPPED_C3)
    record = LetterTemplate.objects.get(code="C3")
    assert ([version.number for version in record.versions], record.in_use) == ([1, 2], None)
    assert [(entry.action, entry.before["in_use"], entry.after["in_use"]) for entry in record.audit] == [
        ("template uploaded, not in use yet", "shipped", "shipped"),
        ("template put into use", "shipped", "uploaded v1"),
        ("template uploaded, not in use yet", "uploaded v1", "uploaded v1"),
        ("template put into use", "uploaded v1", "uploaded v2"),
        ("template version used again", "uploaded v2", "uploaded v1"),
        ("shipped template restored", "uploaded v1", "shipped")]
    assert client.get("/admin/letters/C3/template.docx").headers["Content-Disposition"] == \
        "attachment; filename=C3-shipped.docx"


def test_a_page_gone_stale_changes_nothing(signed_in):
    client = signed_in("admin")
    assert upload_and_use(client, GOOD).status_code == 302
    token = csrf_token(page(client, "/admin/letters/C3"))
    response = client.post("/admin/letters/C3/shipped", data={"csrf_token": token, "version": "0"})
    assert response.status_code == 400
    assert "Someone else changed this record" in html.unescape(response.get_data(as_text=True))
    assert LetterTemplate.objects.get(code="C3").in_use == 1


def test_a_version_that_no_longer_passes_the_checks_is_not_used_again(signed_in):
    client = signed_in("admin")
    assert upload_and_use(client, GOOD).status_code == 302
    assert upload_and_use(client, shipped_plus("C3", "Hello {{ employee.name }}")).status_code == 302
    record = LetterTemplate.objects.get(code="C3")
    bad = gridfs.GridFS(get_db(), collection=templates.FILES).put(shipped_plus("C3", "{{ employee.nmae }}"))
    LetterTemplate.objects(code="C3").update_one(set__versions__0__file_id=bad)
    response = post_choice(client, "/admin/letters/C3/versions/1/use")
    assert response.status_code == 400
    assert ("That version cannot be used with this Casebook: The template uses a field Casebook does not provide: "
            "employee.nmae (near line 55: “{{ employee.nmae }}”).") in html.unescape(response.get_data(as_text=True))
    assert LetterTemplate.objects.get(code="C3").in_use == record.in_use == 2


def test_letters_check_passes_on_the_shipped_templates(app):
    result = app.test_cli_runner().invoke(args=["letters", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{code} ok" for code in LETTERS] + [
        "letters check: all 18 templates can be used."]


def test_letters_check_fails_naming_the_field_of_a_bad_template_in_use(app):
    templates.upload_template("C3", GOOD, "C3.docx", "admin@example.org")
    files = gridfs.GridFS(get_db(), collection=templates.FILES)
    good, bad = files.put(GOOD), files.put(shipped_plus("C4", "Review on {{ outcom.review_date }}."))
    LetterTemplate(code="C4", in_use=2, versions=[
        templates.TemplateVersion(number=number, file_id=file_id, filename="C4.docx", size=1,
                                  uploaded_by="admin@example.org") for number, file_id in ((1, good), (2, bad))
    ]).save_checked()
    result = app.test_cli_runner().invoke(args=["letters", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:5] == ["C1 ok", "C2 ok", "C3 uploaded v1 ok",
                         "C4 uploaded v2: Unknown field: outcom (near line 47: “Review on {{ outcom.review_date }}.”).",
                         "C5 ok"]
    assert len(lines) == 18
    assert result.stderr == "letters check: 1 of 18 templates cannot be used: C4.\n"


def test_the_fields_page_shows_what_to_type(signed_in):
    shown = html.unescape(page(signed_in("admin"), "/admin/letters/fields"))
    for typed in ("{{ employee.name }}", "{{ outcome.appeal_deadline }}", "{%tr for absence in absences %}",
                  "{{ absence.first_day }}", "{{ absence.detail }}"):
        assert f"<code>{typed}" in shown
    assert "the filters <code>capitalize, default, first, join, last, length, lower, title, trim, upper</code>" in shown
    assert re.search(r"\{\{ absence.detail \}\}</code></td>\s*<td>The medical detail: only the occupational "
                     r"health referral \(B4\) may use it <strong[^>]*>Medical detail</strong>", shown)


def organisation_form(client, **changes) -> dict:
    shown = page(client, "/admin/organisation")
    values = {"csrf_token": csrf_token(shown),
              "version": re.search(r'name="version" type="hidden" value="(\d+)"', shown).group(1),
              "name": "Northshire Council", "address": "County Hall\nHigh Street\nNorthtown\nNT1 1AA",
              "phone": "01632 960123", "email": "hr@northshire.example.org"}
    return {**values, **changes}


def test_until_saved_letters_use_the_configured_name(app):
    with app.test_request_context():
        assert organisation_context(OrganisationDefaults.from_config(app.config)) == {
            "name": "Example Health and Care Trust", "address": [], "phone": "", "email": "", "logo": b""}


def test_the_organisation_details_are_saved_with_an_audit_entry_and_used_by_letters(signed_in, app):
    client = signed_in("admin", email="admin@example.org")
    assert 'value="Example Health and Care Trust"' in page(client, "/admin/organisation")
    response = client.post("/admin/organisation", data=organisation_form(client, address="County Hall\n\n High "
                                                                                  "Street \nNorthtown\nNT1 1AA"))
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/organisation")
    with app.test_request_context():
        assert organisation_context(OrganisationDefaults.from_config(app.config)) == {"name": "Northshire Council",
                                          "address": ["County Hall", "High Street", "Northtown", "NT1 1AA"],
                                          "phone": "01632 960123", "email": "hr@northshire.example.org",
                                          "logo": b""}
    saved = Organisation.current()
    entry = saved.audit[0]
    assert (saved.version, entry.actor, entry.action) == (1, "admin@example.org", "organisation details changed")
    assert (entry.before, entry.after) == (
        {"address": [], "email": None, "name": "Example Health and Care Trust", "phone": None},
        {"address": ["County Hall", "High Street", "Northtown", "NT1 1AA"], "email": "hr@northshire.example.org",
         "name": "Northshire Council", "phone": "01632 960123"})
    assert "The organisation&#39;s details are saved; letters use them from now on." in page(
        client, "/admin/organisation")

    response = client.post("/admin/organisation", data=organisation_form(client, phone="01632 960999"))
    assert response.status_code == 302
    saved.reload()
    assert (saved.version, saved.audit[1].before, saved.audit[1].after) == (
        2, {"phone": "01632 960123"}, {"phone": "01632 960999"})
    assert client.post("/admin/organisation", data=organisation_form(client, phone="01632 960999")).status_code == 302
    assert "Nothing changed." in page(client, "/admin/organisation")
    assert Organisation.current().version == 2


@pytest.mark.parametrize("field, value, message", [
    ("name", "  ", "Enter the organisation's name."),
    ("name", "N" * 201, "The name must be 200 characters or fewer."),
    ("address", "\n".join(f"Line {number}" for number in range(9)), "The address can have at most 8 lines."),
    ("address", "A" * 101, "Each line of the address must be 100 characters or fewer."),
    ("phone", "ring reception", "Enter a telephone number in digits, for example 01234 567890."),
    ("email", "hr at northshire", "Enter an e-mail address, for example hr@example.org."),
    ("logo", (io.BytesIO(b"GIF89a\x01\x00\x01\x00"), "logo.gif"), "The logo must be a PNG or JPEG image."),
    ("logo", (io.BytesIO(b"\xff\xd8\xff" + bytes(2000)), "logo.jpg"),
     "The logo is larger than 1 MB: save a smaller image."),
])
def test_bad_organisation_details_are_refused_beside_the_field(signed_in, monkeypatch, field, value, message):
    monkeypatch.setattr(organisation, "LOGO_MAX_BYTES", 2000)
    client = signed_in("admin")
    response = client.post("/admin/organisation", data=organisation_form(client, **{field: value}),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    shown = html.unescape(response.get_data(as_text=True))
    assert re.search(rf'<span class="nhsuk-error-message" id="{field}-error"><span class="nhsuk-u-visually-hidden">'
                     rf'Error:</span> {re.escape(message)}</span>', shown)
    assert (Organisation.objects.count(), stored_files("organisation_files")) == (0, 0)


def test_a_logo_may_be_a_png_or_jpeg_of_up_to_1_mb_that_word_can_show():
    full = SAMPLE_LOGO + bytes(1024 * 1024 - len(SAMPLE_LOGO))     # a real PNG padded after its end to 1 MB
    damaged = "The logo is damaged or is not really a PNG or JPEG image: save it again from an image editor."
    assert [organisation.logo_problem(data) for data in (SAMPLE_LOGO, full, full + b"\x00", b"GIF89a")] == [
        None, None, "The logo is larger than 1 MB: save a smaller image.", "The logo must be a PNG or JPEG image."]
    # A PNG or JPEG signature on a body python-docx cannot read made every letter fail with a server error.
    broken_png = SAMPLE_LOGO[:16] + b"\xff" * 40
    assert [organisation.logo_problem(data) for data in (
        broken_png, b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, b"\xff\xd8\xff" + bytes(100))] == [damaged] * 3


def test_a_damaged_logo_already_stored_makes_no_letter_and_says_why():
    context = sample_context()
    context["organisation"]["logo"] = SAMPLE_LOGO[:16] + b"\xff" * 40
    with pytest.raises(LetterProblem, match="logo cannot be read as a picture"):
        render(build_template("Letterhead {{ organisation.logo }}"), context)


def test_a_logo_is_stored_shown_placed_in_letters_and_removed(signed_in, app):
    client = signed_in("admin")
    response = client.post("/admin/organisation", data=organisation_form(
        client, logo=(io.BytesIO(SAMPLE_LOGO), "crest.png")), content_type="multipart/form-data")
    assert response.status_code == 302
    saved = Organisation.current()
    assert (saved.logo_filename, saved.logo_type, saved.logo_size) == ("crest.png", "image/png", len(SAMPLE_LOGO))
    assert saved.audit[0].after["logo"] == "crest.png"
    shown = client.get("/admin/organisation/logo")
    assert (shown.data, shown.content_type) == (SAMPLE_LOGO, "image/png")
    assert 'alt="The organisation\'s logo (crest.png)"' in page(client, "/admin/organisation")
    with app.test_request_context():
        organisation = organisation_context(OrganisationDefaults.from_config(app.config))
        letter = Document(io.BytesIO(render(build_template("{{ organisation.name }} {{ organisation.logo }}"),
                                            {"organisation": organisation})))
    assert (letter.paragraphs[0].text, len(letter.inline_shapes)) == ("Northshire Council ", 1)
    assert letter.part.related_parts[letter.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
                                     ].blob == SAMPLE_LOGO

    response = client.post("/admin/organisation", data=organisation_form(client, remove_logo="y"))
    assert response.status_code == 302
    assert (Organisation.current().logo_filename, stored_files("organisation_files")) == (None, 0)
    assert client.get("/admin/organisation/logo").status_code == 404
    with app.test_request_context():
        assert organisation_context(OrganisationDefaults.from_config(app.config))["logo"] == b""


def test_organisation_details_saved_by_someone_else_meanwhile_are_not_overwritten(signed_in):
    client = signed_in("admin")
    stale = organisation_form(client)
    assert client.post("/admin/organisation", data=organisation_form(client)).status_code == 302
    response = client.post("/admin/organisation", data={**stale, "name": "Overwritten"})
    assert response.status_code == 400
    assert "Someone else changed this record" in html.unescape(response.get_data(as_text=True))
    assert Organisation.current().name == "Northshire Council"


def test_the_page_header_shows_the_saved_name(app, signed_in):
    client = signed_in("admin")
    assert '<span class="cb-organisation">Example Health and Care Trust</span>' in page(client, "/admin/letters")
    from services.organisation import save_organisation
    with app.app_context():
        save_organisation("admin@example.org", {"name": "Riverside Council", "address": ["Town Hall", "RV1 1AA"],
                                                "phone": "", "email": ""},
                          defaults=OrganisationDefaults.from_config(app.config))
    assert '<span class="cb-organisation">Riverside Council</span>' in page(client, "/admin/letters")
