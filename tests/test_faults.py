"""The site rides out its shared cache (Redis) and its database going away, and comes back when
they do, without a restart.

The cache tests use the Redis server on 127.0.0.1:6379 (database 11, emptied), a port nothing
listens on, a port that accepts connections and never answers, and a TCP proxy in front of Redis
that can be closed and opened again. The database tests put the same proxy in front of
PostgreSQL; SQLite has no server, so there the database goes away as a file that cannot be
opened.
"""

import contextlib
import os
import socket
import threading
import time
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careers.models import Career, ChecklistItem
from careers.pages import page_key
from progress.models import Progress
from roadmap_site import cache as shared_cache
from roadmap_site import middleware
from roadmap_site.cache import redis_cache

REDIS = ("127.0.0.1", 6379)
REDIS_DATABASE = 11
PASSWORD = "a-long-password-1"
CAREER = "/tester/"
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/{REDIS_DATABASE}"


class TcpProxy:
    """A port that forwards every connection to a server, and that can be closed, dropping the
    connections it carries, and opened again on the same port: to the site, the server going
    away and coming back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.accepting: threading.Thread | None = None
        self.carried: set[socket.socket] = set()
        self.lock = threading.Lock()

    def open(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.05)
        self.accepting = threading.Thread(target=self._accept, args=(self.listener,), daemon=True)
        self.accepting.start()

    def close(self) -> None:
        self.listener.close()
        # The port is free once the thread waiting on it has seen it closed.
        self.accepting.join()
        with self.lock:
            carried, self.carried = self.carried, set()
        for sock in carried:
            self._drop(sock)

    def _accept(self, listener: socket.socket) -> None:
        while listener.fileno() != -1:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.carried |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass  # dropped from the other side
        self._drop(target)

    @staticmethod
    def _drop(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


# The little content the requests need


@pytest.fixture
def item(db) -> ChecklistItem:
    career = Career.objects.create(slug="tester", title="Tester", tagline="t", introduction="i")
    return ChecklistItem.objects.create(
        career=career, kind="skill", slug="testing", position=1, title="Testing"
    )


def mark(client: Client, item: ChecklistItem, status: str, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("progress:status", args=[item.pk]), {"status": status}, headers=headers
    )


def shows(response, item: ChecklistItem, status: str) -> bool:
    chosen = f'id="status-{item.slug}-{status}" name="status" value="{status}" checked>'
    return chosen in response.content.decode()


def stored(response) -> bool:
    key = page_key(response.wsgi_request)
    return key is not None and caches["pages"].get(key) is not None


# The shared cache


@pytest.fixture
def use_redis(settings, monkeypatch):
    """Points the shared cache at a Redis URL (the live server's database, emptied, to begin
    with); each test starts with no outage seen and a short wait between tries."""
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        message = "no Redis server on 127.0.0.1:6379"
        if ON_CI:
            pytest.fail(message + ": the cache fault tests must run on CI")
        pytest.skip(message)
    monkeypatch.setattr(shared_cache.Outage, "_by_server", {})
    monkeypatch.setattr(shared_cache, "RETRY_SECONDS", 0.2)

    def use(url: str) -> None:
        settings.CACHES = {**django_settings.CACHES, "default": redis_cache(url)}

    use(redis_url(REDIS[1]))
    caches["default"].clear()
    caches["pages"].clear()
    return use


@pytest.fixture
def redis_out(use_redis):
    use_redis(redis_url(free_port()))


@pytest.fixture
def redis_proxy(use_redis):
    proxy = TcpProxy(REDIS)
    proxy.open()
    use_redis(redis_url(proxy.port))
    yield proxy
    proxy.close()


def back(proxy: TcpProxy) -> None:
    proxy.open()
    time.sleep(shared_cache.RETRY_SECONDS + 0.1)


@pytest.mark.django_db
def test_with_redis_out_pages_are_read_and_rendered_each_time(redis_out, item):
    for _ in range(2):
        response = Client().get(CAREER)
        assert response.status_code == HTTPStatus.OK
        assert "Testing" in response.content.decode()
        assert not stored(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("htmx", "answer"), [(False, HTTPStatus.FOUND), (True, HTTPStatus.OK)])
def test_with_redis_out_a_visitor_marks_an_item_and_sees_it(redis_out, item, htmx, answer):
    visitor = Client()

    assert mark(visitor, item, "done", htmx=htmx).status_code == answer
    assert Progress.objects.get(item=item).status == "done"
    assert shows(visitor.get(CAREER), item, "done")


@pytest.mark.django_db
def test_with_redis_out_signing_up_makes_one_account_and_signs_it_in(redis_out, item):
    visitor = Client()
    mark(visitor, item, "learning")

    response = visitor.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("progress:dashboard")
    assert list(User.objects.values_list("username", flat=True)) == ["grace"]
    assert Progress.objects.get(item=item).user.username == "grace"
    dashboard = visitor.get(reverse("progress:dashboard"))
    assert dashboard.status_code == HTTPStatus.OK
    assert dashboard.wsgi_request.user.username == "grace"
    assert "Tester" in dashboard.content.decode()


@pytest.mark.django_db
def test_with_redis_out_signing_in_works_and_the_dashboard_shows(redis_out, user, item):
    visitor = Client()

    response = visitor.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    dashboard = visitor.get(reverse("progress:dashboard"))
    assert dashboard.status_code == HTTPStatus.OK
    assert dashboard.wsgi_request.user == user
    assert visitor.get(reverse("accounts:account")).status_code == HTTPStatus.OK
    assert mark(visitor, item, "done").status_code == HTTPStatus.FOUND
    assert Progress.objects.get(user=user, item=item).status == "done"


@pytest.mark.django_db
def test_an_outage_is_logged_once_per_process(redis_out, item, caplog):
    for _ in range(3):
        Client().get(CAREER)
        time.sleep(shared_cache.RETRY_SECONDS)  # each request tries Redis again

    records = caplog.get_records("setup") + caplog.get_records("call")
    warnings = [r for r in records if r.name == "roadmap_site.cache"]
    assert len(warnings) == 1
    assert warnings[0].levelname == "WARNING"
    assert "cannot be reached" in warnings[0].getMessage()


@pytest.mark.django_db
def test_a_redis_that_hangs_costs_one_timeout_and_is_then_left_alone(use_redis):
    # A listening socket nobody accepts from: connections are made, questions never answered.
    with socket.create_server(("127.0.0.1", 0)) as hung:
        use_redis(redis_url(hung.getsockname()[1]))
        cache = caches["default"]

        started = time.monotonic()
        assert cache.get("a-key") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            cache.set("a-key", "a value")
            assert cache.get("a-key") is None
        after = time.monotonic() - started

    assert 0.4 < first < 2
    assert after < 0.1


@pytest.mark.django_db
def test_when_redis_returns_pages_are_stored_again_and_none_from_before_is_stale(
    redis_proxy, item, user
):
    visitor = Client()
    # Followed, as a browser does: the page it goes to says who signed in, and is not stored.
    visitor.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD}, follow=True)
    # As with JavaScript: without it, the page the save comes back to says so, and is not stored.
    mark(visitor, item, "learning", htmx=True)
    before = visitor.get(CAREER)
    assert shows(before, item, "learning") and stored(before)

    redis_proxy.close()
    mark(visitor, item, "done")  # the account's new progress version cannot reach Redis
    during = visitor.get(CAREER)
    assert shows(during, item, "done") and not stored(during)

    back(redis_proxy)
    after = visitor.get(CAREER)
    assert shows(after, item, "done")
    assert stored(after)


@pytest.mark.django_db
def test_a_visitor_without_an_account_sees_their_changes_through_an_outage(redis_proxy, item):
    # Their progress version is their session's, which the database keeps during the outage, and
    # the session's stale copy in Redis is emptied when it returns.
    visitor = Client()
    mark(visitor, item, "learning")
    assert shows(visitor.get(CAREER), item, "learning")

    redis_proxy.close()
    mark(visitor, item, "done")
    assert shows(visitor.get(CAREER), item, "done")

    back(redis_proxy)
    after = visitor.get(CAREER)
    assert shows(after, item, "done") and stored(after)
    mark(visitor, item, "skipped")
    assert shows(visitor.get(CAREER), item, "skipped")


@pytest.mark.django_db
def test_signing_out_while_redis_is_out_still_holds_when_it_returns(redis_proxy, user):
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    copy = Client()
    copy.cookies[django_settings.SESSION_COOKIE_NAME] = browser.cookies[
        django_settings.SESSION_COOKIE_NAME
    ].value
    assert copy.get(reverse("accounts:account")).status_code == HTTPStatus.OK

    redis_proxy.close()
    assert browser.post(reverse("accounts:logout")).status_code == HTTPStatus.FOUND
    back(redis_proxy)

    response = copy.get(reverse("accounts:account"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db(transaction=True)
def test_a_sign_out_another_process_could_not_tell_redis_holds_in_every_process(
    use_redis, user, monkeypatch
):
    # Two processes, each with its own way to Redis: only the first loses it, as when one
    # machine of several is cut off, or when the other sends nothing to Redis while it is out.
    monkeypatch.setattr(shared_cache, "GENERATION_SECONDS", 0.2)
    first, second = TcpProxy(REDIS), TcpProxy(REDIS)
    first.open()
    second.open()
    browser = Client()
    copy = Client()
    use_redis(redis_url(first.port))
    browser.post(reverse("accounts:login"), {"username": "ada", "password": PASSWORD})
    session = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    copy.cookies[django_settings.SESSION_COOKIE_NAME] = session
    use_redis(redis_url(second.port))
    assert copy.get(reverse("accounts:account")).status_code == HTTPStatus.OK

    use_redis(redis_url(first.port))
    first.close()
    assert browser.post(reverse("accounts:logout")).status_code == HTTPStatus.FOUND
    use_redis(redis_url(second.port))
    time.sleep(shared_cache.GENERATION_SECONDS + 0.1)

    try:
        response = copy.get(reverse("accounts:account"))
    finally:
        second.close()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_generation_is_read_without_opening_one(use_redis):
    use_redis(redis_url(REDIS[1]))  # a new cache object, which has read no generation yet

    with CaptureQueriesContext(connection) as queries:
        caches["default"].get("anything")

    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]


@pytest.mark.django_db
def test_health_is_ok_with_the_database_and_redis(use_redis):
    response = Client().get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_health_is_degraded_but_200_with_redis_out(redis_out):
    response = Client().get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


# The database


@pytest.fixture
def database(transactional_db):
    """Takes the database away and brings it back: on PostgreSQL a proxy in front of the server
    that drops the site's open connection; on SQLite a database file that cannot be opened."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        proxy = TcpProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
        proxy.open()
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
        down, up = proxy.close, proxy.open
    else:

        def down():
            connection.close()
            settings_dict["NAME"] = "/nonexistent-folder/roadmap.sqlite3"

        def up():
            settings_dict["NAME"] = saved["NAME"]

    yield type("Database", (), {"down": staticmethod(down), "up": staticmethod(up)})
    if connection.vendor == "postgresql":
        proxy.close()
    connection.close()
    settings_dict.update(saved)


