"""The public pages' one cache: each page is rendered once and served to every visitor it fits.

A page depends on the content (its version), its address, whether the visitor is signed in (the
account links) and the visitor's progress. The progress app's middleware sets `request.owner`, whose
`progress_version` changes whenever that visitor's progress does and is empty for a visitor with
none, so every first-time visitor shares one copy of each page. The CSRF token is the only part that
differs between those visitors, and it is kept out of all but the page's last lines: each form
takes its token from an input at the end, tied to it by HTML's form attribute ({% form_token %}).
So a page is stored gzip-compressed up to its end, once, and each visitor gets the end with their
own token; compressing the whole page for every request cost more than all the rest of serving it.

The content version lives in the default cache, which every process shares (Redis, or files on
one machine); each process reads it at most once a second, so an edit made in the admin or by the
loader reaches every process within a second, and the process that made it at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import struct
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus

from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token, rotate_token
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

CONTENT_VERSION_KEY = "careers:content-version"
# How long a process goes on trusting the content version it last read from the shared cache.
CONTENT_VERSION_SECONDS = 1
# Not a token Django could make (those are 64 letters and digits), so it cannot be one by chance.
CSRF_PLACEHOLDER = "csrf-token-put-in-when-served"
# What {% form_token %} writes: the token of the form with the id `form`, from anywhere on the page.
TOKEN_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{token}" form="{form}">'
STORED_TOKEN_INPUT = re.compile(
    re.escape(TOKEN_INPUT.format(token=CSRF_PLACEHOLDER, form="@")).replace("@", '([^"]+)')
)
# What {% page_token %} writes, last in base.html: the token htmx's requests send (site.js). A
# stored page's end starts there.
PAGE_TOKEN_INPUT = '<input type="hidden" id="csrf-token" value="{token}">'
# All a stored page's end holds besides its tokens: the ids of its forms, then base.html's last
# tags. The end carries the visitor's secret and is compressed on its own, so that nothing a
# request chose is ever compressed with it (csrf_secret).
FORM_ID = re.compile(r"[\w-]+", re.ASCII)
LAST_TAGS = re.compile(r"</div>\s*</body>\s*</html>\s*")
# How the end of a stored page is compressed for each visitor (StoredPage.gzipped).
END_WINDOW_BITS = 12
END_MEMORY_LEVEL = 3
# A gzip member's header up to its file name: deflate, a name, no time, unknown system.
GZIP_HEADER = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"


def read_version(key: str) -> str | None:
    """The version kept under `key` in the shared cache, starting one if there is none yet, or
    None while the cache cannot say. A new version is random, so an old one never comes back."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def new_version(key: str) -> None:
    """Give `key` a new version in the shared cache, now and again once the change that calls for
    it commits: until then other requests still read the old data and may store pages under the
    new version, which the one taken at commit leaves unused. This process sees it at once."""

    def renew() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)
        caches["pages"].delete(key)

    renew()
    transaction.on_commit(renew)


def content_version() -> str | None:
    """The content's version, read from the shared cache at most once a second per process."""
    pages = caches["pages"]
    version = pages.get(CONTENT_VERSION_KEY)
    if version is None:
        version = read_version(CONTENT_VERSION_KEY)
        pages.set(CONTENT_VERSION_KEY, version, CONTENT_VERSION_SECONDS)
    return version


def content_changed(sender, **kwargs) -> None:
    """Pages made from the old content are never served again (see new_version)."""
    if kwargs.get("action", "post_").startswith("post_"):
        new_version(CONTENT_VERSION_KEY)


def page_key(request: HttpRequest) -> str | None:
    """Everything a page depends on besides its template, or None when it must not be stored.

    A page asked for with a query string (a search, a filter as it is typed, or anything at all
    appended to an address) is rendered for its visitor alone: few visitors share one, and
    storing every one would let made-up queries push out the pages that everyone shares."""
    if request.META.get("QUERY_STRING") or get_messages(request):
        return None
    parts = (
        content_version(),
        request.path,
        str(request.user.is_authenticated),
        request.owner.progress_version,
    )
    if None in parts:
        return None
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether a client takes gzip: named with a weight above 0 (q=0 refuses it, and so does a
    weight that is no number), or not named and taken by "*"."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, *parameters = part.split(";")
        weight = 1.0
        for name, _, value in (parameter.partition("=") for parameter in parameters):
            if name.strip() == "q":
                valid = re.fullmatch(r"\s*([01](?:\.\d{0,3})?)\s*", value)
                weight = float(valid.group(1)) if valid else 0.0
        weights.setdefault(coding.strip(), weight)
    return weights.get("gzip", weights.get("*", 0)) > 0


