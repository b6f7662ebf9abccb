"""What a visitor saved before signing in joins their account; a saved or deleted record of
progress gives its owner's progress a new version (bulk updates do so in
ProgressQuerySet.update, as they send no signal)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.defaultfilters import pluralize

from careers.models import ChecklistItem
from careers.signals import items_merged

from .models import SESSION_OWNER, Goal, Progress, progress_changed


@receiver(user_logged_in)
def keep_visitor_progress(sender, request, user, **kwargs) -> None:
    """What a visitor saved before signing in joins their account (see the README's merge rule):
    all of it or, should anything fail, none of it."""
    session_key = request.session.pop(SESSION_OWNER, None) if request is not None else None
    if session_key:
        with transaction.atomic():
            moved = Progress.objects.filter(user__isnull=True, session_key=session_key).count()
            Progress.objects.merge_session_into(session_key, user)
            Goal.objects.merge_session_into(session_key, user)
        if moved:
            messages.success(
                request,
                # Said after signing up as well as after signing in.
                f"The {moved} item{pluralize(moved)} you marked in this browser "
                f"{pluralize(moved, 'is,are')} now kept in your account.",
                fail_silently=True,
            )


@receiver(post_save, sender=Progress)
@receiver(post_delete, sender=Progress)
def record_changed(sender, instance: Progress, **kwargs) -> None:
    progress_changed(instance.user_id)


@receiver(items_merged, sender=ChecklistItem)
def keep_progress_on_merged_items(sender, merged, into, **kwargs) -> None:
    Progress.objects.merge_item_into(merged, into)
