"""Import files are kept no longer than CASEBOOK_IMPORT_RETENTION_DAYS (default 30): the uploaded file, its
refused-rows report and its row list go; the job's summary (who, when, the counts) stays."""
from __future__ import annotations

import datetime as dt

import pytest
from mongoengine.connection import get_db

from documents import ImportJob, utcnow
from services.settings import retention_days
from tests.app.test_absence_import import absence_row, feed, finished, upload
from tests.conftest import csrf_token


@pytest.fixture
def support(auth, make_user):
    make_user("support@example.org", ["support"])
    auth.login("support@example.org")
    return auth.client


@pytest.fixture
def anna(make_employee):
    return make_employee(first_name="Anna")


def checked_job(client, anna, days_old: int = 0) -> ImportJob:
    """A checked upload with a refused row (so it has a report), dated `days_old` days ago."""
    content = feed([absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04"),
                    absence_row("AB2", "NOBODY", "2026-03-09")]).encode()
    job = finished(upload(client, content).headers["Location"].rsplit("/", 1)[1])
    assert job.upload and job.report and job.rows
    return made_ago(job, days_old)


def made_ago(job: ImportJob, days: int) -> ImportJob:
    ImportJob.objects(pk=job.pk).update_one(set__created_at=utcnow() - dt.timedelta(days=days, minutes=1))
    return job


def stored_files() -> int:
    return get_db()["import_files.files"].count_documents({})


def purge(app, *args):
    return app.test_cli_runner().invoke(args=["import", "purge", *args])


def test_the_purge_deletes_old_files_and_keeps_the_summary(app, support, anna):
    old, recent = checked_job(support, anna), checked_job(support, anna)
    made_ago(old, 31), made_ago(recent, 29)
    assert stored_files() == 4
    result = purge(app)
    assert result.exit_code == 0 and "1 import jobs purged (files kept for 30 days)." in result.output
    assert stored_files() == 2
    job = ImportJob.objects.get(pk=old.pk)
    assert not job.upload and not job.report and job.rows == [] and job.purged_after_days == 30
    assert (job.counts, job.created_by_email, job.filename) == (old.counts, "support@example.org", "absences.csv")
    assert ImportJob.objects.get(pk=recent.pk).upload
    page = support.get(f"/imports/{old.pk}").get_data(as_text=True)
    assert "File purged after 30 days" in page and "Apply these changes" not in page and "NOBODY" not in page
    assert support.get(f"/imports/{old.pk}/refused.csv").status_code == 404
    assert purge(app).output.startswith("0 import jobs purged")   # a second run has nothing left to do


def test_a_purged_file_cannot_be_applied(app, support, anna):
    job = checked_job(support, anna, 31)
    token = csrf_token(support.get(f"/imports/{job.pk}").get_data(as_text=True))
    purge(app)
    response = support.post(f"/imports/{job.pk}/apply", data={"csrf_token": token}, follow_redirects=True)
    assert "was purged: upload it again" in response.get_data(as_text=True)
    assert ImportJob.objects.get(pk=job.pk).status == "checked"


def test_the_retention_period_is_a_setting(app, support, anna, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_RETENTION_DAYS", "7")
    job = checked_job(support, anna, 8)
    assert "1 import jobs purged (files kept for 7 days)." in purge(app).output
    assert "File purged after 7 days" in support.get(f"/imports/{job.pk}").get_data(as_text=True)


def test_a_new_upload_and_the_daily_notify_run_purge_too(app, support, anna):
    first = checked_job(support, anna, 40)
    checked_job(support, anna, 0)    # its background check purges the older job first
    assert ImportJob.objects.get(pk=first.pk).purged_at is not None
    second = checked_job(support, anna, 40)
    assert app.test_cli_runner().invoke(args=["notify", "send", "--dry-run"]).exit_code == 0
    assert ImportJob.objects.get(pk=second.pk).purged_at is None    # a dry run changes nothing
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert "Import files of 1 jobs purged after 30 days." in result.output
    assert ImportJob.objects.get(pk=second.pk).purged_at is not None


@pytest.mark.parametrize("value", ["0", "-5", "thirty", "1.5", "7 days"])
def test_a_bad_retention_setting_is_refused(value):
    with pytest.raises(ValueError):
        retention_days(value)


@pytest.mark.parametrize("value, days", [(None, 30), ("", 30), (" 7 ", 7), (365, 365)])
def test_the_retention_setting_reads_whole_days(value, days):
    assert retention_days(value) == days


def test_the_app_refuses_to_start_with_a_bad_retention_setting(app, monkeypatch):
    from app import create_app
    monkeypatch.setenv("CASEBOOK_IMPORT_RETENTION_DAYS", "0")
    with pytest.raises(RuntimeError, match="CASEBOOK_IMPORT_RETENTION_DAYS"):
        create_app({**app.config})


def test_the_purge_reads_old_jobs_by_an_index():
    indexes = ImportJob._get_collection().index_information()
    assert any(spec["key"] == [("purged_at", 1), ("created_at", 1)] for spec in indexes.values())
