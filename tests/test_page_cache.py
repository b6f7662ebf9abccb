"""The page cache serves one stored page to every visitor it fits, and never one visitor's
token, statuses or account links to another."""

import gzip
import re
import zlib
from html.parser import HTMLParser
from http import HTTPStatus

import brotli
import pytest
from backports import zstd
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from careers.models import ChecklistItem
from careers.pages import CSRF_PLACEHOLDER, PAGE_TOKEN_INPUT, TOKEN_INPUT, StoredPage, page_key
from progress.models import Progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def overview(career) -> str:
    """The address of a small career's overview, a page with every kind of status control."""
    return career.get_absolute_url()


def page_token(html: str) -> str:
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    tokens |= set(re.findall(r'id="csrf-token" value="([^"]+)"', html))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def test_first_time_visitors_share_one_stored_page_each_with_their_own_token(overview):
    first, second = Client(), Client()
    one, two = first.get(overview), second.get(overview)

    assert page_key(one.wsgi_request) == page_key(two.wsgi_request) is not None
    secrets = [c.cookies[settings.CSRF_COOKIE_NAME].value for c in (first, second)]
    tokens = [page_token(r.content.decode()) for r in (one, two)]
    assert secrets[0] != secrets[1]
    assert [_unmask_cipher_token(token) for token in tokens] == secrets
    for response in (one, two):
        assert CSRF_PLACEHOLDER not in response.content.decode()


@pytest.mark.parametrize(
    ("accepted", "coding", "decompress"),
    [
        ("gzip, deflate, br, zstd", "gzip", gzip.decompress),  # what Chromium asks for
        ("gzip", "gzip", gzip.decompress),
        # Without gzip a page is compressed as it is sent, as any other answer.
        ("br", "br", brotli.decompress),
        ("zstd", "zstd", zstd.decompress),
        ("gzip;q=0, br", "br", brotli.decompress),
        ("GZIP; q=0.5, identity", "gzip", gzip.decompress),
        ("*", "gzip", gzip.decompress),
    ],
)
def test_a_stored_page_goes_out_compressed_with_each_visitors_own_token(
    overview, accepted, coding, decompress
):
    first, second = Client(), Client()
    first.get(overview)  # stores the page

    answer = second.get(overview, HTTP_ACCEPT_ENCODING=accepted)

    assert answer["Content-Encoding"] == coding
    assert "accept-encoding" in answer["Vary"].lower()
    html = decompress(answer.content).decode()
    secret = second.cookies[settings.CSRF_COOKIE_NAME].value
    if coding == "gzip":
        # Its end compressed on its own, the page carries the secret itself (pages.csrf_secret).
        assert page_token(html) == secret
    else:
        # Compressed whole, with what a search repeats: the secret masked anew for each page.
        assert _unmask_cipher_token(page_token(html)) == secret
    assert len(answer.content) < len(html) / 4
    plain = second.get(overview).content.decode()
    assert html.replace(page_token(html), "") == plain.replace(page_token(plain), "")


@pytest.mark.parametrize(
    "accepted", ["gzip;q=0, identity", "gzip;q=0.000", "*;q=0", "gzip;level=1;q=0", "gzip;q=x"]
)
def test_a_stored_page_goes_out_plain_to_a_client_that_refuses_gzip(overview, accepted):
    Client().get(overview)  # stores the page
    visitor = Client()

    answer = visitor.get(overview, HTTP_ACCEPT_ENCODING=accepted)

    assert "Content-Encoding" not in answer
    assert "</h1>" in answer.content.decode()


