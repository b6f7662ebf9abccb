"""Crafted input at every address of the site: in each part of the path, in each query parameter
the site reads and in each field of each form its pages show (found by reading the pages, so a new
form is fuzzed without being listed here). The site never answers 5xx, and when it refuses (4xx),
or answers a GET, nothing is saved. The admin is Django's own, for staff only, and left out.

Values go over the wire as the bytes a browser, or an attacker, would send: a lone surrogate is
the invalid UTF-8 b"\\xed\\xa0\\x80", which Django reads as U+FFFD; in an import file it is the
JSON escape "\\ud800", which json.loads keeps as a lone surrogate.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from itertools import product
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careers.models import (
    Career,
    ChecklistItem,
    ExchangeRate,
    Faq,
    SalaryRow,
    SalaryTable,
    Source,
    Step,
    StepSection,
)
from progress.models import Goal, Progress, ShareLink

pytestmark = pytest.mark.django_db

CORPUS: dict[str, str | None] = {
    "left out": None,
    "empty": "",
    "NUL": "a\x00b",
    "lone surrogates": "\ud800 and \udfff",
    "256 characters": "u" * 256,
    "100 KB": "x" * 100_000,
    "right to left, zero width, emoji": "\u202etxt.exe\u202c مرحبا \u200b\u200d\ufeff \U0001f600",
    "template": "{{7*7}}{% debug %}",
    "SQL": "' OR 1=1 --",
    "percent": "%",
    "underscore": "_",
    "formula and markup": '=HYPERLINK("http://evil.example/","x")<script>alert(1)</script>"\'>',
    "huge number": "9" * 30,
    "parent folders": "../../etc/passwd",
    "off-site address": "https://evil.example/",
}
PASSWORD = "a-long-password-1"
NEW_PASSWORD = "another-long-password-2"
# Values a visitor would type into empty fields, so that each fuzzed field is checked with the
# rest of its form valid.
TYPED = {
    "username": "ada",
    "email": "new@example.org",
    "password": PASSWORD,
    "old_password": PASSWORD,
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
    "new_password1": NEW_PASSWORD,
    "new_password2": NEW_PASSWORD,
    "target_date": (date.today() + timedelta(days=30)).isoformat(),
    "note": "a note",
    "q": "testing",
}
# Where a form needs another value to be valid: a sign-up needs a name nobody has.
TYPED_AT = {"/accounts/signup/": {"username": "newcomer"}}
# The query parameter every page may read, besides those of the forms that send GET.
NEXT = "next"


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def query_string(fields: list[tuple[str, str]]) -> str:
    return "&".join(
        f"{quote(raw(name), safe='')}={quote(raw(value), safe='')}" for name, value in fields
    )


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart body, and its content type, carrying bytes no client library would send."""
    boundary = "fuzzboundary7b3f"
    head = f"--{boundary}\r\nContent-Disposition: form-data; "
    parts = [f'{head}name="{name}"\r\n\r\n'.encode() + raw(value) for name, value in fields]
    parts += [
        f'{head}name="{name}"; filename="progress.json"\r\n\r\n'.encode() + content
        for name, content in files
    ]
    body = b"\r\n".join([*parts, f"--{boundary}--\r\n".encode()])
    return body, f"multipart/form-data; boundary={boundary}"


# The site, as small as it can be while every page has something to show


@dataclass
class Site:
    user: User
    item: ChecklistItem
    share_token: str
    path_values: dict[str, str]


