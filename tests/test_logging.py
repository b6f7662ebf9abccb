"""Logs: one line per request and every warning and error, each with its request's id, as JSON
lines or plain text; the id goes back to the client in X-Request-ID."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from roadmap_site.logs import log_format, logging_config

pytestmark = pytest.mark.django_db


def lines_logged(log_format_name: str):
    """The site's logging configuration, writing into a buffer; its lines once read."""
    buffer = io.StringIO()
    config = logging_config(log_format_name, "INFO")
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    return buffer


@pytest.fixture
def json_lines():
    buffer = lines_logged("json")
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.config.dictConfig(django_settings.LOGGING)


@pytest.fixture
def plain_lines():
    buffer = lines_logged("plain")
    yield lambda: buffer.getvalue().splitlines()
    logging.config.dictConfig(django_settings.LOGGING)


def test_a_request_logs_one_json_line_with_method_path_status_duration_and_id(json_lines):
    response = Client().get("/sources/?page=2")

    request_id = response["X-Request-ID"]
    requests = [line for line in json_lines() if line["logger"] == "roadmap_site.requests"]
    assert len(requests) == 1
    line = requests[0]
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/sources/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["request_id"] == request_id
    assert line["message"].startswith("GET /sources/ 200 ")
    assert "time" in line


def test_a_warning_made_while_answering_carries_the_requests_id(json_lines):
    response = Client().get("/no/such/page/")

    lines = json_lines()
    warning = next(line for line in lines if line["logger"] == "django.request")
    assert warning["level"] == "WARNING"
    assert warning["message"] == "Not Found: /no/such/page/"
    assert warning["request_id"] == response["X-Request-ID"]
    assert [line["status"] for line in lines if line["logger"] == "roadmap_site.requests"] == [404]


def test_an_error_with_its_traceback_is_one_json_line(json_lines):
    try:
        int("not a number")
    except ValueError:
        logging.getLogger("roadmap_site.anything").exception("Something broke")

    (line,) = json_lines()
    assert line["level"] == "ERROR"
    assert line["message"] == "Something broke"
    assert "ValueError: invalid literal" in line["exc_info"]
    assert line["request_id"] is None


@pytest.mark.parametrize(
    ("method", "path", "request_kwargs", "logger"),
    [
        ("GET", "/", {"HTTP_HOST": "evil.example"}, "django.security.DisallowedHost"),
        (
            "GET",
            "/search/",
            {"QUERY_STRING": "&".join(f"a{n}=1" for n in range(1100))},
            "django.security.TooManyFieldsSent",
        ),
        (
            "POST",
            "/accounts/login/",
            {"data": b"username=caf%E9", "content_type": "application/x-www-form-urlencoded"},
            "django.security.UndecodableForm",
        ),
    ],
)
def test_what_a_client_sent_wrong_is_a_warning_without_a_traceback(
    json_lines, method, path, request_kwargs, logger
):
    response = Client().generic(method, path, **request_kwargs)

    assert response.status_code == 400
    lines = [line for line in json_lines() if line["logger"] == logger]
    assert len(lines) == 1
    assert lines[0]["level"] == "WARNING"
    assert "exc_info" not in lines[0]
    assert not any(line["level"] in ("ERROR", "CRITICAL") for line in json_lines())


def test_each_request_gets_its_own_id():
    client = Client()
    ids = {client.get("/sources/")["X-Request-ID"] for _ in range(3)}

    assert len(ids) == 3
    assert all(len(request_id) == 32 for request_id in ids)


@pytest.mark.parametrize(
    ("proxies", "offered", "reused"),
    [
        (0, "lb-7f3a-0001", False),
        (1, "lb-7f3a-0001", True),
        (1, "two words", False),
        (1, "x" * 201, False),
    ],
)
def test_a_request_id_offered_is_reused_only_from_a_trusted_proxy(
    settings, proxies, offered, reused
):
    settings.TRUSTED_PROXY_COUNT = proxies

    answered = Client().get("/sources/", headers={"X-Request-ID": offered})["X-Request-ID"]

    assert (answered == offered) is reused
    assert answered


def test_health_probes_are_left_out_of_the_request_log(json_lines):
    Client().get("/healthz")

    assert [line for line in json_lines() if line["logger"] == "roadmap_site.requests"] == []


def test_plain_lines_carry_the_request_id_too(plain_lines):
    response = Client().get("/sources/")

    (line,) = [line for line in plain_lines() if "roadmap_site.requests" in line]
    assert f"[{response['X-Request-ID']}] GET /sources/ 200 " in line


@pytest.mark.parametrize(
    ("chosen", "debug", "used"),
    [("", True, "plain"), ("", False, "json"), ("json", True, "json"), ("Plain", False, "plain")],
)
def test_logs_are_plain_with_debug_and_json_without_unless_log_format_says(chosen, debug, used):
    assert log_format(chosen, debug) == used


def test_an_unknown_log_format_stops_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be json or plain"):
        log_format("xml", False)