class PostForms(HTMLParser):
    """The ids of the forms that post, and the form each token input gives its token to."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[str] = []
        self.tokens: list[str | None] = []
        self.inside: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append(attrs["id"])
            self.inside = attrs["id"]
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.tokens.append(attrs.get("form", self.inside))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = None


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_form_on_a_stored_page_gets_one_token_from_the_pages_end(overview, user, signed_in):
    visitor = Client()
    if signed_in:
        visitor.force_login(user)
    visitor.get(overview)  # stores the page

    html = visitor.get(overview, HTTP_ACCEPT_ENCODING="gzip").content
    page = PostForms(gzip.decompress(html).decode())

    assert len(page.forms) > 1 and ("sign-out" in page.forms) is signed_in
    assert sorted(page.tokens) == sorted(page.forms)
    end = gzip.decompress(html).decode().rsplit("</main>", 1)[1]
    assert len(PostForms(end).tokens) == len(page.forms)


@pytest.mark.parametrize(("accepted", "decompress"), [("gzip", gzip.decompress), ("", bytes)])
@pytest.mark.parametrize("returning", [False, True], ids=["first-visit", "returning"])
def test_the_token_a_stored_page_carries_lets_its_visitor_post(
    overview, accepted, decompress, returning
):
    visitor = Client(enforce_csrf_checks=True)
    Client().get(overview)  # stores the page
    if returning:
        visitor.get(overview)
    secret = visitor.cookies.get(settings.CSRF_COOKIE_NAME)
    answer = visitor.get(overview, HTTP_ACCEPT_ENCODING=accepted)
    token = page_token(decompress(answer.content).decode())
    item = ChecklistItem.objects.current().first()
    url = f"/progress/items/{item.pk}/status/"

    # The cookie goes out on every page, its expiry renewed; a returning visitor keeps theirs.
    sent = answer.cookies[settings.CSRF_COOKIE_NAME]
    assert sent["max-age"] == settings.CSRF_COOKIE_AGE
    assert (sent.value == secret.value) if returning else (secret is None)
    assert visitor.post(url, {"status": "done"}).status_code == HTTPStatus.FORBIDDEN
    answer = visitor.post(url, {"status": "done", "csrfmiddlewaretoken": token})
    assert answer.status_code == HTTPStatus.FOUND
    assert Progress.objects.get(item=item).status == "done"


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("page", ["/search/", "overview"])
def test_in_gzip_a_pages_token_is_compressed_apart_from_what_a_search_repeats(
    overview, user, page, signed_in
):
    """Against BREACH: the end, which carries the visitor's secret, is compressed on its own,
    after a full flush, so it can be inflated alone, and it holds nothing the address chose.
    On the overview the query is in every status form's `next`, whose token is in the end."""
    visitor = Client()
    if signed_in:
        visitor.force_login(user)
    query = "guessing the token"
    path = overview if page == "overview" else page
    answer = visitor.get(path, {"q": query}, HTTP_ACCEPT_ENCODING="gzip")
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value

    body = answer.content[:-8]  # without the gzip trailer (checksum and size)
    flushed = body.rindex(b"\x00\x00\xff\xff") + 4
    end = zlib.decompressobj(-zlib.MAX_WBITS).decompress(body[flushed:]).decode()
    html = gzip.decompress(answer.content).decode()
    assert html.endswith(end) and "guessing" in html
    # And no proxy may compress the page again, whole.
    assert "no-transform" in answer["Cache-Control"]
    assert end.startswith('<input type="hidden"') and end.count(secret) >= 1
    # The page's own token, the sign-out form's, and on the overview each status form's.
    assert ("sign-out" in end) is signed_in
    assert (end.count(secret) > 1 + signed_in) is (page == "overview")
    assert "guessing" not in end
    assert re.fullmatch(r'(<input type="hidden" [^<>]*>)+</div>\s*</body>\s*</html>\s*', end)


def test_a_visitors_statuses_stay_on_their_own_pages(overview):
    item = ChecklistItem.objects.current().filter(kind="skill").first()
    marker = Client()
    marker.post(f"/progress/items/{item.pk}/status/", {"status": "done"})
    done = f'id="status-{item.slug}-done" name="status" value="done"'

    assert done + " checked>" in marker.get(overview).content.decode()
    for stranger in (Client(), Client()):
        assert done + ">" in stranger.get(overview).content.decode()


def test_a_signed_in_visitors_page_is_not_served_to_anyone_else(overview, user):
    signed_in = Client()
    signed_in.force_login(user)
    assert "Sign out" in signed_in.get(overview).content.decode()

    anonymous = Client().get(overview).content.decode()
    assert "Sign out" not in anonymous and "Sign in" in anonymous

    other = Client()
    other.force_login(type(user).objects.create_user("bob", "bob@example.org", "pw-long-2"))
    assert page_key(other.get(overview).wsgi_request) != page_key(
        signed_in.get(overview).wsgi_request
    )


def test_a_page_with_a_message_waiting_is_rendered_for_its_visitor_alone(overview):
    item = ChecklistItem.objects.current().first()
    visitor = Client()
    visitor.post(f"/progress/items/{item.pk}/note/", {"note": "Read the docs"})

    response = visitor.get(overview)
    assert "Your note is saved." in response.content.decode()
    assert page_key(response.wsgi_request) is None
    assert "Your note is saved." not in Client().get(overview).content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_status_saved_without_javascript_is_said_to_its_visitor_and_never_stored(
    overview, user, signed_in
):
    from django.core.cache import caches

    item = ChecklistItem.objects.current().filter(kind="skill").first()
    visitor = Client()
    if signed_in:
        visitor.force_login(user)
    back = visitor.post(f"/progress/items/{item.pk}/status/", {"status": "done", "next": overview})

    confirmed = visitor.get(back["Location"])

    assert "Saved: Done" in confirmed.content.decode()
    assert page_key(confirmed.wsgi_request) is None
    # The same page for the same visitor and progress, now stored: without the confirmation.
    again = visitor.get(overview)
    stored = caches["pages"].get(page_key(again.wsgi_request))
    assert isinstance(stored, StoredPage)
    assert "Saved: " not in stored.html("t").decode()
    assert "Saved: " not in again.content.decode()
    for stranger in (Client(), Client()):
        assert "Saved: " not in stranger.get(overview).content.decode()


