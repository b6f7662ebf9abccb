import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core import serializers

from careers.content import load_content

PASSWORD = "a-long-password-1"


@pytest.fixture
def content_dir() -> Path:
    return Path(settings.CONTENT_DIR)


@pytest.fixture
def loaded(db, content_dir):
    """The project's own content, loaded into the test database."""
    return load_content(content_dir)


@pytest.fixture
def user(db) -> User:
    """A plain account, signed in with PASSWORD."""
    return User.objects.create_user("ada", "ada@example.org", PASSWORD)


@pytest.fixture
def content_copy(tmp_path, content_dir) -> Path:
    """A copy of the content files that a test may change."""
    copy = tmp_path / "content"
    shutil.copytree(content_dir, copy)
    return copy


def database_snapshot() -> str:
    """Every content and progress row, serialized, to tell whether anything changed."""
    objects = [
        obj
        for app_label in ("careers", "progress")
        for model in apps.get_app_config(app_label).get_models()
        for obj in model.objects.order_by("pk")
    ]
    return serializers.serialize("json", objects)


@pytest.fixture
def snapshot():
    return database_snapshot
