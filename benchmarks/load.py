"""Two instances of the site under mixed traffic, as two machines behind a load balancer would run.

    .venv/bin/python benchmarks/load.py [--users 30] [--seconds 90]

Starts two gunicorn instances (each as the README's Production section runs it) on two ports of
127.0.0.1, sharing a PostgreSQL database of their own (created, then dropped: roadmap_load on
LOAD_DATABASE_SERVER, default postgres://root@127.0.0.1:5432) and one Redis database
(LOAD_REDIS_URL, default redis://127.0.0.1:6379/11, emptied before and after). Locust, headless,
sends each request to the two instances in turn (no sticky sessions): about 70% page reads by
first-time and by returning visitors, 20% status changes and notes, 10% sign-ups, sign-ins and
exports. Then:

1. requests/s, latency (p50, p95, p99) per kind of request, and the errors, which must be none;
2. the database: one progress record per owner and item, none left by a session that no longer
   exists, and every status and note each visitor last saved, as they saved it;
3. a step's title changed from a third process (the ORM, against the same database and Redis):
   how long each instance takes to serve the new title.

It exits non-zero when any check fails. All the load comes from one address, so the run raises
every rate limit through its environment variable, and says so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import gevent
import gevent.pool
import locust  # first: it patches the standard library for gevent before requests loads ssl
import requests
from locust.env import Environment
from pages import manage, table  # the page benchmark beside this one
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CAREER = "backend-developer"
DATABASE_SERVER = os.environ.get("LOAD_DATABASE_SERVER", "postgres://root@127.0.0.1:5432")
DATABASE_NAME = "roadmap_load"
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")
PASSWORD = "load-test-password-0123"
RAISED_RATE = "1000000/m"
MEMBERS = 40
POLL_EVERY = 0.02
RETURNING = 40

# What the users need, filled in by the setup before the run.
SITE: dict = {}
INSTANCES: list[str] = []
_turns = itertools.cycle([0, 1])
SENT: Counter = Counter()
RESENT: Counter = Counter()
# Every status and note a learner saved last, by (session key, item id).
SAVED_STATUSES: dict[tuple[str, int], str] = {}
SAVED_NOTES: dict[tuple[str, int], str] = {}


# --- the setup, the checks and the edit: run with Django, in a child process --------------------


def child_setup() -> dict:
    """Accounts and returning visitors with progress, and what the visitors will ask for."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from careers.models import ChecklistItem, Step
    from progress.models import SESSION_OWNER, Progress

    items = list(ChecklistItem.objects.current().filter(career__slug=CAREER))
    password = make_password(PASSWORD)
    members = User.objects.bulk_create(
        User(username=f"member-{n}", password=password) for n in range(MEMBERS)
    )
    sessions = []
    for _ in range(RETURNING):
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session.save()
        session[SESSION_OWNER] = session.session_key
        session.save()
        sessions.append(session.session_key)
    owners = [{"user": member} for member in members] + [{"session_key": s} for s in sessions]
    Progress.objects.bulk_create(
        Progress(item=item, status=random.choice(["done", "learning", "skipped"]), **owner)
        for owner in owners
        for item in random.sample(items, 20)
    )
    steps = list(Step.objects.filter(career__slug=CAREER))
    pages = ["/", "/sources/", "/search/?q=database", f"/{CAREER}/salaries/"]
    pages += [f"/{CAREER}/{part}" for part in ("", "skills/", "faqs/", "market/")]
    pages += [step.get_absolute_url() for step in steps]
    return {
        "items": [item.pk for item in items],
        "pages": pages,
        "members": [member.username for member in members],
        "sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "step": {"id": steps[-1].pk, "url": steps[-1].get_absolute_url()},
        "rates": sorted(
            f"RATE_LIMIT_{kind}_{key}".upper()
            for kind, rates in settings.RATE_LIMITS.items()
            for key in rates
        ),
    }