def ask(client: Client, method: str, path: str, **kwargs):
    """A request, ended as the WSGI server ends one: a database connection that failed is closed
    (the test client keeps connections open between requests)."""
    response = getattr(client, method)(path, **kwargs)
    close_old_connections()
    return response


def test_while_the_database_is_out_pages_answer_503_and_work_again_when_it_returns(
    database, item, user
):
    signed_in = Client()
    signed_in.force_login(user)
    caches["pages"].clear()

    database.down()
    for client, method, path in [
        (Client(), "get", CAREER),
        (signed_in, "get", reverse("progress:dashboard")),
        (signed_in, "post", reverse("progress:status", args=[item.pk])),
    ]:
        response = ask(client, method, path)
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, path
        assert response["Retry-After"] == "30"
        assert "Back in a moment" in response.content.decode()
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"

    database.up()
    assert ask(Client(), "get", CAREER).status_code == HTTPStatus.OK
    assert ask(signed_in, "get", reverse("progress:dashboard")).status_code == HTTPStatus.OK
    mark(signed_in, item, "done")
    assert Progress.objects.get(user=user, item=item).status == "done"


def test_while_the_database_is_out_pages_already_stored_are_still_served(database, item):
    caches["pages"].clear()
    assert ask(Client(), "get", CAREER).status_code == HTTPStatus.OK

    database.down()
    response = ask(Client(), "get", CAREER)

    assert response.status_code == HTTPStatus.OK
    assert "Testing" in response.content.decode()