@pytest.fixture
def site(db) -> Site:
    source = Source.objects.create(
        slug="doc",
        title="A document",
        publisher="P",
        author="A",
        published=date(2023, 9, 5),
        file_name="doc.md",
    )
    career = Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")
    career.sources.add(source)
    step = Step.objects.create(career=career, slug="first-step", position=1, title="S", summary="s")
    section = StepSection.objects.create(step=step, slug="start", position=1, heading="Start")
    action = ChecklistItem.objects.create(
        career=career, section=section, kind="action", slug="begin", position=1, title="Begin"
    )
    skill = ChecklistItem.objects.create(
        career=career, kind="skill", slug="testing", position=1, title="Testing"
    )
    Faq.objects.create(
        career=career, slug="why", position=1, question="Why test?", answer="To know."
    )
    table = SalaryTable.objects.create(
        career=career,
        slug="pay",
        position=1,
        title="Pay",
        as_of=date(2023, 9, 5),
        dimension=SalaryTable.Dimension.COUNTRY,
    )
    SalaryRow.objects.create(
        table=table,
        slug="us",
        position=1,
        label="US",
        currency="USD",
        minimum=Decimal(1),
        maximum=Decimal(2),
        as_stated="1 - 2",
    )
    ExchangeRate.objects.create(
        date=date(2023, 9, 5), currency="USD", per_euro=Decimal("1.07"), source="ECB"
    )
    user = User.objects.create_user("ada", "ada@example.org", PASSWORD)
    Progress.objects.create(user=user, item=action, status="learning", note="mine")
    Goal.objects.create(user=user, career=career, target_date=date.today() + timedelta(days=9))
    link = ShareLink.objects.create(user=user)
    return Site(
        user=user,
        item=skill,
        share_token=link.token,
        path_values={
            "career_slug": career.slug,
            "stage_slug": step.slug,
            "item_id": str(skill.pk),
            "token": link.token,
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        },
    )


def visitor(site: Site, signed_in: bool) -> Client:
    """A visitor with progress of their own: in their account, or else in their session."""
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(site.user)
    else:
        client.post(f"/progress/items/{site.item.pk}/status/", {"status": "learning"})
    return client


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def saved() -> list:
    """Every row a visitor's request can change (no page writes content)."""
    return [
        list(model.objects.order_by("pk").values_list())
        for model in (Progress, Goal, ShareLink, User)
    ]


@dataclass
class Outcome:
    status: int
    changed: bool


def request(client: Client, method: str, path: str, fields=(), files=(), headers=None) -> Outcome:
    """One request in a savepoint, rolled back after it: each request starts from the same data,
    and a database error in one (a 500, reported) leaves the next a working transaction."""
    before = saved()
    with transaction.atomic():
        path, _, query = path.partition("?")
        if method == "GET":
            pairs = query_string(list(fields))
            response = client.get(
                path, QUERY_STRING="&".join(p for p in (query, pairs) if p), headers=headers
            )
        elif files:
            body, content_type = multipart(list(fields), list(files))
            response = client.post(path, body, content_type=content_type, headers=headers)
        else:
            body = query_string(list(fields)).encode()
            response = client.post(
                path, body, content_type="application/x-www-form-urlencoded", headers=headers
            )
        changed = response.status_code < 500 and saved() != before
        transaction.set_rollback(True)
    return Outcome(response.status_code, changed)


def problem(outcome: Outcome, method: str, what: str, value_name: str) -> str | None:
    if outcome.status >= 500:
        return f"{method} {what} with {value_name}: {outcome.status}"
    if outcome.status >= 400 and outcome.changed:
        return f"{method} {what} with {value_name}: refused with {outcome.status} but saved"
    if method == "GET" and outcome.changed:
        return f"{method} {what} with {value_name}: a GET saved something"
    return None


def assert_none(problems: list[str | None]) -> None:
    found = [found for found in problems if found]
    if found:
        pytest.fail(f"{len(found)} problems:\n" + "\n".join(found), pytrace=False)


# Every address of the site


