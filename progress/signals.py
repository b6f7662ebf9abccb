"""Cached statuses are dropped whenever a record of progress is saved or deleted (and by
ProgressQuerySet.update for bulk updates, which send no signal)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Progress, forget_statuses


@receiver(post_save, sender=Progress)
@receiver(post_delete, sender=Progress)
def progress_changed(sender, instance: Progress, **kwargs) -> None:
    forget_statuses(instance.user_id, instance.session_key)