def test_while_the_database_is_out_an_unknown_address_is_still_not_found(database, user):
    signed_in = Client()
    signed_in.force_login(user)

    database.down()
    response = ask(signed_in, "get", "/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()


def test_health_is_unhealthy_and_503_while_the_database_is_out(database):
    database.down()
    response = ask(Client(), "get", "/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unhealthy", "database": "unreachable", "cache": "ok"}
    database.up()
    assert ask(Client(), "get", "/healthz").json()["status"] == "ok"


def test_while_the_database_is_out_its_cause_is_logged_once_not_per_request(
    database, item, caplog, monkeypatch
):
    monkeypatch.setattr(middleware, "_last_database_warning", None)
    caches["pages"].clear()

    database.down()
    for _ in range(3):
        assert ask(Client(), "get", CAREER).status_code == HTTPStatus.SERVICE_UNAVAILABLE

    warnings = [r for r in caplog.records if r.name == "roadmap_site.database"]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith("The database could not answer: ")


class ReadsTheUser:
    """A middleware that needs the database before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated  # noqa: B018 (reading it loads the account)
        return self.get_response(request)


def test_a_database_failure_outside_the_view_answers_503_too(database, user, settings):
    index = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: index + 1],
        f"{__name__}.ReadsTheUser",
        *settings.MIDDLEWARE[index + 1 :],
    ]
    # As a server would: the test client otherwise raises what Django turned into its 500 page.
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)

    database.down()
    response = ask(signed_in, "get", "/sources/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "Back in a moment" in response.content.decode()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    database.up()
    assert ask(signed_in, "get", "/sources/").status_code == HTTPStatus.OK
