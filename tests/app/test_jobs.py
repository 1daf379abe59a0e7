"""Background jobs kept in the database: claimed under a lease renewed by a heartbeat; a job whose process stopped
is claimed again and completes, or is marked failed with the reason after its last attempt; two claimers never
both get one job; `flask --app app worker --once` runs what waits; the import and scan pages follow their job.

Processes are stood in for by owners (a host and a pid) and time by the `now` the claims are given: a lease of
one second taken at 10:00:00 has lapsed at 10:00:02 without anyone waiting for it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
import socket
import subprocess
import threading
import time

import pytest

from documents import ImportJob, Job
from documents.base import utcnow
from documents.job import Owner
from services import jobs
from services.imports.jobs import IMPORT, check_upload, run_job
from services.jobs import Host, JobSettings, Kind, claim_next, recover, run_claimed, work
from services.settings import Settings
from tests.app.test_absence_import import absence_row, feed, upload
from tests.conftest import csrf_token

T0 = dt.datetime(2026, 12, 3, 10, 0, 0)
HERE = socket.gethostname()
DEAD = Owner("elsewhere.example.org", 4242)      # a process on another machine that stopped
LIVE = Owner("another.example.org", 4343)        # one still running there
ONE_SECOND = JobSettings(lease_seconds=1, max_attempts=3)


def later(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def host(app, settings: JobSettings = ONE_SECOND) -> Host:
    return Host(Settings.from_config(app.config), settings, app.app_context)


@pytest.fixture
def queued_import(app, make_user, make_employee):
    """An absences file uploaded while no process runs jobs: its import waits, queued."""
    user = make_user("support@example.org", ["support"])
    anna = make_employee(first_name="Anna")
    content = feed([absence_row("AB1", anna.assignment_number, "2026-03-02", "2026-03-04"),
                    absence_row("AB2", anna.assignment_number, "2026-03-16")]).encode()
    waiting = dataclasses.replace(ONE_SECOND, run_here=False)
    imported = check_upload("absences", "absences.csv", content, user.pk, user.email, dt.date(2026, 11, 23),
                            Settings.from_config(app.config).mail, host(app, waiting))
    return imported, Job.objects.get(pk=imported.job)


@pytest.fixture
def echo(monkeypatch):
    """A kind of job that keeps its parameters as its result, and another tried only once."""
    monkeypatch.setitem(jobs.KINDS, "echo", Kind(run=lambda job, running: dict(job.parameters)))
    monkeypatch.setitem(jobs.KINDS, "once", Kind(run=lambda job, running: {}, rerunnable=False))


def test_a_queued_import_waits_and_its_page_says_so(auth, queued_import):
    imported, job = queued_import
    assert (job.kind, job.status, job.attempts, job.max_attempts) == (IMPORT, "queued", 0, 3)
    assert (imported.status, imported.stage) == ("checking", "waiting")
    auth.login("support@example.org")
    page = auth.client.get(f"/imports/{imported.pk}").get_data(as_text=True)
    assert "Waiting to start" in page and 'hx-trigger="every 1s"' in page and "This import stopped" not in page


def test_a_job_whose_process_stopped_is_claimed_again_and_completes(app, queued_import):
    imported, queued = queued_import
    first = claim_next(ONE_SECOND, DEAD, now=T0)        # claimed at 10:00:00, lease to 10:00:01; then it stops
    assert (first.pk, first.status, first.attempts, first.owner_host) == (queued.pk, "running", 1, DEAD.host)
    assert claim_next(ONE_SECOND, LIVE, now=later(0.5)) is None      # the lease holds
    assert recover(LIVE, now=later(2)) == 0                          # lapsed after 1 of 3 attempts: not failed
    second = claim_next(ONE_SECOND, LIVE, now=later(2))
    assert (second.pk, second.attempts, second.owner_host) == (queued.pk, 2, LIVE.host)
    assert second.claim != first.claim
    run_claimed(second, host(app))
    job = Job.objects.get(pk=queued.pk)
    assert (job.status, job.attempts, job.result) == ("done", 2, {"status": "checked"})
    imported.reload()
    assert imported.status == "checked" and imported.counts["created"] == 2
    assert not first.finish({"status": "late"})          # the stopped process's claim changes nothing any more
    assert Job.objects.get(pk=queued.pk).result == {"status": "checked"}


def test_an_import_finished_just_before_its_process_stopped_is_not_run_again(app, queued_import):
    imported, queued = queued_import
    claim_next(ONE_SECOND, DEAD, now=T0)
    run_job(imported.pk, False, dt.date(2026, 11, 23), Settings.from_config(app.config).mail)   # then it stops
    checked = ImportJob.objects.get(pk=imported.pk)
    run_claimed(claim_next(ONE_SECOND, LIVE, now=later(2)), host(app))
    assert Job.objects.get(pk=queued.pk).result == {"status": "finished before"}
    again = ImportJob.objects.get(pk=imported.pk)
    assert (again.status, again.counts, again.updated_at) == ("checked", checked.counts, checked.updated_at)


def test_after_its_last_attempt_a_job_is_failed_with_the_reason_and_its_import_says_so(app, auth, queued_import):
    imported, queued = queued_import
    claim_next(ONE_SECOND, DEAD, now=T0)                 # attempt 1, lapses at 10:00:01
    claim_next(ONE_SECOND, DEAD, now=later(2))           # attempt 2, lapses at 10:00:03
    claim_next(ONE_SECOND, DEAD, now=later(4))           # attempt 3 of 3, lapses at 10:00:05
    assert recover(LIVE, now=later(4.5)) == 0            # its lease still holds
    assert recover(LIVE, now=later(6)) == 1
    assert claim_next(ONE_SECOND, LIVE, now=later(6)) is None
    job = Job.objects.get(pk=queued.pk)
    reason = ("The process running it stopped (its lease expired at 10:00:05 UTC on 3 December 2026), after 3 "
              "attempts, so it was not tried again.")
    assert (job.status, job.failure, job.attempts, job.lease_until) == ("failed", reason, 3, None)
    imported.reload()
    assert imported.status == "failed" and imported.message.startswith(reason)
    auth.login("support@example.org")
    page = html.unescape(auth.client.get(f"/imports/{imported.pk}").get_data(as_text=True))
    assert "The import did not finish" in page and reason in page and 'hx-trigger' not in page


def test_a_kind_not_safe_to_run_again_is_failed_when_its_first_lease_lapses(app, echo):
    job = Job.queue("once", {}, "tester", jobs.allowed_attempts("once", ONE_SECOND))
    assert job.max_attempts == 1
    claim_next(ONE_SECOND, DEAD, now=T0)
    assert claim_next(ONE_SECOND, LIVE, now=later(2)) is None
    assert recover(LIVE, now=later(2)) == 1
    assert Job.objects.get(pk=job.pk).failure.endswith("after 1 attempt, so it was not tried again.")


def test_two_claimers_never_both_get_one_job(app, echo):
    """Twenty rounds: two threads race for one queued job, then for it again once its lease lapsed."""
    for round_number in range(20):
        job = Job.queue("echo", {"round": round_number}, "tester", 3)
        for now in (T0, later(5)):     # queued; then running with its lease lapsed at 10:00:01
            start, won = threading.Barrier(2), []

            def claim(owner: Owner, now=now, start=start, won=won) -> None:
                start.wait()
                claimed = claim_next(ONE_SECOND, owner, now=now)
                if claimed is not None:
                    won.append((claimed.pk, owner))

            racers = [threading.Thread(target=claim, args=(Owner("racer", number),)) for number in (1, 2)]
            for racer in racers:
                racer.start()
            for racer in racers:
                racer.join()
            assert [pk for pk, _ in won] == [job.pk], f"round {round_number} at {now}: {won}"
            assert Job.objects.get(pk=job.pk).owner_pid == won[0][1].pid
        job.delete()


def test_a_job_left_running_by_a_process_gone_from_this_machine_is_picked_up_at_once(app, echo):
    gone = subprocess.Popen(["true"])
    gone.wait()                                           # its pid names no process now
    left = Job.start("echo", {"n": 1}, "tester", 3, Owner(HERE, gone.pid), lease_seconds=3600)
    alive = Job.start("echo", {"n": 2}, "tester", 3, Owner(HERE, os.getppid()), lease_seconds=3600)
    assert work(host(app), threading.Event(), once=True) == 1
    left.reload(), alive.reload()
    assert (left.status, left.attempts, left.owner_pid, left.result) == ("done", 2, os.getpid(), {"n": 1})
    assert (alive.status, alive.attempts) == ("running", 1)     # its process runs: its lease is left alone


def test_the_heartbeat_renews_the_lease_while_the_job_runs(app, monkeypatch):
    beats = []

    def wait_for_two_beats(job, running):
        while len(beats) < 2:
            beats.append(Job.objects.get(pk=job.pk).lease_until)
            time.sleep(0.3)      # a heartbeat every 0.1 s
        return {}

    monkeypatch.setitem(jobs.KINDS, "slow", Kind(run=wait_for_two_beats))
    quick = JobSettings(lease_seconds=0.3)
    job = Job.start("slow", {}, "tester", 3, jobs.this_process(), quick.lease_seconds)
    run_claimed(job, host(app, quick))
    assert beats[1] > beats[0] and Job.objects.get(pk=job.pk).status == "done"


def test_a_job_another_process_claimed_stops_at_its_next_progress_and_writes_nothing(app, monkeypatch):
    def claimed_meanwhile(job, running):
        job.claim_lapsed(LIVE, 60)          # its lease lapsed and another process took it
        running.progress("working", 1, 2)
        raise AssertionError("not reached")

    monkeypatch.setitem(jobs.KINDS, "stolen", Kind(run=claimed_meanwhile))
    job = Job.start("stolen", {}, "tester", 3, jobs.this_process(), 60)
    assert run_claimed(job, host(app)) is None
    job.reload()
    assert (job.status, job.owner_host, job.attempts, job.failure) == ("running", LIVE.host, 2, None)


def test_a_stopping_worker_puts_its_job_back_in_the_queue(app, monkeypatch):
    stopping = threading.Event()

    def stopped_part_way(job, running):
        stopping.set()                      # SIGTERM arrives
        running.progress("working", 1, 2)
        raise AssertionError("not reached")

    monkeypatch.setitem(jobs.KINDS, "long", Kind(run=stopped_part_way))
    job = Job.start("long", {}, "tester", 3, jobs.this_process(), 60)
    run_claimed(job, host(app), stopping)
    job.reload()
    assert (job.status, job.attempts, job.claim, job.owner_pid) == ("queued", 0, None, None)


def test_the_worker_once_runs_a_queued_import_to_done(app, auth, queued_import):
    imported, queued = queued_import
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--poll", "0.1"])
    assert result.exit_code == 0, result.output
    assert "worker: 1 job run." in result.output
    job = Job.objects.get(pk=queued.pk)
    assert (job.status, job.attempts, job.owner_pid) == ("done", 1, os.getpid())
    imported.reload()
    assert imported.status == "checked" and imported.counts == {"created": 2, "updated": 0, "unchanged": 0,
                                                                "refused": 0}
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).output == "worker: 0 jobs run.\n"


def test_an_upload_runs_its_check_in_a_thread_of_the_app_process(app, auth, make_user, make_employee,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_AT_ONCE", False)
    make_user("support@example.org", ["support"])
    auth.login("support@example.org")
    anna = make_employee(first_name="Anna")
    response = upload(auth.client, feed([absence_row("AB1", anna.assignment_number, "2026-03-02")]).encode())
    imported = ImportJob.objects.get(pk=response.headers["Location"].rsplit("/", 1)[1])
    job = Job.objects.get(pk=imported.job)
    assert (job.owner_host, job.owner_pid) == (HERE, os.getpid())
    while not job.finished:
        time.sleep(0.05)
        job.reload()
    assert job.status == "done" and ImportJob.objects.get(pk=imported.pk).status == "checked"


# The trigger scan applied from its page


@pytest.fixture
def hr(auth, make_user, make_employee):
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    auth.login("hr@example.org")
    return make_employee(first_name="Hana", last_name="Here")


def start_scan(client) -> str:
    token = csrf_token(client.get("/triggers/scan").get_data(as_text=True))
    response = client.post("/triggers/scan", data={"csrf_token": token, "as_of": "2026-11-23"})
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_scan_waits_for_a_worker_then_shows_what_it_did(app, auth, hr, monkeypatch):
    monkeypatch.setitem(app.config, "RUN_JOBS", False)
    page = start_scan(auth.client)
    waiting = auth.client.get(page).get_data(as_text=True)
    assert "Waiting to start" in waiting and 'hx-trigger="every 1s"' in waiting
    fragment = auth.client.get(page, headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and 'id="scan-job"' in fragment.get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).output == "worker: 1 job run.\n"
    done = html.unescape(auth.client.get(page).get_data(as_text=True))
    assert "Done on 23 November 2026" in done and "1 employee evaluated" in done and "hx-trigger" not in done
    job = Job.objects.get(kind="trigger_scan")
    assert (job.status, job.done, job.total, job.result["employees"]) == ("done", 1, 1, 1)


def test_a_failed_scan_says_why_and_only_its_starter_or_an_admin_sees_it(app, auth, hr, make_user):
    page = start_scan(auth.client)
    job = Job.objects.get(kind="trigger_scan")
    Job.objects(pk=job.pk).update_one(set__status="failed", set__failure="The process running it stopped.")
    shown = auth.client.get(page).get_data(as_text=True)
    assert "The scan did not finish" in shown and "The process running it stopped." in shown
    auth.logout()
    make_user("other.hr@example.org", ["hr"], hr_divisions=["Community Care"])
    auth.login("other.hr@example.org")
    assert auth.client.get(page).status_code == 404
    assert auth.client.get("/triggers/scan/jobs/not-an-id").status_code == 404
    auth.logout()
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    assert auth.client.get(page).status_code == 200


def test_notify_send_keeps_its_run_as_a_job(app):
    result = app.test_cli_runner().invoke(args=["notify", "send", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    job = Job.objects.get(kind="notifications")
    assert (job.status, job.parameters, job.created_by) == ("done", {"day": "2026-11-23"}, "notify send")
    assert job.result == {"sent": 0, "skipped": 0, "failed": 0, "gave_up": 0, "replaced": 0, "purged": 0,
                          "jobs_pruned": 0}


def test_the_daily_notification_run_forgets_jobs_finished_before_the_retention_period(app):
    """README, Background jobs: finished jobs are kept as long as imports' files (CASEBOOK_IMPORT_RETENTION_DAYS)."""
    days = Settings.from_config(app.config).import_retention_days
    now = utcnow()
    for name, status, finished in (("old", "done", days + 1), ("old failure", "failed", days + 1),
                                   ("recent", "done", days - 1), ("long running", "running", None)):
        Job(kind="echo", created_by=name, status=status,
            finished_at=now - dt.timedelta(days=finished) if finished else None).save()
    result = app.test_cli_runner().invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert Job.objects.get(kind="notifications").result["jobs_pruned"] == 2
    assert sorted(job.created_by for job in Job.objects(kind="echo")) == ["long running", "recent"]


def test_the_daily_scan_command_keeps_its_run_as_a_job(app, make_employee):
    make_employee(first_name="Hana")
    result = app.test_cli_runner().invoke(args=["triggers", "scan", "--as-of", "2026-11-23"])
    assert result.exit_code == 0 and "Done: evaluated 1 employees on 2026-11-23" in result.output, result.output
    job = Job.objects.get(kind="trigger_scan_everyone")
    assert (job.status, job.created_by, job.stage, job.done, job.total) == ("done", "triggers scan", "kept lists", 2, 2)
    assert (job.result["employees"], job.result["concerns"]) == (1, 0)
    assert (job.result["open_tasks"], job.result["summaries"]) == (0, 1)     # the kept lists, written again last
