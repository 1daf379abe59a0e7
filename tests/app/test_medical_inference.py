"""No medical detail by inference: uploading guesses of an absence's reason detail (as support, or through an API
token without the medical scope) tells nothing about the stored detail — not in a check's counts, its rows, its
page, its refused-rows report, the API's answer, nor the absence's history afterwards."""
from __future__ import annotations

import re

import pytest

from documents import Absence, ApiToken
from tests.app.test_absence_import import absence_row, feed, finished, run_import, upload
from tests.conftest import csrf_token

STORED = "Temperature"
GUESSES = ["Stress at work", "Temperature ", "temperature", "", "=HYPERLINK(\"http://evil.example\",\"x\")"]


@pytest.fixture
def recorded(app, make_employee, tmp_path):
    """Anna with absence AB1 recorded by the absence system, its detail "Temperature"."""
    anna = make_employee(first_name="Anna", division="Community Care")
    path = tmp_path / "first.csv"
    path.write_text(feed([absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04")]))
    assert run_import(app, path).exit_code == 0
    return anna


def guess_file(anna, detail: str) -> bytes:
    """AB1 as stored but for the detail guessed, and a refused row (so a refused-rows report is written)."""
    return feed([absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04", reason_detail=detail),
                 absence_row("AB9", "NOBODY", "2026-03-10", reason_detail=detail)]).encode()


def checked(client, content: bytes):
    job = finished(upload(client, content).headers["Location"].rsplit("/", 1)[1])
    assert job.status == "checked", job.message
    return job


def without_tokens(page: str) -> str:
    """The page without its CSRF tokens (signed afresh on every request)."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page.replace(csrf_token(page), "TOKEN"))


def seen(client, job) -> tuple:
    """Everything the uploader can read of a check, with the job's own id and the form's token taken out."""
    page = without_tokens(client.get(f"/imports/{job.pk}").get_data(as_text=True)).replace(str(job.pk), "JOB")
    report = client.get(f"/imports/{job.pk}/refused.csv").get_data()
    return job.counts, job.rows, job.detail_not_compared, page, report


def sign_in(auth, make_user, email, roles, **values):
    make_user(email, roles, **values)
    auth.login(email)


def test_support_learns_nothing_from_checking_guesses_of_the_detail(auth, make_user, recorded):
    sign_in(auth, make_user, "support@example.org", ["support"])
    truth = seen(auth.client, checked(auth.client, guess_file(recorded, STORED)))
    for guess in GUESSES:
        assert seen(auth.client, checked(auth.client, guess_file(recorded, guess))) == truth, guess
    counts, rows, not_compared, page, report = truth
    assert counts == {"created": 0, "updated": 0, "unchanged": 1, "refused": 1} and not_compared == 1
    assert "the reason detail was not compared" in page and "Apply these changes" in page
    assert report.startswith(b"absence_id,assignment_number,first_day,last_day,reason_category,work_related,")
    assert b"reason_detail" not in report and STORED.encode() not in report


def test_an_admin_sees_a_change_of_detail(auth, make_user, recorded):
    sign_in(auth, make_user, "admin@example.org", ["admin"])
    assert checked(auth.client, guess_file(recorded, STORED)).counts["unchanged"] == 1
    job = checked(auth.client, guess_file(recorded, "Stress at work"))
    assert job.counts["updated"] == 1 and job.detail_not_compared == 0
    assert "was not compared" not in auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)


def test_hr_and_support_compares_the_detail_only_in_their_own_divisions(auth, make_user, make_employee, recorded,
                                                                       app, tmp_path):
    other = make_employee(first_name="Olu", division="Acute Medicine")
    path = tmp_path / "olu.csv"
    path.write_text(feed([absence_row("OL1", other.assignment_number, "2026-03-02", "2026-03-04")]))
    assert run_import(app, path).exit_code == 0
    sign_in(auth, make_user, "both@example.org", ["support", "hr"], hr_divisions=["Community Care"])
    job = checked(auth.client, feed([
        absence_row("AB1", recorded.assignment_number, "2026-03-02", "2026-03-04", reason_detail="Changed"),
        absence_row("OL1", other.assignment_number, "2026-03-02", "2026-03-04", reason_detail="Changed")]).encode())
    assert [row["action"] for row in job.rows] == ["updated", "unchanged"] and job.detail_not_compared == 1


def test_applying_a_new_detail_as_support_stores_it_and_leaves_no_trace_support_can_read(auth, make_user, recorded):
    sign_in(auth, make_user, "support@example.org", ["support"])
    absence = Absence.objects.get(external_id="AB1")
    before = without_tokens(auth.client.get(f"/absences/{absence.pk}").get_data(as_text=True))
    job = checked(auth.client, feed([absence_row("AB1", recorded.assignment_number, "2026-03-02", "2026-03-04",
                                                 reason_detail="Stress at work")]).encode())
    page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": csrf_token(page)})
    job = finished(job.pk)
    assert job.status == "applied" and job.counts == {"created": 0, "updated": 0, "unchanged": 1, "refused": 0}
    assert Absence.objects.get(external_id="AB1").reason_detail == "Stress at work"
    assert without_tokens(auth.client.get(f"/absences/{absence.pk}").get_data(as_text=True)) == before
    auth.logout()
    sign_in(auth, make_user, "hr@example.org", ["hr"], hr_divisions=["Community Care"])
    history = auth.client.get(f"/absences/{absence.pk}").get_data(as_text=True)
    assert ('absence updated by feed by <span title="support@example.org">import of absences.csv by Support</span>'
            in history)


@pytest.mark.parametrize("scopes, answer", [
    (["write"], {"created": 0, "updated": 0, "unchanged": 1}),
    (["write", "medical"], {"created": 0, "updated": 1, "unchanged": 0}),
])
def test_the_api_answers_a_change_of_detail_only_to_a_medical_token(client, recorded, scopes, answer):
    secret = ApiToken.issue("absence-system", scopes)[1]
    body = {"absences": [{**absence_row("AB1", recorded.assignment_number, "2026-03-02", "2026-03-04"),
                          "reason_detail": "Stress at work"}]}
    response = client.post("/api/v1/absences", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json == answer
    assert Absence.objects.get(external_id="AB1").reason_detail == "Stress at work"


def test_without_the_medical_scope_guesses_all_answer_alike(client, recorded):
    secret = ApiToken.issue("absence-system", ["write"])[1]
    answers = set()
    for guess in [STORED, *GUESSES]:
        body = {"absences": [{**absence_row("AB1", recorded.assignment_number, "2026-03-02", "2026-03-04"),
                              "reason_detail": guess}]}
        response = client.post("/api/v1/absences", json=body, headers={"Authorization": f"Bearer {secret}"})
        answers.add(response.get_data())
    assert answers == {b'{"created":0,"unchanged":1,"updated":0}\n'}