def test_an_anonymous_visitors_pages_are_versioned_by_their_session_alone(career):
    """A returning visitor without an account costs the shared cache one read (their session):
    each change of their progress renews the session, and that renewal versions their pages."""
    from django.core.cache import cache

    item = ChecklistItem.objects.filter(career=career, kind="skill").first()
    visitor = Client()
    page = career.get_absolute_url()
    url = f"/progress/items/{item.pk}/status/"
    checked = f'id="status-{item.slug}-{{}}" name="status" value="{{}}" checked>'

    # Each save comes back to a page that says so to this visitor alone, and is not stored.
    visitor.get(visitor.post(url, {"status": "learning"})["Location"])
    before = page_key(visitor.get(page).wsgi_request)
    assert checked.format("learning", "learning") in visitor.get(page).content.decode()
    visitor.get(visitor.post(url, {"status": "done"})["Location"])

    assert page_key(visitor.get(page).wsgi_request) != before
    assert checked.format("done", "done") in visitor.get(page).content.decode()
    assert cache.get(f"progress:version:session:{visitor.session.session_key}") is None


def test_staff_see_and_add_only_accounts_progress_in_the_admin(admin_client, career, user):
    item = ChecklistItem.objects.filter(career=career).first()
    Client().post(f"/progress/items/{item.pk}/status/", {"status": "done"})
    Progress.objects.create(user=user, item=item, status="learning")

    listing = admin_client.get("/admin/progress/progress/").content.decode()
    assert "1 progress" in listing and "ada" in listing
    form = admin_client.get("/admin/progress/progress/add/").content.decode()
    assert 'name="user"' in form and 'name="session_key"' not in form


def test_a_query_that_holds_the_placeholder_comes_back_as_typed(career):
    visitor = Client()
    answer = visitor.get("/search/", {"q": CSRF_PLACEHOLDER}, HTTP_ACCEPT_ENCODING="gzip")

    html = gzip.decompress(answer.content).decode()
    assert f'value="{CSRF_PLACEHOLDER}"' in html
    assert page_token(html) == visitor.cookies["csrftoken"].value


# The end of every page base.html makes.
PAGE_END = PAGE_TOKEN_INPUT.format(token=CSRF_PLACEHOLDER) + "</div>\n</body>\n</html>\n"


def form_token(form: str) -> str:
    return TOKEN_INPUT.format(token=CSRF_PLACEHOLDER, form=form)


def test_a_page_whose_end_holds_only_tokens_and_the_last_tags_is_stored():
    page = StoredPage.of(f"<main>{form_token('status-sql-basics')}</main>{PAGE_END}")

    assert page.end == form_token("status-sql-basics") + PAGE_END
    end = (form_token("status-sql-basics") + PAGE_END).replace(CSRF_PLACEHOLDER, "t")
    assert page.html("t").decode() == f"<main></main>{end}"


@pytest.mark.parametrize(
    "html",
    [
        # {% csrf_token %}: every visitor's form would send the placeholder, and be refused.
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{CSRF_PLACEHOLDER}"></form>' + PAGE_END,
        # No end to put the visitor's token in: a page that does not extend base.html.
        "<p>A page of its own</p>",
        # Anything else in the end would be compressed with the visitor's secret.
        PAGE_END.replace("</div>", "<p>what a search repeats</p></div>"),
        PAGE_END + "<p>after the page</p>",
        form_token("status?q=what a search repeats") + PAGE_END,
    ],
)
def test_a_page_that_cannot_take_each_visitors_token_is_not_stored_but_refused(html):
    with pytest.raises(ValueError, match="form_token"):
        StoredPage.of(html)


def test_a_page_asked_for_with_a_query_string_is_rendered_and_not_stored(career, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "OPTIONS": {"MAX_ENTRIES": 10}},
    }
    from django.core.cache import caches

    overview = Client().get(career.get_absolute_url())
    shared = page_key(overview.wsgi_request)
    for n in range(30):
        made_up = Client().get(career.get_absolute_url(), {"utm": n})
        assert made_up.status_code == HTTPStatus.OK
        assert page_key(made_up.wsgi_request) is None
    faqs = Client().get(f"{career.get_absolute_url()}faqs/", {"q": "salary"})
    assert faqs.status_code == HTTPStatus.OK and page_key(faqs.wsgi_request) is None

    # The page every first-time visitor shares is still stored, not pushed out by the others.
    assert isinstance(caches["pages"].get(shared), StoredPage)