def routes(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


# A part of a route that takes a value: <converter:name> or (?P<name>…)
ROUTE_PART = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def route_parts(route: str) -> list[str]:
    return [a or b for a, b in ROUTE_PART.findall(route)]


def path_of(route: str, values: dict[str, str]) -> str:
    """The route as a path, each part taking its value (percent-encoded) from values."""
    path = ROUTE_PART.sub(lambda m: quote(raw(values[m.group(1) or m.group(2)]), safe=""), route)
    return "/" + path.removeprefix("^").removesuffix("$").replace("\\", "")


def test_every_route_of_the_site_has_values_to_fuzz_from(site):
    for route in routes():
        for part in route_parts(route):
            assert part in site.path_values, f"{route}: give {part} a value in the site fixture"
        assert resolve(path_of(route, site.path_values)).route == route


def path_to(site: Site, route: str) -> str:
    """A path to the route's page."""
    values = dict(site.path_values)
    if "uidb64" in route:  # a password-reset link, whose token changes at every sign-in
        values["token"] = default_token_generator.make_token(User.objects.get(pk=site.user.pk))
    return path_of(route, values)


class Visitors:
    """An anonymous visitor and a signed-in one, each with progress of their own."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.anonymous = visitor(site, signed_in=False)
        self.member = visitor(site, signed_in=True)
        self.sign_in = resolve_url(settings.LOGIN_URL)

    def for_route(self, route: str) -> Client:
        """Who sees the route's page: the member where the page asks to sign in."""
        answer = self.anonymous.get(path_to(self.site, route))
        asks_to_sign_in = answer.status_code == 302 and answer["Location"].startswith(self.sign_in)
        return self.member if asks_to_sign_in else self.anonymous


def test_no_part_of_a_path_gets_a_5xx(site):
    visitors = Visitors(site)
    problems = []
    for route in routes():
        client = visitors.for_route(route)
        for part in route_parts(route):
            for value_name, value in CORPUS.items():
                if value is not None:
                    outcome = request(
                        client, "GET", path_of(route, {**site.path_values, part: value})
                    )
                    problems.append(problem(outcome, "GET", f"{route} ({part})", value_name))
    assert_none(problems)


# Forms, as the pages show them


@dataclass
class Form:
    page: str  # the route of the page that shows the form
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    signed_in: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.method, route_of(self.action)

    @property
    def ways_to_send(self) -> list[dict[str, str]]:
        """Without JavaScript, and as htmx sends it if the form has htmx attributes."""
        return [{}, self.headers] if self.headers else [{}]


class FormReader(HTMLParser):
    """The forms of a page, each field with the value the page gives it (the first of several
    buttons or radio choices, the selected or first option) or else one a visitor would type."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def typed(self, name: str) -> str:
        action = urlsplit(self.form.action).path if self.form else ""
        return TYPED_AT.get(action, {}).get(name) or TYPED.get(name, "")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "form":
            action = attributes.get("action") or self.page
            headers = {}
            if "hx-post" in attributes or "hx-get" in attributes:
                headers = {"HX-Request": "true"}
                if target := attributes.get("hx-target", "").removeprefix("#"):
                    headers["HX-Target"] = target
            method = attributes.get("method", "get").upper()
            self.form = Form(page=self.page, method=method, action=action, headers=headers)
            self.forms.append(self.form)
        elif tag == "option" and self.form is not None and self.select:
            if self.select not in self.form.fields or "selected" in attributes:
                self.form.fields[self.select] = attributes.get("value", "")
        elif self.form is None or not name or name == "csrfmiddlewaretoken":
            return
        elif tag == "input" and attributes.get("type") == "file":
            self.form.files.append(name)
        elif tag == "input" and attributes.get("type") in ("radio", "checkbox"):
            if name not in self.form.fields or "checked" in attributes:
                self.form.fields[name] = attributes.get("value", "on")
        elif tag in ("input", "button"):
            typed = attributes.get("value") or self.typed(name)
            self.form.fields.setdefault(name, typed)
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.form.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self.form is not None and self.textarea:
            self.form.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.form is not None and self.textarea:
            text = self.form.fields[self.textarea].strip()
            self.form.fields[self.textarea] = text or self.typed(self.textarea)
            self.textarea = None


def forms_of(site: Site) -> list[Form]:
    """The forms of every page, one per address they send to, with the fields of all of them
    (a sign-in form sends "next" only when a page sent the visitor there), as the first visitor
    who saw them: anonymous, or else signed in."""
    found: dict[tuple, Form] = {}
    for signed_in in (False, True):
        client = visitor(site, signed_in)
        pages = [(route, {NEXT: "/dashboard/"}) for route in routes()]
        # Forms a page shows only once asked to: stopping sharing, after its question.
        pages.append(("progress/share/", {"stop": ""}))
        for route, query in pages:
            # With a page to go on to, as sign-in and sign-up forms carry it along.
            response = client.get(path_to(site, route), query, follow=True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            reader = FormReader(response.request["PATH_INFO"])
            reader.feed(response.content.decode())
            for form in reader.forms:
                shown = replace(form, page=route, signed_in=signed_in)
                known = found.setdefault(form.key, shown)
                known.fields = {**form.fields, **known.fields}
                known.files = list(dict.fromkeys([*known.files, *form.files]))
    return list(found.values())


def route_of(path: str) -> str:
    return resolve(urlsplit(path).path).route


def test_the_pages_show_every_form_the_fuzzing_expects(site):
    found = {
        (route_of(form.action), name)
        for form in forms_of(site)
        for name in [*form.fields, *form.files]
    }
    expected = {
        ("/search/", "q"),
        ("/tester/faqs/", "q"),
        ("/tester/salaries/", "currency"),
        ("/tester/salaries/", "rates"),
        ("/tester/salaries/", "sort"),
        (f"/progress/items/{site.item.pk}/status/", "status"),
        (f"/progress/items/{site.item.pk}/status/", "next"),
        (f"/progress/items/{site.item.pk}/note/", "note"),
        ("/dashboard/tester/goal/", "target_date"),
        ("/progress/import/", "file"),
        ("/progress/share/", "action"),
        ("/accounts/signup/", "username"),
        ("/accounts/signup/", "email"),
        ("/accounts/signup/", "password1"),
        ("/accounts/signup/", "password2"),
        ("/accounts/signup/", "next"),
        ("/accounts/login/", "username"),
        ("/accounts/login/", "password"),
        ("/accounts/login/", "next"),
        ("/accounts/password/", "old_password"),
        ("/accounts/password/", "new_password1"),
        ("/accounts/password/reset/", "email"),
        (f"/accounts/password/reset/{site.path_values['uidb64']}/set-password/", "new_password1"),
        ("/accounts/delete/", "password"),
    }
    assert {(route_of(path), name) for path, name in expected} - found == set()


def test_no_form_field_gets_a_5xx_and_a_refused_form_saves_nothing(site):
    problems = []
    for form in forms_of(site):
        client = visitor(site, form.signed_in)
        # A page can start what its form finishes: a reset link keeps its token in the session.
        client.get(path_to(site, form.page), follow=True)
        for name in [*form.fields, *form.files]:
            for value_name, value in CORPUS.items():
                for (where, fields, files), headers in product(
                    variants(form, name, value, site), form.ways_to_send
                ):
                    outcome = request(client, form.method, form.action, fields, files, headers)
                    what = f"{form.action} {where}{' (htmx)' if headers else ''}"
                    problems.append(problem(outcome, form.method, what, value_name))
                    if is_signed_in(client) != form.signed_in:
                        client = visitor(site, form.signed_in)
                        client.get(path_to(site, form.page), follow=True)
    assert_none(problems)


def variants(form: Form, name: str, value: str | None, site: Site):
    """What the form sends with `name` set to value, and where the value went: a file gets it
    as its whole content and in each text field of a progress export."""
    fields = [(n, v) for n, v in form.fields.items() if n != name]
    files = [(n, b"") for n in form.files if n != name]
    if name in form.fields:
        yield name, fields + ([] if value is None else [(name, value)]), files
    elif value is None:
        yield name, fields, files
    else:
        yield name, fields, [*files, (name, raw(value))]
        for key in ("career", "item", "status", "note"):
            entry = {"career": "tester", "item": site.item.slug, "status": "done", "note": ""}
            export = {"format": "roadmap-progress", "progress": [{**entry, key: value}]}
            yield (
                f'{name} ("{key}" of an export)',
                fields,
                [*files, (name, json.dumps(export).encode())],
            )


# Query parameters


def test_no_query_parameter_of_any_page_gets_a_5xx(site):
    """Each page with every query parameter the site reads."""
    get_forms = [form for form in forms_of(site) if form.method == "GET"]
    names = sorted({NEXT} | {name for form in get_forms for name in form.fields})
    visitors = Visitors(site)
    problems = []
    for route in routes():
        client = visitors.for_route(route)
        for value_name, value in CORPUS.items():
            if value is not None:
                fields = [(name, value) for name in names]
                outcome = request(client, "GET", path_to(site, route), fields)
                problems.append(problem(outcome, "GET", f"{route}?{'&'.join(names)}", value_name))
    assert_none(problems)
