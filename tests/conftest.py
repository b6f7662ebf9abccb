import runpy
import shutil
from pathlib import Path

import factory.random
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core import serializers
from django.core.cache import caches
from django.test import Client
from factory.django import DjangoModelFactory

from careers.content import load_content
from careers.models import Career, Source
from roadmap_site import settings as production_settings
from tests import factories
from tests.factories import (
    ActionFactory,
    CareerFactory,
    RequirementFactory,
    SkillFactory,
    SourceFactory,
    StepFactory,
    StepSectionFactory,
    TipFactory,
)

PASSWORD = factories.PASSWORD

# Each factory that keeps a sequence counter of its own (the others share their parent's).
COUNTING_FACTORIES = {
    value._meta.counter_reference.factory
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, DjangoModelFactory)
    and value._meta.model is not None
}


@pytest.fixture(autouse=True)
def fresh_start():
    """Each test starts with the factories' sequences at 1, the same invented text, and empty
    caches: pages are cached by address and content version, and the sequences give every
    test's content the same addresses."""
    for counting in COUNTING_FACTORIES:
        counting.reset_sequence(1)
    factory.random.reseed_random("roadmap")
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def content_dir() -> Path:
    return Path(settings.CONTENT_DIR)


@pytest.fixture
def loaded(db, content_dir):
    """The project's own content, loaded into the test database. Only for tests about that
    content; others build what they need with the factories (see `career`)."""
    return load_content(content_dir)


@pytest.fixture
def sources(db) -> list[Source]:
    """Two source documents, the older first."""
    return SourceFactory.create_batch(2)


@pytest.fixture
def career(sources) -> Career:
    """A small career citing both sources, in roadmap order:

    - step 1, with a section of two actions and a section of one action;
    - the learning stage: two skills (the first citing both sources), then two requirements;
    - step 2 (citing both sources), with a section of an action and an interview tip.

    Everything else cites the older source.
    """
    older, newer = sources
    career = CareerFactory(sources=[older, newer])
    first = StepFactory(career=career)
    ActionFactory.create_batch(2, section=StepSectionFactory(step=first))
    ActionFactory(section=StepSectionFactory(step=first))
    second = StepFactory(career=career, sources=[older, newer])
    section = StepSectionFactory(step=second)
    ActionFactory(section=section)
    TipFactory(section=section)
    SkillFactory(career=career, sources=[older, newer])
    SkillFactory(career=career)
    RequirementFactory.create_batch(2, career=career)
    career.learning_after = first.slug
    career.save()
    return career


@pytest.fixture
def user(db) -> User:
    """A plain account, signed in with PASSWORD."""
    return User.objects.create_user("ada", "ada@example.org", PASSWORD)


@pytest.fixture
def user_client(user) -> Client:
    """A browser signed in to `user`."""
    client = Client()
    client.force_login(user)
    return client


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


@pytest.fixture
def trusted_proxies(settings, monkeypatch):
    """Reads the visitor's address (for sign-in lockouts and rate limits) as production does
    with TRUSTED_PROXY_COUNT=<count>."""

    def configure(count: int) -> None:
        monkeypatch.setenv("TRUSTED_PROXY_COUNT", str(count))
        production = runpy.run_path(production_settings.__file__)
        for name, value in production.items():
            if name.startswith(("AXES_", "IPWARE_")):
                setattr(settings, name, value)

    return configure
