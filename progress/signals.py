"""A saved or deleted record of progress gives its owner's progress a new version (bulk updates
do so in ProgressQuerySet.update, as they send no signal)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Progress, progress_changed


@receiver(post_save, sender=Progress)
@receiver(post_delete, sender=Progress)
def record_changed(sender, instance: Progress, **kwargs) -> None:
    progress_changed(instance.user_id, instance.session_key)
