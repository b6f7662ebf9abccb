from django.contrib import admin

from .models import Goal, Progress, ShareLink


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    """Accounts' progress. An anonymous visitor's progress is theirs alone and changes only
    through their own requests, which is what versions their pages (Owner.progress_version)."""

    list_display = ("item", "user", "status", "updated_at")
    list_filter = ("status", "item__career")
    search_fields = ("user__username", "item__title")
    raw_id_fields = ("user", "item")
    exclude = ("session_key",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__isnull=False)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("career", "user", "target_date", "updated_at")
    list_filter = ("career",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
    readonly_fields = ("token",)
