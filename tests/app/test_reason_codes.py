"""ESR sickness reason codes in absence feeds: imported through the mapping, the mapping changed by an
administrator on its page (audited, refused beside the code), a later import using the change, and the API."""
from __future__ import annotations

import re

import pytest

from documents import Absence, ApiToken, ReasonCodes
from services.imports import absences
from services.reason_codes import reason_code_mapping
from tests.app.test_absence_import import absence_row, feed, run_import
from tests.app.test_api import item, post
from tests.conftest import csrf_token

URL = "/admin/reason-codes"


@pytest.fixture
def anna(make_employee):
    return make_employee(first_name="Anna")


def imported(app, tmp_path, rows: list[dict], *args):
    path = tmp_path / "absences.csv"
    path.write_text(feed(rows))
    return run_import(app, path, *args)


def categories() -> dict[str, tuple]:
    return {absence.external_id: (absence.reason_category, absence.reason_code) for absence in Absence.objects}


def test_codes_import_as_their_categories_and_keep_the_code(app, anna, tmp_path):
    """S10 (anxiety, stress…) is mental health; S99 (unknown causes) is other; a Casebook word keeps no code."""
    number = anna.assignment_number
    result = imported(app, tmp_path, [absence_row("AB1", number, "2026-03-02", "2026-03-04", reason_category="S10"),
                                      absence_row("AB2", number, "2026-03-09", "2026-03-09", reason_category=" s99 "),
                                      absence_row("AB3", number, "2026-03-16", "2026-03-16", reason_category="stress")])
    assert result.exit_code == 0, result.output
    assert categories() == {"AB1": ("mental_health", "S10"), "AB2": ("other", "S99"), "AB3": ("mental_health", None)}
    assert Absence.objects.get(external_id="AB1").audit[0].after["reason_code"] == "S10"
    assert "reason_code" not in Absence.objects.get(external_id="AB3").audit[0].after
    assert "unchanged 3" in imported(app, tmp_path, [
        absence_row("AB1", number, "2026-03-02", "2026-03-04", reason_category="S10"),
        absence_row("AB2", number, "2026-03-09", "2026-03-09", reason_category=" s99 "),
        absence_row("AB3", number, "2026-03-16", "2026-03-16", reason_category="stress")], "--dry-run").stdout


def test_an_unknown_code_is_refused_on_its_row_and_nothing_of_the_file_is_applied(app, anna, tmp_path):
    number = anna.assignment_number
    result = imported(app, tmp_path, [absence_row("AB1", number, "2026-03-02", "2026-03-04", reason_category="S10"),
                                      absence_row("AB2", number, "2026-03-09", "2026-03-09", reason_category="S77")])
    assert result.exit_code == 1
    assert ("row 3 (absence_id AB2): reason_category: Unknown reason category 'S77': use an ESR sickness reason "
            "code (S10, S11, S12, S13, S14, S15, S16, S17, S18, S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, "
            "S29, S30, S31, S32, S98, S99) or one of Casebook's categories (back_neck, musculoskeletal, "
            "mental_health, infections, neurological, genito_urinary, pregnancy, digestive, heart_circulation, "
            "respiratory, ent_dental, other).") in result.stdout
    assert Absence.objects.count() == 0


def test_the_mapping_is_read_once_for_the_whole_file(app, anna, tmp_path, monkeypatch):
    reads = []
    monkeypatch.setattr(absences, "reason_code_mapping", lambda: reads.append(1) or reason_code_mapping())
    number = anna.assignment_number
    rows = [absence_row(f"AB{day}", number, f"2026-03-{day:02d}", f"2026-03-{day:02d}", reason_category=code)
            for day, code in ((2, "S10"), (3, "S11"), (4, "S28"), (5, "S99"))]
    assert imported(app, tmp_path, rows).exit_code == 0
    assert len(reads) == 1 and Absence.objects.count() == 4


def mapping_page(auth) -> str:
    response = auth.client.get(URL)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def save(auth, version: int | None = None, **chosen):
    """Send the page's form with the categories `chosen` ({code: category}) and the version the page showed
    (or `version`)."""
    html = mapping_page(auth)
    shown = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(r'value="(\d+)"[^>]*name="version"',
                                                                            html)
    return auth.client.post(URL, data={"csrf_token": csrf_token(html),
                                       "version": shown.group(1) if version is None else version, **chosen})


