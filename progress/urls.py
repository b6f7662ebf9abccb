from django.urls import path, re_path

from . import views

app_name = "progress"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:career_slug>/", views.career_progress, name="career"),
    path("dashboard/<slug:career_slug>/goal/", views.set_goal, name="goal"),
    path("dashboard/<slug:career_slug>/reset/", views.reset, name="reset"),
    path("progress/items/<int:item_id>/", views.item_page, name="item"),
    path("progress/items/<int:item_id>/status/", views.set_status, name="status"),
    path("progress/items/<int:item_id>/note/", views.save_note, name="note"),
    path("progress/export.json", views.export_json, name="export_json"),
    path("progress/export.csv", views.export_csv, name="export_csv"),
    path("progress/import/", views.import_progress, name="import"),
    path("progress/share/", views.share, name="share"),
    # Only the alphabet of secrets.token_urlsafe (new_share_token): anything else, a NUL that
    # PostgreSQL would refuse included, is not found before it reaches the database.
    re_path(r"^share/(?P<token>[A-Za-z0-9_-]{1,64})/$", views.shared, name="shared"),
]
