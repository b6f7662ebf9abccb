"""Speed and size of the public pages, printed as tables.

    .venv/bin/python benchmarks/pages.py [--seconds 5]

Everything runs in a throwaway folder with production settings (DEBUG off, hashed and compressed
static files) on SQLite, or on DATABASE_URL's server when it is set (its database is replaced):

1. queries per page, with the real content and with 20 times as much generated content, for a
   visitor with progress, on the first request after a content change and on the next ones;
2. the career overview's weight: its HTML and every stylesheet and script it loads, gzipped;
3. requests per second under gunicorn (gthread, keep-alive) for the overview with a visitor's
   progress, and for a static file served by the same process, side by side with wrk on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CAREER = "backend-developer"
PAGES = (
    "/",
    f"/{CAREER}/",
    f"/{CAREER}/steps/find-a-job/",
    f"/{CAREER}/skills/",
    f"/{CAREER}/faqs/",
    f"/{CAREER}/market/",
    "/sources/",
    "/search/?q=database",
)
MULTIPLIED = (
    "steps",
    "skills",
    "requirements",
    "duties",
    "benefits",
    "trends",
    "tools",
    "market_facts",
    "timelines",
    "faqs",
)


# Production keeps sessions and visitors' statuses in Redis, shared by all processes.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_ready() -> bool:
    """Whether REDIS_URL answers; its database is emptied for a clean measurement."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
    except redis.RedisError:
        return False
    return True


def environment(database_url: str, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": REDIS_URL if redis_ready() else "",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "roadmap_site.settings",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")


def generated_content(folder: Path, times: int) -> Path:
    """A copy of the content with every list of the career repeated `times` times."""
    import yaml

    target = folder / f"content-x{times}"
    shutil.copytree(ROOT / "content", target)
    path = target / "careers" / f"{CAREER}.yaml"
    career = yaml.safe_load(path.read_text())
    for key in MULTIPLIED:
        original = career.get(key) or []
        copies = []
        for n in range(times):
            for entry in original:
                entry = json.loads(json.dumps(entry, default=str))
                if n:
                    entry["slug"] = f"{entry['slug'][:44]}-{n}"
                    for section in entry.get("sections", []):
                        for item in section.get("items", []):
                            item["slug"] = f"{item['slug'][:44]}-{n}"
                copies.append(entry)
        career[key] = copies
    path.write_text(yaml.safe_dump(career, allow_unicode=True, sort_keys=False))
    return target


def prepare(database_url: str, content: Path, static_root: Path) -> dict[str, str]:
    env = environment(database_url, static_root)
    if database_url.startswith("postgres"):
        manage(env, "flush", "--noinput")
    manage(env, "migrate", "--noinput")
    manage(env, "load_content", "--dir", str(content))
    return env


# --- measured inside a child process that has Django set up -------------------------------------


def visitor_with_progress():
    """A session whose visitor has marked some checklist items, and its cookie."""
    from importlib import import_module

    from django.conf import settings

    from careers.models import ChecklistItem
    from progress.models import Progress

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["started"] = True
    session.save()
    items = ChecklistItem.objects.current()[:20]
    for n, item in enumerate(items):
        Progress.objects.create(
            session_key=session.session_key, item=item, status=("done", "learning")[n % 2]
        )
    return settings.SESSION_COOKIE_NAME, session.session_key


def child_queries() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from careers.signals import bump_content_version

    cookie_name, session_key = visitor_with_progress()
    client = Client()
    client.cookies[cookie_name] = session_key
    counts = {}
    for url in PAGES:
        bump_content_version()
        with CaptureQueriesContext(connection) as first:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as again:
            client.get(url)
        counts[url] = (len(first), len(again))
    print(json.dumps(counts))


def child_session() -> None:
    import django

    django.setup()
    print(json.dumps(visitor_with_progress()))


# --- orchestration ------------------------------------------------------------------------------