def test_an_admin_changes_a_code_audited_and_the_next_import_uses_it(app, auth, make_user, anna, tmp_path):
    """S28 (injury, fracture) moves from other musculoskeletal problems to back and neck: an absence fed before
    keeps its category; one fed after takes the new one."""
    number = anna.assignment_number
    imported(app, tmp_path, [absence_row("AB1", number, "2026-03-02", "2026-03-04", reason_category="S28")])
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    html = mapping_page(auth)
    assert "S28 Injury, fracture" in html and "applies to absences fed from now on" in html
    assert "Nothing has been saved yet: the shipped mapping is in force." in html

    response = save(auth, S28="back_neck")
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    mapping = ReasonCodes.current()
    installed, changed = mapping.audit
    assert (installed.actor, installed.action, installed.before) == ("system", "reason code mapping installed", {})
    assert (changed.actor, changed.action, changed.before, changed.after) == (
        "admin@example.org", "reason code mapping changed", {"S28": "musculoskeletal"}, {"S28": "back_neck"})
    assert changed.at is not None and mapping.codes["S28"] == "back_neck" and mapping.version == 2
    page = mapping_page(auth)
    assert "S28: Other musculoskeletal problems → Back and neck problems" in page
    assert "Shipped: Other musculoskeletal problems" in page

    imported(app, tmp_path, [absence_row("AB1", number, "2026-03-02", "2026-03-04", reason_category="S28"),
                             absence_row("AB2", number, "2026-03-09", "2026-03-09", reason_category="S28")])
    # AB1 fed again is re-mapped: a feed's row gives the category as the mapping stands when it is fed.
    assert categories() == {"AB1": ("back_neck", "S28"), "AB2": ("back_neck", "S28")}
    assert save(auth, S28="back_neck").status_code == 302 and len(ReasonCodes.current().audit) == 2  # nothing changed


def test_an_absence_not_fed_again_keeps_the_category_it_was_given(app, auth, make_user, anna, tmp_path):
    imported(app, tmp_path, [absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04",
                                         reason_category="S28")])
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    assert save(auth, S28="back_neck").status_code == 302
    assert categories() == {"AB1": ("musculoskeletal", "S28")}


@pytest.mark.parametrize("chosen", [{"S28": "bones"}, {"S28": ""}, {"S28": "back_neck", "S11": "<script>"}])
def test_a_category_that_is_not_one_is_refused_beside_its_code_and_nothing_is_saved(auth, make_user, chosen):
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    response = save(auth, **chosen)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and ReasonCodes.current() is None
    bad = next(code for code, value in chosen.items() if value != "back_neck")
    assert f'id="{bad}-error"' in html and f"Choose one of the board report&#39;s categories for {bad}." in html
    assert "<script>" not in html


def test_a_stale_page_changes_nothing(auth, make_user):
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    assert save(auth, S28="back_neck").status_code == 302
    response = save(auth, version=1, S28="other")
    assert response.status_code == 400 and ReasonCodes.current().codes["S28"] == "back_neck"


@pytest.mark.parametrize("roles", [["hr"], ["support"], ["manager"]])
def test_only_an_admin_may_see_or_change_the_mapping(auth, make_user, make_employee, roles):
    boss = make_employee(first_name="Bea")
    make_user("someone@example.org", roles, assignment_number=boss.assignment_number, hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get(URL).status_code == 403
    token = csrf_token(auth.client.get("/account/notifications").get_data(as_text=True))
    assert auth.client.post(URL, data={"csrf_token": token, "S28": "back_neck"}).status_code == 403
    assert ReasonCodes.current() is None


def test_the_api_takes_codes_and_refuses_an_unknown_one(client, anna):
    secret = ApiToken.issue("absence-system", ["write"])[1]
    number = anna.assignment_number
    refused = post(client, secret, [item("AB1", number, reason_category="S30"),
                                    item("AB2", number, first="2026-03-09", last="2026-03-09", reason_category="X1")])
    assert refused.status_code == 400 and Absence.objects.count() == 0
    [error] = refused.json["errors"]
    assert (error["index"], error["field"]) == (1, "reason_category")
    assert error["message"].startswith("Unknown reason category 'X1': use an ESR sickness reason code (S10, S11,")
    assert post(client, secret, [item("AB1", number, reason_category="s30", pregnancy_related=False)]).json == {
        "created": 1, "updated": 0, "unchanged": 0}
    absence = Absence.objects.get(external_id="AB1")
    assert (absence.reason_category, absence.reason_code, absence.pregnancy_related) == ("pregnancy", "S30", True)


def test_a_token_without_the_medical_scope_cannot_learn_the_stored_code(client, anna):
    """Stored as S98 (other known causes); S17 (cancers) also counts as other. Without the medical scope the
    guess answers unchanged, and is written all the same (the absence system is the source)."""
    number = anna.assignment_number
    writer = ApiToken.issue("absence-system", ["write"])[1]
    medical = ApiToken.issue("oh-feed", ["write", "medical"])[1]
    assert post(client, writer, [item("AB1", number, reason_category="S98")]).json["created"] == 1
    assert post(client, writer, [item("AB1", number, reason_category="S17")]).json == {
        "created": 0, "updated": 0, "unchanged": 1}
    assert Absence.objects.get(external_id="AB1").reason_code == "S17"
    assert post(client, medical, [item("AB1", number, reason_category="S98")]).json == {
        "created": 0, "updated": 1, "unchanged": 0}