@dataclass(frozen=True)
class StoredPage:
    """A page as stored: everything before its end compressed once, and its end, where the
    visitor's token goes: the forms' token inputs, then the page's last lines, from its
    {% page_token %} on."""

    # The raw deflate stream of the page up to its end, flushed so that the end can follow it.
    deflated: bytes
    crc: int
    size: int
    # The end, with CSRF_PLACEHOLDER wherever the token goes.
    end: str

    @classmethod
    def of(cls, html: str) -> StoredPage:
        forms = STORED_TOKEN_INPUT.findall(html)
        html = STORED_TOKEN_INPUT.sub("", html)
        page_token = PAGE_TOKEN_INPUT.format(token=CSRF_PLACEHOLDER)
        cut = html.rfind(page_token)
        if (
            cut < 0
            # A token only its end could give every visitor: {% csrf_token %} on a stored page.
            or f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"' in html[:cut]
            or not LAST_TAGS.fullmatch(html, cut + len(page_token))
            or not all(FORM_ID.fullmatch(form) for form in forms)
        ):
            raise ValueError(
                "A stored page takes tokens from {% form_token %} and base.html, whose end holds "
                "nothing else."
            )
        inputs = "".join(TOKEN_INPUT.format(token=CSRF_PLACEHOLDER, form=form) for form in forms)
        head = html[:cut].encode()
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        deflated = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
        return cls(deflated, zlib.crc32(head), len(head), inputs + html[cut:])

    def end_with(self, token: str) -> bytes:
        return self.end.replace(CSRF_PLACEHOLDER, token).encode()

    def gzipped(self, token: str) -> bytes:
        """The page as one gzip member: the stored stream, then its end compressed on its own
        (the full flush lets it start afresh), then the checksum and size of the whole."""
        end = self.end_with(token)
        trailer = struct.pack("<II", zlib.crc32(end, self.crc), (self.size + len(end)) % 2**32)
        # Against BREACH, as Django's GZipMiddleware: a file name of random length (0 to 99).
        name = b"a" * secrets.randbelow(100) + b"\x00"
        # A 4 KB window and little memory: the end is mostly one token again and again, and
        # setting up zlib's default 32 KB window cost several times what compressing it does.
        compressor = zlib.compressobj(6, zlib.DEFLATED, -END_WINDOW_BITS, END_MEMORY_LEVEL)
        ending = compressor.compress(end) + compressor.flush()
        return GZIP_HEADER + name + self.deflated + ending + trailer

    def html(self, token: str) -> bytes:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(self.deflated) + self.end_with(token)


def csrf_secret(request: HttpRequest) -> str:
    """The visitor's CSRF secret, as their cookie holds it (a first visit gets a new one), for a
    stored page sent in gzip. Django's check takes the secret itself as well as a masked token,
    as it does from a script that reads the cookie.

    get_token masks the secret anew for each page against BREACH, which guesses a secret from
    how well it compresses together with text the attacker has the page repeat. A stored page
    in gzip has its end, the one place with the token, compressed on its own (StoredPage): only
    the token, the forms' ids and the page's last tags, nothing a request can put there. So the
    mask has nothing to guard, and it cost the most of serving a stored page: 64 random
    characters for a first visit and 32 for a returning one, each one system call. Anything else
    is compressed whole, so it gets the masked token; and no-transform asks proxies not to
    compress a page again, whole (cached_page)."""
    # CsrfViewMiddleware keeps the secret under these keys of request.META, which Django does not
    # document: test_page_cache checks the token, the cookie and its renewal on each upgrade.
    if "CSRF_COOKIE" not in request.META:
        rotate_token(request)
    # As get_token does: the cookie goes out again, its expiry renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return request.META["CSRF_COOKIE"]


def cached_page(view: Callable[..., TemplateResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache when it has it; else render and keep it.

    The view returns a TemplateResponse; only a 200 is kept. Pages carry the visitor's token,
    account links and progress, so no other cache may keep them: no shared one (private, Vary:
    Cookie), and not the browser's either, whose copy Back would show after the visitor changed
    a status elsewhere (no-store). No proxy may decompress one and compress it again whole
    (no-transform), which would put the token beside what a search repeats (csrf_secret).
    """

    @wraps(view)
    def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        pages = caches["pages"]
        key = page_key(request)
        page = pages.get(key) if key else None
        if page is not None:
            response = HttpResponse()
        else:
            response = view(request, *args, **kwargs)
            response.context_data["csrf_token"] = CSRF_PLACEHOLDER
            page = StoredPage.of(response.render().content.decode())
            if key and response.status_code == HTTPStatus.OK:
                pages.set(key, page)
        if accepts_gzip(request.headers.get("Accept-Encoding", "")):
            response.content = page.gzipped(csrf_secret(request))
            response["Content-Encoding"] = "gzip"
        else:
            response.content = page.html(get_token(request))
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        patch_cache_control(response, private=True, no_store=True, no_transform=True)
        return response

    return serve
