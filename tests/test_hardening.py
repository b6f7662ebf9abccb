"""Crafted input and private pages: share addresses, import text, CSV cells, what may be cached."""

import csv
import io
import json
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careers.models import Career, ChecklistItem
from progress import views
from progress.models import Progress, ShareLink, new_share_token

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


@pytest.fixture
def career() -> Career:
    return Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")


def make_item(career: Career, position: int, slug: str, title: str = "An item") -> ChecklistItem:
    return ChecklistItem.objects.create(
        career=career, kind="skill", slug=slug, position=position, title=title
    )


@pytest.fixture
def item(career) -> ChecklistItem:
    return make_item(career, 1, "testing", "Testing")


# Share addresses


@pytest.mark.parametrize(
    "path",
    [
        "/share/%00/",
        "/share/abc%00def/",
        "/share/%ED%A0%80/",  # the UTF-8 bytes of a lone surrogate
        "/share/%E2%80%AEabc/",  # a right-to-left override
        "/share/'%20OR%201=1%20--/",
        "/share/%25/",
        "/share/a.b/",
        "/share/" + "a" * 65 + "/",
    ],
)
def test_a_share_address_outside_the_tokens_alphabet_is_not_found(client, user, path):
    ShareLink.objects.create(user=user)

    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_every_share_token_has_an_address_that_finds_its_page(client, user):
    for _ in range(200):
        token = new_share_token()
        assert resolve(reverse("progress:shared", args=[token])).func.__name__ == "shared"
    link = ShareLink.objects.create(user=user)

    assert client.get(link.get_absolute_url()).status_code == HTTPStatus.OK


# Where to go next


@pytest.mark.parametrize("target", ["home", "robots", "%", "a\x00b", "-1"])
def test_a_next_page_that_is_not_a_path_is_ignored_not_taken_for_a_views_name(client, item, target):
    url = reverse("progress:status", args=[item.pk])

    response = client.post(url, {"status": "done", "next": target})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == item.get_absolute_url()


def test_signing_up_with_a_next_page_that_is_not_a_path_goes_to_the_dashboard(client, db):
    fields = {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}

    response = client.post("/accounts/signup/?next=home", fields)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("progress:dashboard")
    assert User.objects.filter(username="newcomer").exists()


# Import: text the database cannot hold


def progress_file(*entries: dict) -> str:
    return json.dumps({"format": "roadmap-progress", "version": 1, "progress": list(entries)})


def entry(of: ChecklistItem, **changes: str) -> dict:
    return {"career": of.career.slug, "item": of.slug, "status": "done", "note": "", **changes}


def upload(client: Client, content: str):
    file = SimpleUploadedFile("progress.json", content.encode(), "application/json")
    return client.post(reverse("progress:import"), {"file": file})


@pytest.mark.parametrize(
    ("character", "named"),
    [("\ud800", "a lone surrogate"), ("\udfff", "a lone surrogate"), ("\x00", "a NUL character")],
)
@pytest.mark.parametrize("field", ["career", "item", "status", "note"])
def test_an_import_with_a_lone_surrogate_or_nul_is_refused_naming_the_entry(
    client, career, item, snapshot, character, named, field
):
    other = make_item(career, 2, "other")
    bad = entry(other, **{field: f"done{character}done"})
    before = snapshot()

    # json.dumps writes a lone surrogate as the escape \ud800, as any JSON writer may.
    response = upload(client, progress_file(entry(item), bad))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert f"Entry 2: &quot;{field}&quot; may not contain {named}." in html
    assert "Nothing was imported." in html
    assert snapshot() == before


def test_an_import_names_every_field_with_a_lone_surrogate_and_every_one_with_nul(
    client, item, snapshot
):
    bad = entry(item, career="a\ud800", note="b\udc00", item="c\x00")

    response = upload(client, progress_file(bad))

    html = response.content.decode()
    assert "Entry 1: &quot;item&quot; may not contain a NUL character." in html
    assert "Entry 1: &quot;career&quot;, &quot;note&quot; may not contain a lone surrogate." in html


def test_an_import_keeps_a_character_written_as_a_surrogate_pair(client, item):
    response = upload(client, progress_file(entry(item, note="\U0001f600 \u202eright to left")))

    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get().note == "\U0001f600 \u202eright to left"


# CSV export


