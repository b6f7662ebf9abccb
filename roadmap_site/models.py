"""What the site itself keeps in the database, apart from its apps' content and progress."""

import uuid

from django.db import models


class CacheGeneration(models.Model):
    """The generation of the shared cache's keys in use (roadmap_site.cache), in one row.

    A process that cannot write to Redis starts a new generation, so that no process trusts what
    Redis held before: a signed-out session, an old version of someone's progress.
    """

    token = models.CharField(max_length=32)

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def start_new(cls) -> None:
        cls.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})

    def __str__(self) -> str:
        return self.token
