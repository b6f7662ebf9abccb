from django.contrib import admin

from .models import Progress


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ("item", "user", "status", "updated_at")
    list_filter = ("status", "item__career")
    search_fields = ("user__username", "item__title")
    raw_id_fields = ("user", "item")