FORMULAS = [
    '=HYPERLINK("http://evil.example/","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_export_puts_a_quote_before_every_cell_a_spreadsheet_would_run(
    user, user_client, career
):
    items = [make_item(career, n, f"item-{n}", title) for n, title in enumerate(FORMULAS, start=1)]
    for item, note in zip(items, FORMULAS, strict=True):
        Progress.objects.create(user=user, item=item, note=note)
    plain = make_item(career, 99, "plain", "Plain = title")
    Progress.objects.create(user=user, item=plain, note="a note, 1+1=2")

    response = user_client.get(reverse("progress:export_csv"))

    rows = {row["item"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    for item, text in zip(items, FORMULAS, strict=True):
        assert (rows[item.slug]["title"], rows[item.slug]["note"]) == (f"'{text}", f"'{text}")
    assert (rows["plain"]["title"], rows["plain"]["note"]) == ("Plain = title", "a note, 1+1=2")
    assert rows["plain"]["status"] == "not-started" and rows["plain"]["retired"] == "False"


def test_csv_export_neutralises_a_formula_in_a_slug(user, user_client, career):
    item = make_item(career, 1, "-1", "Minus one")
    Progress.objects.create(user=user, item=item)

    response = user_client.get(reverse("progress:export_csv"))

    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["item"] == "'-1"


def test_json_export_keeps_such_notes_and_titles_exactly(user, user_client, career):
    items = [make_item(career, n, f"item-{n}", title) for n, title in enumerate(FORMULAS, start=1)]
    for item, note in zip(items, FORMULAS, strict=True):
        Progress.objects.create(user=user, item=item, note=note)

    response = user_client.get(reverse("progress:export_json"))

    rows = json.loads(response.content)["progress"]
    assert sorted((row["title"], row["note"]) for row in rows) == sorted(
        (text, text) for text in FORMULAS
    )


# What browsers and proxies may keep


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def shared_token(user) -> str:
    return ShareLink.objects.create(user=user).token


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/",
        "/dashboard/tester/",
        "/dashboard/tester/reset/",
        "/progress/items/{item}/",
        "/progress/export.json",
        "/progress/export.csv",
        "/progress/import/",
        "/progress/share/",
        "/share/{token}/",
    ],
)
def test_pages_with_one_visitors_data_are_never_stored(user, user_client, item, shared_token, path):
    Progress.objects.create(user=user, item=item, note="private thoughts")

    response = user_client.get(path.format(item=item.pk, token=shared_token))

    assert response.status_code == HTTPStatus.OK
    assert cache_directives(response) == {"private", "no-store"}


def test_answers_to_a_visitors_changes_are_never_stored(user_client, item):
    note_url = reverse("progress:note", args=[item.pk])
    status_url = reverse("progress:status", args=[item.pk])
    htmx = {"HTTP_HX_REQUEST": "true"}
    answers = [
        user_client.post(note_url, {"note": "x" * 5001}),
        user_client.post(note_url, {"note": "mine"}, **htmx),
        user_client.post(status_url, {"status": "done"}, **htmx),
        user_client.post(status_url, {"status": "mastered"}),
        user_client.post(reverse("progress:goal", args=["tester"]), {"target_date": "yesterday"}),
        user_client.post(reverse("progress:import")),
    ]

    assert [response.status_code for response in answers] == [400, 200, 200, 400, 400, 400]
    for response in answers:
        assert cache_directives(response) == {"private", "no-store"}


def test_the_never_stored_decorator_sends_exactly_private_and_no_store(rf):
    response = views.never_stored(lambda request: HttpResponse("x"))(rf.get("/"))

    assert response["Cache-Control"] in ("private, no-store", "no-store, private")
    assert not response.has_header("Expires")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tester/",
        "/tester/skills/",
        "/tester/faqs/",
        "/tester/salaries/",
        "/sources/",
        "/search/?q=test",
    ],
)
def test_content_pages_are_private_and_never_stored(client, career, path):
    """They hold the visitor's statuses and account links: Back after a change elsewhere must
    fetch them again, not show the browser's copy from before it."""
    for response in (client.get(path), client.get(path)):  # rendered, then from the page cache
        assert response.status_code == HTTPStatus.OK
        # Stored pages, whose end carries the visitor's secret, add no-transform (careers.pages).
        stored = set() if path.endswith("/salaries/") else {"no-transform"}
        assert cache_directives(response) == {"private", "no-store", *stored}