def child(env: dict[str, str], name: str) -> object:
    result = subprocess.run(
        [PYTHON, __file__, "--child", name], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def fetch(url: str, cookie: str = "") -> bytes:
    return fetch_with_cookies(url, cookie)[0]


def fetch_with_cookies(url: str, cookie: str = "") -> tuple[bytes, list[str]]:
    """The body, and the cookies the response sets (as name=value)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        return response.read(), cookies


def wrk(url: str, seconds: int, cookie: str = "") -> float:
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses from {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh_and_time(env: dict[str, str], seconds: int) -> tuple[list[tuple[str, int, int]], dict]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cookie_name, session_key = child(env, "session")
    cookie = f"{cookie_name}={session_key}"
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "roadmap_site.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "4",
            "--keep-alive",
            "5",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        overview = f"{base}/{CAREER}/"
        wait_for(overview)
        # A returning visitor: their session, and the CSRF cookie their first visit set.
        html, cookies = fetch_with_cookies(overview, cookie)
        cookie = "; ".join([cookie, *cookies])
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        weights = [("HTML", len(html), gzipped_size(html))]
        for asset in assets:
            body = fetch(base + asset.decode())
            weights.append((asset.decode().rsplit("/", 1)[-1], len(body), gzipped_size(body)))
        static_url = base + next(a.decode() for a in assets if a.endswith(b".css"))
        for url in (static_url, overview):  # warm up
            wrk(url, 1, cookie)
        rates = {
            "static": wrk(static_url, seconds),
            "overview": wrk(overview, seconds, cookie),
            "faqs": wrk(f"{base}/{CAREER}/faqs/", seconds, cookie),
        }
        rates["static_file"] = static_url.removeprefix(base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return weights, rates


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([lines[0], rule, *lines[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        {"queries": child_queries, "session": child_session}[options.child]()
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the throughput table (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as temporary:
        folder = Path(temporary)
        static_root = folder / "static"
        server_url = os.environ.get("DATABASE_URL", "")

        def database(name: str) -> str:
            return server_url or f"sqlite:///{folder / name}.sqlite3"

        print("Preparing the databases and static files…", file=sys.stderr)
        real = prepare(database("real"), ROOT / "content", static_root)
        manage(real, "collectstatic", "--noinput")
        real_counts = child(real, "queries")
        weights, rates = weigh_and_time(real, options.seconds)
        big = prepare(database("x20"), generated_content(folder, 20), static_root)
        big_counts = child(big, "queries")

    cache = f"Redis at {REDIS_URL}" if real["REDIS_URL"] else "one per process (no Redis answered)"
    print(f"\nCache: {cache}")
    print("\nQueries per page (a visitor with progress; first request after a content change,")
    print("then the next ones)\n")
    print(
        table(
            ["page", "real content", "20x content"],
            [
                [
                    url,
                    "{}, then {}".format(*real_counts[url]),
                    "{}, then {}".format(*big_counts[url]),
                ]
                for url in PAGES
            ],
        )
    )
    print(f"\nWeight of the career overview, /{CAREER}/ (bytes)\n")
    total_raw, total_gzip = sum(w[1] for w in weights), sum(w[2] for w in weights)
    print(
        table(
            ["part", "raw", "gzip"],
            [*([name, raw, gz] for name, raw, gz in weights), ["total", total_raw, total_gzip]],
        )
    )
    ratio = rates["overview"] / rates["static"]
    print(
        "\nThroughput under gunicorn gthread (1 worker, 4 threads, keep-alive), "
        f"wrk -c8 -d{options.seconds}s\n"
    )
    print(
        table(
            ["URL", "requests/s"],
            [
                [f"static file {rates['static_file']}", f"{rates['static']:.0f}"],
                [f"/{CAREER}/ with a visitor's progress", f"{rates['overview']:.0f}"],
                ["overview / static", f"{ratio:.2f}"],
                [f"/{CAREER}/faqs/", f"{rates['faqs']:.0f}"],
                ["FAQs / static", f"{rates['faqs'] / rates['static']:.2f}"],
            ],
        )
    )


if __name__ == "__main__":
    main()
