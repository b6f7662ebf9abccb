"""One item per skill: two items merged into one keep everything visitors saved on either, old
exports still import, and a question both documents ask shows both answers side by side."""

import json
from http import HTTPStatus

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from careers.content import dump_content, load_content
from careers.models import ChecklistItem
from progress.models import Progress, StatusChange
from tests.factories import FaqFactory, ProgressFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def merge_in_files(directory, career, kept: ChecklistItem, merged: ChecklistItem) -> None:
    """Edit the career's file as staff would: `merged` goes, `kept` names it in merged_from."""
    path = directory / "careers" / f"{career.slug}.yaml"
    data = yaml.safe_load(path.read_text())
    for key in ("skills", "requirements"):
        data[key] = [entry for entry in data.get(key, []) if entry["slug"] != merged.slug]
    entry = next(entry for entry in data["skills"] if entry["slug"] == kept.slug)
    entry["merged_from"] = merged.slug
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_a_load_that_merges_two_items_keeps_everyones_progress_by_the_merge_rule(career, tmp_path):
    kept, merged = SkillFactory(career=career), SkillFactory(career=career)
    both, only_merged = UserFactory(), UserFactory()
    ProgressFactory(user=both, item=kept, status="learning", note="from the first")
    ProgressFactory(user=both, item=merged, status="done", note="from the second")
    ProgressFactory(user=only_merged, item=merged, status="skipped")
    session = ProgressFactory(for_session=True, item=merged, status="learning")
    StatusChange.objects.create(user=both, item=merged, before="not-started", after="done")
    dump_content(tmp_path)
    merge_in_files(tmp_path, career, kept, merged)

    load_content(tmp_path)

    assert not ChecklistItem.objects.filter(pk=merged.pk).exists()
    records = {(p.user_id, p.session_key): p for p in Progress.objects.filter(item=kept)}
    assert records[(both.pk, "")].status == "done"
    assert records[(both.pk, "")].note == "from the first\n\nfrom the second"
    assert records[(only_merged.pk, "")].status == "skipped"
    assert records[(None, session.session_key)].status == "learning"
    assert Progress.objects.count() == 3
    assert StatusChange.objects.get(user=both).item == kept
    assert ChecklistItem.objects.get(pk=kept.pk).merged_from == merged.slug


def test_an_export_from_before_a_merge_imports_into_the_merged_item(client, career):
    kept = SkillFactory(career=career, merged_from="old-slug")
    rows = [
        {"career": career.slug, "item": "old-slug", "status": "done", "note": "old"},
        {"career": career.slug, "item": kept.slug, "status": "learning", "note": "new"},
    ]
    data = {"format": "roadmap-progress", "version": 1, "progress": rows}
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")

    response = client.post(reverse("progress:import"), {"file": upload})

    assert response.status_code == HTTPStatus.FOUND
    record = Progress.objects.get()
    assert (record.item, record.status, record.note) == (kept, "done", "old\n\nnew")


def test_the_same_old_slug_twice_in_an_export_is_refused(client, career):
    SkillFactory(career=career, merged_from="old-slug")
    row = {"career": career.slug, "item": "old-slug", "status": "done", "note": ""}
    data = {"format": "roadmap-progress", "version": 1, "progress": [row, row]}
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")

    response = client.post(reverse("progress:import"), {"file": upload})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "appears more than once" in response.content.decode()
    assert Progress.objects.count() == 0


def test_a_question_both_documents_ask_is_one_question_with_both_answers(client, career, sources):
    older, newer = sources
    first = FaqFactory(career=career, question="How long?", answer="Six months.", sources=[newer])
    second = FaqFactory(career=career, question="How long?", answer="Two years.", sources=[older])
    FaqFactory(career=career, question="Do I need a degree?", sources=[older])

    html = client.get(f"/{career.slug}/faqs/").content.decode()

    assert html.count('<details class="faq"') == 2 and "2 questions" in html
    question = html.split(f'id="{first.anchor}"', 1)[1].split("</details>", 1)[0]
    assert "Six months." in question and "Two years." in question
    assert f'<span class="question-anchor" id="{second.anchor}"></span>' in question
    assert 'class="answers compared"' in question
    for source in (older, newer):
        assert f"{source.short_name} says:" in question
