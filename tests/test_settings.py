"""The settings as production reads them from the environment, checked in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-key-with-enough-entropy-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "roadmap.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://roadmap.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Leave out what the test settings and fixtures put in this process's environment.
    test_only = {"SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in test_only}
    clean["DJANGO_SETTINGS_MODULE"] = "roadmap_site.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("proxies", ["0", "1"])
def test_check_deploy_is_clean_with_production_values(proxies):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, TRUSTED_PROXY_COUNT=proxies
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


CLAIMS_HTTPS = (
    "from django.test import RequestFactory; "
    "request = RequestFactory().get('/', headers={'X-Forwarded-Proto': 'https'}); "
    "print('secure' if request.is_secure() else 'plain')"
)


@pytest.mark.parametrize(("proxies", "seen_as"), [("0", "plain"), ("1", "secure"), ("2", "secure")])
def test_a_forwarded_https_header_counts_only_behind_a_trusted_proxy(proxies, seen_as):
    result = manage(
        "shell", "--no-imports", "-c", CLAIMS_HTTPS, **PRODUCTION, TRUSTED_PROXY_COUNT=proxies
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == seen_as


def test_missing_secret_key_without_debug_stops_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key_for_local_development():
    result = manage("check", DEBUG="1", DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_health_check_answers_on_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def setting(expression: str, **env: str) -> str:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "used"),
    [({}, "json"), ({"DEBUG": "1"}, "plain"), ({"LOG_FORMAT": "plain"}, "plain")],
)
def test_logs_are_json_in_production_and_plain_with_debug(env, used):
    assert (
        setting("settings.LOGGING['handlers']['console']['formatter']", **{**PRODUCTION, **env})
        == used
    )


def test_an_unknown_log_format_stops_the_site_with_a_clear_message():
    result = manage("check", **PRODUCTION, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr


def test_with_redis_url_the_shared_cache_is_redis_with_short_timeouts():
    cache = setting("settings.CACHES['default']", **PRODUCTION, REDIS_URL="redis://cache:6379/0")
    assert "'BACKEND': 'roadmap_site.cache.SharedRedisCache'" in cache
    assert "'SOCKET_CONNECT_TIMEOUT': 0.5, 'SOCKET_TIMEOUT': 0.5" in cache


def test_a_postgresql_server_that_does_not_answer_times_out():
    options = {**PRODUCTION, "DATABASE_URL": "postgres://roadmap@db:5432/roadmap"}
    assert (
        setting("settings.DATABASES['default']['OPTIONS']", **options) == "{'connect_timeout': 5}"
    )


def test_tests_run_on_the_database_that_database_url_names():
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


def test_compose_runs_the_site_on_gunicorn_after_migrating_with_postgresql_and_redis():
    # No container engine here to run it: the file is read as compose would read its YAML.
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"db", "redis", "migrate", "web"}
    assert "migrate --noinput && python manage.py load_content" in services["migrate"]["command"][2]
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("migrate", "web"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].endswith("@db:5432/roadmap")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["build"] == "."
    assert "command" not in services["web"]  # the image's: gunicorn with roadmap_site/gunicorn.py