def password_reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/password/reset/{uid}/{default_token_generator.make_token(user)}/"


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/accounts/", True),
        ("/accounts/password/", True),
        ("/accounts/password/done/", True),
        ("/accounts/delete/", True),
        ("/accounts/signup/", False),
        ("/accounts/login/", False),
        ("/accounts/password/reset/", False),
        ("/accounts/password/reset/sent/", False),
        ("reset-link", False),
        ("/accounts/password/reset/complete/", False),
        ("/accounts/deleted/", False),
    ],
)
def test_account_pages_are_never_stored(client, user, path, signed_in):
    if signed_in:
        client.force_login(user)
    if path == "reset-link":
        path = password_reset_link(user)

    response = client.get(path, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert response.request["PATH_INFO"].startswith("/accounts/")
    assert {"private", "no-store"} <= cache_directives(response)


def test_signing_out_is_never_stored(user_client):
    response = user_client.post("/accounts/logout/")

    assert response.status_code == HTTPStatus.FOUND
    assert {"private", "no-store"} <= cache_directives(response)


def test_the_sign_in_lockout_page_is_never_stored(client, user):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert {"private", "no-store"} <= cache_directives(response)


def policy_of(response: HttpResponse) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize(
    "path", ["/", "/tester/", "/tester/", "/search/?q=%00", "/no-such-page/", "/dashboard/"]
)
def test_every_answer_forbids_scripts_styles_and_frames_from_elsewhere(client, career, path):
    """The same path twice: the second answer comes from the page cache."""
    policy = policy_of(client.get(path))

    assert policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    ("path", "host", "status"),
    [
        ("/tester", "testserver", HTTPStatus.MOVED_PERMANENTLY),
        ("/tester/", "evil.example", HTTPStatus.BAD_REQUEST),
    ],
)
def test_redirects_and_refused_hosts_carry_the_policy_and_frame_refusal(
    client, career, path, host, status
):
    response = client.get(path, HTTP_HOST=host)

    assert response.status_code == status
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_answers_to_forms_carry_the_policy_too(client, item):
    response = client.post(reverse("progress:status", args=[item.pk]), {"status": "bogus"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert policy_of(response)["script-src"] == ["'self'"]


# Bodies that cannot be read


@pytest.fixture
def csrf_client(item) -> Client:
    """A client whose forms are checked for their CSRF token, as a browser's are, on the item's
    page: it has the token's cookie."""
    client = Client(enforce_csrf_checks=True)
    client.get(item.get_absolute_url())
    return client


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "ascii"])
def test_a_form_declared_in_another_charset_gets_a_400_and_changes_nothing(
    csrf_client, item, charset
):
    """With the CSRF check on, as in a browser: the check reads the form first."""
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        reverse("progress:status", args=[item.pk]),
        f"csrfmiddlewaretoken={token}&status=done",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_X_CSRFTOKEN=token,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Request not understood" in response.content.decode()
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "note=caf%E9",  # Latin-1's é
        "note=%ED%A0%80",  # the UTF-8 bytes of a lone surrogate
        "note=caf\xe9",  # Latin-1's é, not even percent-encoded
        "n%FFte=a+note",  # in a field's name
    ],
)
def test_a_form_whose_text_is_not_utf8_gets_a_400_saying_so_and_changes_nothing(
    csrf_client, item, body
):
    """Django would read each such byte as the replacement character, and the note would be
    saved with it in place of what was written."""
    token = csrf_client.cookies["csrftoken"].value

    response = csrf_client.post(
        reverse("progress:note", args=[item.pk]),
        f"csrfmiddlewaretoken={token}&{body}".encode("latin-1"),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "The text of this form was not sent as UTF-8, so some of its letters could not" in page
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert not Progress.objects.exists()


def test_a_form_in_utf8_with_letters_of_any_script_is_saved_as_written(csrf_client, item):
    token = csrf_client.cookies["csrftoken"].value
    note = "caf\xe9, \u0645\u0631\u062d\u0628\u0627 \U0001f600"

    response = csrf_client.post(
        reverse("progress:note", args=[item.pk]),
        # Percent-encoded, as browsers send it.
        f"csrfmiddlewaretoken={token}&note={quote(note)}".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Progress.objects.get().note == note


@pytest.mark.parametrize("form", ["progress:note", "progress:status"])
def test_a_form_larger_than_the_site_reads_gets_a_413_saying_so_and_changes_nothing(
    csrf_client, item, settings, form
):
    token = csrf_client.cookies["csrftoken"].value
    note = "n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = csrf_client.post(
        reverse(form, args=[item.pk]),
        {"csrfmiddlewaretoken": token, "status": "done", "note": note},
    )

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    page = response.content.decode()
    assert "<h1>Too much sent</h1>" in page
    assert "(2.5\xa0MB at most), so nothing was changed" in page
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert not Progress.objects.exists()


# Requests the site refuses before any view reads them


def test_a_form_sent_without_its_token_gets_the_sites_403_page_and_changes_nothing(
    csrf_client, item
):

    response = csrf_client.post(reverse("progress:status", args=[item.pk]), {"status": "done"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Form out of date" in response.content.decode()
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert not Progress.objects.exists()


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/accounts/logout/", "POST"),
        ("get", "status", "POST"),
        ("options", "/", "GET, HEAD"),
        ("put", "/accounts/login/", "GET, HEAD, POST"),
    ],
)
def test_an_address_asked_with_a_method_it_does_not_take_answers_the_sites_405_page(
    client, item, method, path, allowed
):
    url = reverse("progress:status", args=[item.pk]) if path == "status" else path

    response = getattr(client, method)(url)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == allowed
    assert "Not a page to open" in response.content.decode()
    assert response["Content-Length"] == str(len(response.content))
    assert policy_of(response)["script-src"] == ["'self'"]
