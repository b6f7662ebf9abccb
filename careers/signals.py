"""Every change to the content gives it a new version, so that no page made from the old one is
served again (see careers.pages); and what other apps hear about the content."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from .pages import content_changed

# A checklist item was merged into another (``merged``, ``into``) by a content load: whatever
# visitors saved on it must move to the item it joined, before it is deleted.
items_merged = Signal()


def connect_content_signals() -> None:
    """Watch every model of the content, and the tables linking items to their sources."""
    for model in apps.get_app_config("careers").get_models():
        post_save.connect(content_changed, sender=model)
        post_delete.connect(content_changed, sender=model)
        for many in model._meta.local_many_to_many:
            m2m_changed.connect(content_changed, sender=many.remote_field.through)