def child_check(saved_file: str) -> dict:
    from django.db.models import Count

    from careers.models import ChecklistItem
    from progress.models import Goal, Progress

    saved = json.loads(Path(saved_file).read_text())
    records = {
        (session_key, item): (status, note)
        for session_key, item, status, note in Progress.objects.filter(
            user__isnull=True
        ).values_list("session_key", "item_id", "status", "note")
    }
    return {
        "records": Progress.objects.count(),
        "duplicates": Progress.objects.values("user", "session_key", "item")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "abandoned": Progress.objects.abandoned().count() + Goal.objects.abandoned().count(),
        "missing items": Progress.objects.exclude(
            item__in=ChecklistItem.objects.values("pk")
        ).count(),
        "statuses checked": len(saved["statuses"]),
        "statuses lost": sum(
            records.get((key, item), ("",))[0] != status for key, item, status in saved["statuses"]
        ),
        "notes checked": len(saved["notes"]),
        "notes lost": sum(
            records.get((key, item), ("", ""))[1] != note for key, item, note in saved["notes"]
        ),
    }


def child_edit(step_id: str, title: str) -> float:
    """Saves the step's new title; the moment it is committed."""
    from careers.models import Step

    step = Step.objects.get(pk=step_id)
    step.title = title
    step.save()
    return time.time()


