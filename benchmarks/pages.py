"""Speed and size of the public pages, printed as tables.

    .venv/bin/python benchmarks/pages.py [--seconds 3] [--rounds 5]

Everything runs in a throwaway folder with production settings (DEBUG off, hashed and compressed
static files) on SQLite, or on DATABASE_URL's server when it is set (its database is replaced),
once with Redis (REDIS_URL, default redis://127.0.0.1:6379/15, emptied first) and once without:

1. queries per page, with the real content and with 20 times as much generated content, for a
   visitor with progress, on the first request after a content change and on the next ones;
2. the career overview's weight: its HTML and every stylesheet and script it loads, gzipped and as
   Chromium gets them (it accepts Zstandard and Brotli too), and the part of it that is the map
   of the road (its HTML and map.css);
3. requests per second under gunicorn (gthread, keep-alive) for the overview, a step page and the
   skills page, for a first-time visitor (no cookie) and for a returning visitor with progress,
   each against a static file served by the same process. The machine is noisy, so static file
   and page alternate in rounds after a warm-up, and the table gives the median of the rounds'
   ratios;
4. the lines of code of the read path and its caching, now and at the commit given by --before.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tokenize
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CAREER = "backend-developer"
THROUGHPUT_PAGES = (
    f"/{CAREER}/",
    f"/{CAREER}/steps/find-a-job/",
    f"/{CAREER}/skills/",
)
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
# The overview's map of the road in its HTML (templates/progress/_map.html).
MAP_HTML = re.compile(rb'<nav class="road-map".*?</nav>', re.DOTALL)
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


# The codings Chromium accepts (its Accept-Encoding header).
ACCEPTED = "gzip, deflate, br, zstd"

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


def environment(database_url: str, folder: Path, redis: bool) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": REDIS_URL if redis else "",
        "CACHE_DIR": str(folder / "cache"),
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


def prepare(database_url: str, content: Path, folder: Path, redis: bool) -> dict[str, str]:
    env = environment(database_url, folder, redis)
    if redis:
        redis_ready()
    shutil.rmtree(folder / "cache", ignore_errors=True)
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
    from progress.middleware import renew
    from progress.models import SESSION_OWNER, Progress

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.save()
    session[SESSION_OWNER] = session.session_key
    renew(session)  # as their last change did
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

    from careers.pages import content_changed

    cookie_name, session_key = visitor_with_progress()
    client = Client()
    client.cookies[cookie_name] = session_key
    counts = {}
    for url in PAGES:
        # As an edit does: a new version, seen at once by this process.
        content_changed(sender=None)
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


def fetch(url: str, cookie: str = "", encodings: str = "") -> bytes:
    return fetch_with_cookies(url, cookie, encodings)[0]


def fetch_with_cookies(url: str, cookie: str = "", encodings: str = "") -> tuple[bytes, list[str]]:
    """The body as sent (compressed in one of `encodings`, if given, as Accept-Encoding lists
    them), and the cookies the response sets (as name=value)."""
    headers = {"Cookie": cookie, "Accept-Encoding": encodings}
    request = urllib.request.Request(url, headers={k: v for k, v in headers.items() if v})
    with urllib.request.urlopen(request, timeout=10) as response:
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        return response.read(), cookies


def sent_size(url: str, cookie: str = "") -> int:
    """The bytes of the body as it comes to Chromium, compressed the way it asks for."""
    return len(fetch(url, cookie, ACCEPTED))


def wrk(url: str, seconds: int, cookie: str = "") -> float:
    # As Chromium asks: static files and pages may come compressed.
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", "-H", f"Accept-Encoding: {ACCEPTED}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} failed responses from {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh_and_time(env: dict[str, str], seconds: int, rounds: int) -> tuple[list, dict, dict]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cookie_name, session_key = child(env, "session")
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
        html, cookies = fetch_with_cookies(overview, f"{cookie_name}={session_key}")
        returning = "; ".join([f"{cookie_name}={session_key}", *cookies])
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        weights = [("HTML", len(html), gzipped_size(html), sent_size(overview, returning))]
        map_weight = {"HTML": gzipped_size(MAP_HTML.search(html).group())}
        for asset in assets:
            body = fetch(base + asset.decode())
            name = asset.decode().rsplit("/", 1)[-1]
            weights.append((name, len(body), gzipped_size(body), sent_size(base + asset.decode())))
            if name.startswith("map."):
                map_weight["map.css"] = gzipped_size(body)
        static_url = base + next(a.decode() for a in assets if a.endswith(b".css"))
        visitors = {"first visit": "", "returning, with progress": returning}
        runs = [(path, who) for path in THROUGHPUT_PAGES for who in visitors]
        for path, who in runs:  # warm up
            wrk(static_url, 1)
            wrk(base + path, 1, visitors[who])
        ratios: dict[tuple[str, str], list[float]] = {run: [] for run in runs}
        statics: list[float] = []
        for _ in range(rounds):
            for path, who in runs:
                static = wrk(static_url, seconds)
                page = wrk(base + path, seconds, visitors[who])
                statics.append(static)
                ratios[(path, who)].append(page / static)
        rates = {
            "static_file": static_url.removeprefix(base),
            "static": statistics.median(statics),
            "ratios": {run: statistics.median(values) for run, values in ratios.items()},
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    return weights, map_weight, rates


# The read path of the public pages and its caching: views, the read model, the status overlay
# and every cache. A file with names counts only those definitions: the rest of progress/models.py
# is the progress records themselves, the rest of progress/middleware.py keeps an anonymous
# visitor's session alive and the rest of progress/signals.py moves progress when a visitor signs
# in or items merge (writes, which before the redesign lived outside these files). Before the
# redesign the read path was in careers/views.py, careers/signals.py and the statuses cache and
# summaries of progress/models.py.
READ_PATH: dict[str, tuple[str, ...]] = {
    "careers/views.py": (),
    "careers/roadmap.py": (),
    "careers/pages.py": (),
    "careers/templatetags/tokens.py": (),
    "careers/signals.py": (),
    "progress/overlay.py": (),
    "progress/templatetags/progress.py": (),
    "progress/middleware.py": ("OwnerMiddleware",),
    "progress/signals.py": ("record_changed", "progress_changed"),
    "progress/models.py": (
        # before
        "_new_generation",
        "statuses_keys",
        "forget_statuses",
        "_next_generation",
        "Owner.statuses_keys",
        "roadmap_order",
        "ProgressQuerySet.update",
        "ProgressQuerySet.statuses",
        "ProgressQuerySet._read_statuses",
        "Summary",
        "SummarizedItems",
        "ItemGroup",
        "CareerProgress",
        # now
        "progress_changed",
        "Owner.progress_version",
        "Owner.marks",
    ),
}


def defined_lines(source: str, names: tuple[str, ...]) -> set[int]:
    """The line numbers of the named top-level definitions and methods (Class.method)."""
    import ast

    found: set[int] = set()
    for node in ast.parse(source).body:
        inner = getattr(node, "body", []) if isinstance(node, ast.ClassDef) else []
        candidates = [(getattr(node, "name", ""), node)]
        candidates += [(f"{node.name}.{getattr(n, 'name', '')}", n) for n in inner]
        for name, candidate in candidates:
            if name in names:
                found.update(range(candidate.lineno, candidate.end_lineno + 1))
    return found


def code_lines(source: str, only: set[int] | None = None) -> int:
    """Lines holding code (not blank, not only a comment, not a docstring), among `only`."""
    lines: set[int] = set()
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        ignored = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT)
        if token.type in (*ignored, tokenize.DEDENT, tokenize.ENDMARKER):
            pass
        elif token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT):
            pass  # a docstring, or a string standing alone
        else:
            lines.update(range(token.start[0], token.end[0] + 1))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return len(lines & only) if only is not None else len(lines)


def read_path_lines(commit: str) -> dict[str, int]:
    counts = {}
    for path, names in READ_PATH.items():
        shown = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True
        )
        if shown.returncode == 0:
            only = defined_lines(shown.stdout, names) if names else None
            counts[path] = code_lines(shown.stdout, only)
    return counts


def table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([lines[0], rule, *lines[1:]])


def measure(folder: Path, redis: bool, seconds: int, rounds: int) -> None:
    server_url = os.environ.get("DATABASE_URL", "")
    suffix = "redis" if redis else "local"
    folder = folder / suffix
    folder.mkdir()

    def database(name: str) -> str:
        return server_url or f"sqlite:///{folder / name}-{suffix}.sqlite3"

    print(f"Preparing the databases ({suffix})…", file=sys.stderr)
    real = prepare(database("real"), ROOT / "content", folder, redis)
    manage(real, "collectstatic", "--noinput")
    real_counts = child(real, "queries")
    weights, map_weight, rates = weigh_and_time(real, seconds, rounds)
    big = prepare(database("x20"), generated_content(folder, 20), folder, redis)
    big_counts = child(big, "queries")

    cache = f"Redis at {REDIS_URL}" if redis else "files shared by the processes (no Redis)"
    print(f"\n## Cache: {cache}")
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
    totals = [sum(weight[column] for weight in weights) for column in (1, 2, 3)]
    print(
        table(
            ["part", "raw", "gzip", "as Chromium gets it"],
            [*(list(weight) for weight in weights), ["total", *totals]],
        )
    )
    print(
        "\nOf which the map of the road, gzipped on its own: "
        + ", ".join(f"{part} {size}" for part, size in map_weight.items())
        + f", {sum(map_weight.values())} bytes in all"
    )
    print(
        "\nThroughput under gunicorn gthread (1 worker, 4 threads, keep-alive), wrk -c8, "
        f"{rounds} rounds of {seconds} s per URL alternating with the static file "
        f"{rates['static_file']} (median {rates['static']:.0f} requests/s)\n"
    )
    print(
        table(
            ["page", "visitor", "page / static file (median)"],
            [[path, who, f"{ratio:.2f}"] for (path, who), ratio in rates["ratios"].items()],
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of static file and page")
    parser.add_argument("--before", default="15ca5af", help="commit to compare code size with")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, str(ROOT))
        {"queries": child_queries, "session": child_session}[options.child]()
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the throughput table (apt-get install wrk)")

    with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as temporary:
        for redis in (True, False):
            if redis and not redis_ready():
                print(f"\n## Redis at {REDIS_URL} did not answer: skipped")
                continue
            measure(Path(temporary), redis, options.seconds, options.rounds)

    before, now = read_path_lines(options.before), read_path_lines("HEAD")
    print(f"\n## Lines of code of the read path and its caching, {options.before} and now\n")
    print(
        table(
            ["file", options.before, "now"],
            [
                *([path, before.get(path, "-"), now.get(path, "-")] for path in READ_PATH),
                ["total", sum(before.values()), sum(now.values())],
            ],
        )
    )


if __name__ == "__main__":
    main()
