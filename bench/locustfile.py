"""Signed-in clients for the page figures of `python -m bench.run` (README, Sizing).

Managers open their home (the team page), a case of their team and their task inbox; HR advisors search the
staff, open a case of their division and their task inbox; both open the trivial `/healthz`, the baseline under
the same load. Each client signs in once through the real login form with its CSRF token, opens each of its pages
once (a warm-up, not measured), then waits about BENCH_THINK seconds between pages. The logins, their cases and
the search words come from the plan file that `bench/run.py` writes (the BENCH_PLAN environment variable names it).

`bench/run.py` runs this file as a module in its own process:

    python -m bench.locustfile PLAN.json RESULTS.json --host http://127.0.0.1:PORT --users 20 --seconds 30

which starts the clients, waits until every one has signed in, empties the statistics, measures for the given
time and writes {page: {requests, failures, p50_ms, p95_ms}}. With the Locust command instead (sign-ins then
count in the figures): `BENCH_PLAN=PLAN.json locust -f bench/locustfile.py --headless -u 20 -r 20 -t 30s --host …`.
"""
from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import random
import re
import sys

import gevent
from locust import FastHttpUser, task
from locust.exception import StopUser

from bench.pages import PAGES

SIGN_IN = "sign in (not measured)"
WARM_UP = "warm-up (not measured)"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
signed_in: list[bool] = []     # one entry a client, True once signed in, False when refused


@functools.cache
def plan() -> dict:
    with open(os.environ["BENCH_PLAN"], encoding="utf-8") as file:
        return json.load(file)


class Client(FastHttpUser):
    """A signed-in user of one of the plan's `kind` logins, taken in turn."""

    abstract = True
    kind = ""
    turns: itertools.count

    def wait_time(self) -> float:
        think = float(os.environ.get("BENCH_THINK", "1"))
        return random.uniform(0.5 * think, 1.5 * think)

    def on_start(self) -> None:
        logins = plan()[self.kind]
        self.login = logins[next(self.turns) % len(logins)]
        form = self.client.get("/login", name=SIGN_IN)
        token = _CSRF.search(form.text or "")
        answer = self.client.post("/login", name=SIGN_IN, allow_redirects=False, data={
            "email": self.login["email"], "password": plan()["password"],
            "csrf_token": token.group(1) if token else ""})
        done = answer.status_code == 302 and "/login" not in str(answer.headers and answer.headers.get("Location"))
        if done:
            for path in self.warm_up():
                self.client.get(path, name=WARM_UP, allow_redirects=False)
        signed_in.append(done)
        if not done:
            raise StopUser()

    def warm_up(self) -> list[str]:
        """Each page once before measuring, as a server that has been running has them ready."""
        return [f"/cases/{self.login['cases'][0]}", "/tasks", "/healthz"]

    def page(self, path: str, name: str) -> None:
        """GET `path`; anything but 200 (a redirect to sign in, an error) counts as a failure."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task
    def case(self) -> None:
        self.page(f"/cases/{random.choice(self.login['cases'])}", PAGES["case"])

    @task
    def inbox(self) -> None:
        self.page("/tasks", PAGES["inbox"])

    @task
    def health(self) -> None:
        self.page("/healthz", PAGES["health"])


class Manager(Client):
    kind = "managers"
    turns = itertools.count()

    def warm_up(self) -> list[str]:
        return ["/team", *super().warm_up()]

    @task
    def home(self) -> None:
        self.page("/team", PAGES["home"])


class Advisor(Client):
    kind = "advisors"
    turns = itertools.count()

    def warm_up(self) -> list[str]:
        return [f"/employees?q={self.login['searches'][0]}", *super().warm_up()]

    @task
    def search(self) -> None:
        self.page(f"/employees?q={random.choice(self.login['searches'])}", PAGES["search"])


def measure(host: str, users: int, seconds: float) -> dict:
    """Start `users` clients against `host`, wait for their sign-ins, then measure for `seconds`."""
    from locust.env import Environment
    environment = Environment(user_classes=[Manager, Advisor], host=host)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    waited = 0.0
    while len(signed_in) < users and waited < 180:
        gevent.sleep(0.2)
        waited += 0.2
    if not all(signed_in) or len(signed_in) < users:
        runner.quit()
        return {"error": f"{signed_in.count(True)} of {users} clients signed in"}
    environment.stats.reset_all()
    gevent.sleep(seconds)
    figures = {entry.name: {"requests": entry.num_requests, "failures": entry.num_failures,
                            "p50_ms": entry.get_response_time_percentile(0.5),
                            "p95_ms": entry.get_response_time_percentile(0.95)}
               for entry in environment.stats.entries.values()}
    runner.quit()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the pages under load (see bench/run.py).")
    parser.add_argument("plan")
    parser.add_argument("results")
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    options = parser.parse_args(argv)
    os.environ["BENCH_PLAN"] = options.plan
    figures = measure(options.host, options.users, options.seconds)
    with open(options.results, "w", encoding="utf-8") as file:
        json.dump(figures, file, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