def run_child(env: dict[str, str], *args: str) -> object:
    result = subprocess.run(
        [PYTHON, __file__, "--child", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the visitors -------------------------------------------------------------------------------


class ResendOnce(Retry):
    """Sends a request again, once, when the server closed the connection without answering, as
    browsers do for a kept-alive connection: gunicorn closes one after 5 s idle (--keep-alive),
    and a request can set out on it just then. Counted, and printed with the results."""

    def increment(self, method=None, url=None, *args, **kwargs):
        RESENT[method] += 1
        return super().increment(method, url, *args, **kwargs)


class Visitor(locust.HttpUser):
    abstract = True
    host = "http://127.0.0.1"
    wait_time = locust.between(0.5, 2.5)

    def on_start(self) -> None:
        once = ResendOnce(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)
        self.client.mount("http://", HTTPAdapter(max_retries=once))

    def url(self, path: str) -> str:
        base = INSTANCES[next(_turns)]
        SENT[base] += 1
        return base + path

    def keep_cookies(self) -> None:
        """The site marks its cookies Secure (production settings); here plain HTTP on 127.0.0.1
        stands where the HTTPS proxy would be, so the visitor sends them back anyway."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str):
        response = self.client.get(self.url(path), name=name)
        self.keep_cookies()
        return response

    def post(self, path: str, data: dict, name: str, expect: int, htmx: bool = False):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.post(
            self.url(path),
            data=data,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"answered {response.status_code}, not {expect}")
        self.keep_cookies()
        return response


class FirstTimeVisitor(Visitor):
    weight = 35

    @locust.task
    def read(self) -> None:
        self.client.cookies.clear()
        self.get(random.choice(SITE["pages"]), "page, first visit")


class ReturningVisitor(Visitor):
    weight = 35

    def on_start(self) -> None:
        super().on_start()
        self.client.cookies.set(SITE["session_cookie"], random.choice(SITE["sessions"]))

    @locust.task
    def read(self) -> None:
        self.get(random.choice(SITE["pages"]), "page, returning visitor")


class Learner(Visitor):
    """Ticks items and writes notes; the first change starts their session."""

    weight = 20

    def on_start(self) -> None:
        super().on_start()
        self.get(f"/{CAREER}/skills/", "page, first visit")

    def session_key(self) -> str:
        return self.client.cookies.get(SITE["session_cookie"], "")

    @locust.task(3)
    def change_status(self) -> None:
        item = random.choice(SITE["items"])
        status = random.choice(["not-started", "learning", "done", "skipped"])
        path = f"/progress/items/{item}/status/"
        response = self.post(path, {"status": status}, "status change (htmx)", 200, htmx=True)
        if response.status_code == 200:
            SAVED_STATUSES[(self.session_key(), item)] = status

    @locust.task
    def write_note(self) -> None:
        item = random.choice(SITE["items"])
        note = f"Note {uuid.uuid4().hex}: revise this on the weekend."
        response = self.post(
            f"/progress/items/{item}/note/", {"note": note}, "note (htmx)", 200, htmx=True
        )
        if response.status_code == 200:
            SAVED_NOTES[(self.session_key(), item)] = note


class Member(Visitor):
    """Signs up, or signs in to an account with progress and exports it."""

    weight = 10

    @locust.task
    def sign_up(self) -> None:
        self.client.cookies.clear()
        self.get("/accounts/signup/", "sign-up or sign-in form")
        fields = {"username": f"new-{uuid.uuid4().hex[:16]}", "email": ""}
        fields |= {"password1": PASSWORD, "password2": PASSWORD}
        self.post("/accounts/signup/", fields, "sign-up", 302)

    @locust.task(2)
    def sign_in_and_export(self) -> None:
        self.client.cookies.clear()
        self.get("/accounts/login/", "sign-up or sign-in form")
        fields = {"username": random.choice(SITE["members"]), "password": PASSWORD}
        if self.post("/accounts/login/", fields, "sign-in", 302).status_code == 302:
            self.get(random.choice(["/progress/export.json", "/progress/export.csv"]), "export")


# --- orchestration ------------------------------------------------------------------------------


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "roadmap_site.settings",
        "LOG_LEVEL": "WARNING",
    }


def psql(command: str) -> None:
    subprocess.run(
        ["psql", f"{DATABASE_SERVER}/postgres", "-q", "-c", command],
        check=True,
        capture_output=True,
    )


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=5).flushdb()


def start_instance(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [PYTHON, "-m", "gunicorn", "roadmap_site.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--worker-class", "gthread", "--workers", "2", "--threads", "4"]
    command += ["--keep-alive", "5", "--log-level", "warning", "--error-logfile", str(log)]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"no instance answered at {url}")


def free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def run_load(users: int, seconds: int) -> Environment:
    # Each visitor finishes the request it is making when the time is up, so that what the
    # database holds is what the visitors were told.
    env = Environment(
        user_classes=[FirstTimeVisitor, ReturningVisitor, Learner, Member], stop_timeout=60
    )
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users // 5, 1))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env


def report(env: Environment) -> int:
    """Prints the table of requests; the number of errors."""
    stats = env.stats
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests):
        rows.append(
            [
                entry.name,
                entry.num_requests,
                f"{entry.total_rps:.1f}",
                *(f"{entry.get_response_time_percentile(p):.0f}" for p in (0.5, 0.95, 0.99)),
                entry.num_failures,
            ]
        )
    total = stats.total
    rows.append(
        [
            "all",
            total.num_requests,
            f"{total.total_rps:.1f}",
            *(f"{total.get_response_time_percentile(p):.0f}" for p in (0.5, 0.95, 0.99)),
            total.num_failures,
        ]
    )
    print(table(["request", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows))
    for error in stats.errors.values():
        print(f"  error: {error.method} {error.name}: {error.error} ({error.occurrences}×)")
    for exception in env.runner.exceptions.values():
        print(f"  exception in a visitor: {exception['msg']} ({exception['count']}×)")
    exceptions = sum(e["count"] for e in env.runner.exceptions.values())
    return total.num_failures + exceptions


def propagation(env: dict[str, str], step: dict) -> dict[str, float | None]:
    """Seconds from the commit of a new step title until every request sent to an instance is
    answered with it; None if that did not happen within 3 s."""
    title = f"Edited title {uuid.uuid4().hex[:8]}"
    answers: dict[str, list[tuple[float, bool]]] = {base: [] for base in INSTANCES}

    def ask(base: str) -> None:
        sent = time.time()
        body = requests.get(base + step["url"], timeout=10).text
        answers[base].append((sent, title in body))

    def ask_often(base: str) -> None:
        # A request every POLL_EVERY seconds, each on its own, so a slow answer delays no other.
        asking = gevent.pool.Group()
        while not done:
            asking.spawn(ask, base)
            gevent.sleep(POLL_EVERY)
        asking.join()

    done = False
    pollers = [gevent.spawn(ask_often, base) for base in INSTANCES]
    saved_at = run_child(env, "edit", str(step["id"]), title)
    gevent.sleep(3)
    done = True
    gevent.joinall(pollers)
    delays: dict[str, float | None] = {}
    for base, seen in answers.items():
        old = [sent for sent, new in seen if not new]
        new_after_old = sorted(sent for sent, new in seen if new and sent > max(old, default=0))
        delays[base] = new_after_old[0] - saved_at if new_after_old else None
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30, help="visitors at once")
    parser.add_argument("--seconds", type=int, default=90, help="length of the load")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        name, *args = options.child
        work = {"setup": child_setup, "check": child_check, "edit": child_edit}[name]
        print(json.dumps(work(*args)))
        return

    database_url = f"{DATABASE_SERVER}/{DATABASE_NAME}"
    env = environment(database_url)
    failures: list[str] = []
    instances: list[subprocess.Popen] = []
    print(f"Preparing {database_url} and {REDIS_URL}…", file=sys.stderr)
    psql(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE_NAME}")
    try:
        empty_redis()
        manage(env, "migrate", "--noinput")
        manage(env, "load_content")
        manage(env, "collectstatic", "--noinput")
        SITE.update(run_child(env, "setup"))
        raised = dict.fromkeys(SITE["rates"], RAISED_RATE)
        with tempfile.TemporaryDirectory(prefix="roadmap-load-") as logs:
            for port in free_ports(2):
                INSTANCES.append(f"http://127.0.0.1:{port}")
                log = Path(logs) / f"{port}.log"
                instances.append(start_instance({**env, **raised}, port, log))
            for base in INSTANCES:
                wait_for(base + "/")
            print(
                f"\nTwo instances, {' and '.join(INSTANCES)} (gunicorn gthread, 2 workers × "
                f"4 threads each), one PostgreSQL database, one Redis database; {options.users} "
                f"visitors for {options.seconds} s, each request to the instances in turn."
            )
            print(
                "All the load comes from 127.0.0.1, so every rate limit is raised for this run "
                f"to {RAISED_RATE}: {', '.join(SITE['rates'])}.\n"
            )
            load = run_load(options.users, options.seconds)
            errors = report(load)
            shares = ", ".join(f"{base}: {sent}" for base, sent in SENT.items())
            print(f"\nRequests sent to each instance: {shares}")
            print(
                "Requests sent again after the server closed a kept-alive connection without "
                f"answering: {sum(RESENT.values())} {dict(RESENT) or ''}"
            )
            if errors:
                failures.append(f"{errors} requests failed")

            saved = Path(logs) / "saved.json"
            saved.write_text(
                json.dumps(
                    {
                        "statuses": [[*key, value] for key, value in SAVED_STATUSES.items()],
                        "notes": [[*key, value] for key, value in SAVED_NOTES.items()],
                    }
                )
            )
            check = run_child(env, "check", str(saved))
            print(f"\nDatabase after the load: {json.dumps(check)}")
            for name in ("duplicates", "abandoned", "missing items"):
                if check[name]:
                    failures.append(f"{check[name]} progress records: {name}")
            for name in ("statuses lost", "notes lost"):
                if check[name]:
                    failures.append(f"{check[name]} {name}")

            delays = propagation(env, SITE["step"])
            print(
                "\nA step's title saved through the ORM in a third process (same database and "
                "Redis): time from its commit until every request sent to an instance (one every "
                f"{POLL_EVERY * 1000:.0f} ms) is answered with the new title:"
            )
            for base, delay in delays.items():
                shown = f"{delay * 1000:.0f} ms" if delay is not None else "not within 3 s"
                print(f"  {base}: {shown}")
                if delay is None or delay > 1 + POLL_EVERY:
                    failures.append(f"{base} took longer than a second to serve the edit")
            for log in Path(logs).glob("*.log"):
                if log.read_text().strip():
                    print(f"\nInstance log {log.name}:\n{log.read_text()}")
    finally:
        for instance in instances:
            instance.terminate()
        for instance in instances:
            instance.wait(timeout=30)
        empty_redis()
        psql(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")

    if failures:
        print("\nFAILED: " + "; ".join(failures))
        raise SystemExit(1)
    print("\nAll checks passed.")


if __name__ == "__main__":
    main()
