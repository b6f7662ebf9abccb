"""The overview's map of the road: every stage, section and item in learning order as links, the
visitor's statuses in its text, its panel's fragment of the item page, and what a status change
sends back to it."""

import re
from collections import Counter
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import reverse

from careers.models import Career, ChecklistItem
from careers.roadmap import Roadmap
from progress.models import Progress
from progress.overlay import Overlay
from tests.test_views import visitor_with_progress

pytestmark = pytest.mark.django_db

NODE_KINDS = ("map-stage-node", "map-section-node", "map-item-node")


class MapReader(HTMLParser):
    """The map's nodes in document order, each as (kind, address, text, depth in the lists)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.nodes: list[tuple[str, str, str, int]] = []
        self.in_map = False
        self.depth = 0
        self.node: list | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("class") == "road-map":
            self.in_map = True
        if not self.in_map:
            return
        if tag in ("ol", "ul") and "map-legend" not in (attrs.get("class") or ""):
            self.depth += 1
        kind = next((k for k in NODE_KINDS if k in (attrs.get("class") or "").split()), None)
        if tag == "a" and kind:
            self.node = [kind, attrs["href"], "", self.depth]

    def handle_endtag(self, tag):
        if not self.in_map:
            return
        if tag == "nav":
            self.in_map = False
        elif tag in ("ol", "ul"):
            self.depth -= 1
        elif tag == "a" and self.node:
            self.node[2] = " ".join(self.node[2].split())
            self.nodes.append(tuple(self.node))
            self.node = None

    def handle_data(self, data):
        if self.node:
            self.node[2] += data


def map_of(response) -> list[tuple[str, str, str, int]]:
    assert response.status_code == HTTPStatus.OK
    return MapReader(response.content.decode()).nodes


def expected_road(career: Career) -> list[tuple[str, str, int]]:
    """The road as the documents order it, read straight from the tables: each step with its
    sections and their items, and the learning stage (skills, then requirements) after the step
    the career names."""
    road = []
    for step in career.step_set.order_by("position"):
        road.append(("map-stage-node", step.get_absolute_url(), 1))
        for section in step.sections.order_by("position"):
            road.append(("map-section-node", f"{step.get_absolute_url()}#{section.slug}", 2))
            for item in section.items.filter(retired=False).order_by("position"):
                road.append(("map-item-node", reverse("progress:item", args=[item.pk]), 3))
        if step.slug == career.learning_after:
            road.append(("map-stage-node", reverse("careers:skills", args=[career.slug]), 1))
            for kind in ("skill", "requirement"):
                for item in career.checklist_items.filter(kind=kind).order_by("position"):
                    road.append(("map-item-node", reverse("progress:item", args=[item.pk]), 2))
    return road


def item_node(nodes, item: ChecklistItem) -> str:
    address = reverse("progress:item", args=[item.pk])
    return next(text for kind, href, text, _ in nodes if href == address)


def stage_node(nodes, address: str) -> str:
    return next(
        text for kind, href, text, _ in nodes if kind == "map-stage-node" and href == address
    )


def ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_the_map_lists_every_stage_section_and_item_in_learning_order_as_nested_links(
    client, career
):
    nodes = map_of(client.get(career.get_absolute_url()))

    assert [(kind, href, depth) for kind, href, _, depth in nodes] == expected_road(career)
    first_step = career.step_set.order_by("position").first()
    assert stage_node(nodes, first_step.get_absolute_url()).startswith(
        f"Step 1: {first_step.title}"
    )
    assert all(text for _, _, text, _ in nodes)


def test_the_map_is_one_landmark_with_a_heading_and_a_key_to_the_marks(client, career):
    html = client.get(career.get_absolute_url()).content.decode()

    assert html.count('<nav class="road-map" aria-labelledby="map-heading"') == 1
    assert '<h2 id="map-heading">Map of the road</h2>' in html
    key = html.split('class="map-legend">', 1)[1].split("</span></p>", 1)[0]
    for status in ("not-started", "learning", "done", "skipped"):
        assert f'class="status-mark status-{status}">' in key
    # The map comes before the rest of the page's sections.
    assert html.index('class="road-map"') < html.index('class="toc"') < html.index('id="road"')


def test_each_node_says_the_visitors_status_and_each_stage_its_count(client, career):
    roadmap = Roadmap.read(career.slug, ("steps", "checklist"))
    first, second, third, *rest = roadmap.stages[0].items + roadmap.stages[1].items
    visitor_with_progress(client, {first: "done", second: "learning", third: "skipped"})

    nodes = map_of(client.get(career.get_absolute_url()))

    assert item_node(nodes, first) == f"{first.title}, Done"
    assert item_node(nodes, second) == f"{second.title}, Learning"
    assert item_node(nodes, third) == f"{third.title}, Skipped"
    assert all(item_node(nodes, item) == f"{item.title}, Not started" for item in rest)
    # The skipped item is left out of its stage's count, and named.
    counted = len(roadmap.stages[0].items) - 1
    assert stage_node(nodes, roadmap.stages[0].url).endswith(f", 1 of {counted} done, 1 skipped")
    assert stage_node(nodes, roadmap.stages[1].url).endswith(
        f", 0 of {len(roadmap.stages[1].items)} done"
    )


def test_the_map_of_one_visitor_is_never_served_to_another(client, career):
    item = Roadmap.read(career.slug, ("steps", "checklist")).checklist[0]
    visitor_with_progress(client, {item: "done"})
    page = career.get_absolute_url()
    assert item_node(map_of(client.get(page)), item).endswith(", Done")

    other = Client()
    other.get("/")
    assert item_node(map_of(other.get(page)), item).endswith(", Not started")
    assert item_node(map_of(client.get(page)), item).endswith(", Done")


def test_the_map_renders_from_what_the_overview_has_read_without_a_query(
    client, career, django_assert_num_queries
):
    roadmap = Roadmap.read(career.slug, ("steps", "checklist", "duties", "timelines"))
    request = RequestFactory().get(career.get_absolute_url())
    progress = Overlay.of(roadmap, {})
    with django_assert_num_queries(0):
        html = loader.render_to_string(
            "progress/_map.html", {"roadmap": roadmap, "progress": progress}, request
        )
    assert html.count('class="map-node map-item-node"') == len(roadmap.checklist)


def test_the_overview_with_its_map_has_no_id_twice(client, career):
    roadmap = Roadmap.read(career.slug, ("steps", "checklist"))
    visitor_with_progress(client, {roadmap.checklist[0]: "done"})
    html = client.get(career.get_absolute_url()).content.decode()

    assert [name for name, count in Counter(ids(html)).items() if count > 1] == []


def panel(client: Client, item: ChecklistItem):
    address = reverse("progress:item", args=[item.pk])
    return client.get(address, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="map-panel")


def test_an_item_opened_in_the_panel_is_its_details_with_a_control_of_its_own(
    client, career, sources
):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()
    overview = client.get(career.get_absolute_url()).content.decode()

    response = panel(client, skill)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<html" not in html and "<h1" not in html
    assert f'<h2 class="map-panel-title" tabindex="-1">{skill.title}</h2>' in html
    assert skill.body in html
    for source in sources:
        assert f'href="/sources/#source-{source.slug}">{source.short_name}</a>' in html
    assert (
        f'id="panel-status-{skill.slug}-not-started" name="status" value="not-started" checked>'
        in html
    )
    assert 'class="map-panel-close"' in html
    assert f'href="{reverse("progress:item", args=[skill.pk])}" hx-push-url="false"' in html
    assert ">Add a note<" in html
    # The overview's checklist has this skill's control too: the panel's ids differ from it.
    assert set(ids(html)) & set(ids(overview)) == set()
    assert "HX-Target" in response["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main", "HTTP_HX_BOOSTED": "true"},
    ],
    ids=["a plain request", "htmx restoring the history", "a link loading it into the page"],
)
def test_the_items_address_is_its_own_page_with_its_sources(client, career, sources, headers):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()

    html = client.get(reverse("progress:item", args=[skill.pk]), **headers).content.decode()

    assert "<html" in html and f"<h1>{skill.title}</h1>" in html
    assert 'class="map-panel-close"' not in html
    for source in sources:
        assert f'href="/sources/#source-{source.slug}">{source.short_name}</a>' in html
    assert (
        f'id="status-{skill.slug}-not-started" name="status" value="not-started" checked>' in html
    )
    assert 'id="note-form"' in html


def change(
    client: Client,
    item: ChecklistItem,
    status: str,
    sent_from: str,
    trigger: str,
    overview: bool = True,
):
    """Change a status over HTMX as a control would, from the overview (which has the map) or from
    another page; `sent_from` is the address in the location bar."""
    headers = {"Roadmap-Page": "overview"} if overview else {}
    return client.post(
        reverse("progress:status", args=[item.pk]),
        {"status": status, "next": sent_from},
        headers={"HX-Request": "true", "HX-Trigger": trigger, **headers},
        HTTP_HX_CURRENT_URL=f"http://testserver{sent_from}",
    ).content.decode()


def test_a_change_in_the_panel_updates_the_map_node_both_counts_and_the_summary(client, career):
    roadmap = Roadmap.read(career.slug, ("steps", "checklist"))
    action = roadmap.stages[0].items[0]
    address = reverse("progress:item", args=[action.pk])

    html = change(client, action, "done", address, f"panel-status-{action.slug}")

    step = roadmap.stages[0]
    total = len(step.items)
    assert re.search(
        rf'id="map-status-{action.slug}" hx-swap-oob="true">'
        r'<span class="status-mark status-done"><span class="visually-hidden">Done</span>',
        html,
    )
    assert f'id="map-step-counter-{step.slug}" hx-swap-oob="true">1 of {total} done' in html
    assert f'id="step-counter-{step.slug}" hx-swap-oob="true">1 of {total} done' in html
    # Where to continue comes at the top, with the overall progress, which leaves the road.
    following = roadmap.checklist[1].get_absolute_url()
    assert re.search(r'id="progress-top" hx-swap-oob="true">\s*<section class="continue"', html)
    assert f'<a class="continue-next" href="{following}">' in html
    assert re.search(r'id="progress-road" hx-swap-oob="true">\s*</div>', html)
    assert f"1 of {len(roadmap.checklist)} items" in html
    # A step's item has no control of its own on the overview to bring up to date.
    assert 'id="status-' not in html.split("</form>", 1)[1]


def learning_items(career: Career) -> int:
    return career.checklist_items.filter(section=None).count()


def test_a_skill_changed_in_the_panel_updates_the_overviews_checklist_control_too(client, career):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()
    address = reverse("progress:item", args=[skill.pk])

    html = change(client, skill, "learning", address, f"panel-status-{skill.slug}")

    oob = html.split("</form>", 1)[1]
    assert f'id="status-{skill.slug}"' in oob and 'hx-swap-oob="true"' in oob
    assert f'id="status-{skill.slug}-learning" name="status" value="learning" checked>' in oob
    total = learning_items(career)
    assert f'id="map-step-counter-learning-stage" hx-swap-oob="true">0 of {total} done' in html


def test_a_change_on_the_overviews_checklist_updates_its_map(client, career):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()
    overview = career.get_absolute_url()

    html = change(client, skill, "done", overview, f"status-{skill.slug}")

    assert f'id="map-status-{skill.slug}" hx-swap-oob="true">' in html
    total = learning_items(career)
    assert f'id="map-step-counter-learning-stage" hx-swap-oob="true">1 of {total} done' in html
    assert html.count(f'id="status-{skill.slug}"') == 1


def test_a_change_on_a_page_without_the_map_sends_nothing_for_it(client, career):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()
    skills_page = reverse("careers:skills", args=[career.slug])

    html = change(client, skill, "done", skills_page, f"status-{skill.slug}", overview=False)

    assert "map-" not in html and "panel-" not in html
    total = learning_items(career)
    assert f'id="step-counter-learning-stage" hx-swap-oob="true">1 of {total} done' in html


def test_a_change_on_the_checklist_with_the_panel_open_updates_the_map_and_that_panel(
    client, career
):
    first, second = career.checklist_items.filter(kind="skill").order_by("position")[:2]
    panel_on_first = reverse("progress:item", args=[first.pk])

    html = change(client, first, "learning", panel_on_first, f"status-{first.slug}")

    assert f'id="map-status-{first.slug}" hx-swap-oob="true">' in html
    oob = html.split("</form>", 1)[1]
    assert f'id="panel-status-{first.slug}"' in oob
    assert f'id="panel-status-{first.slug}-learning" name="status" value="learning" checked>' in oob

    html = change(client, second, "done", panel_on_first, f"status-{second.slug}")

    assert f'id="map-status-{second.slug}" hx-swap-oob="true">' in html
    assert "panel-" not in html


@pytest.mark.parametrize("header", ["http://[::1", "http://]/x", "not an address"])
def test_a_change_sent_with_a_broken_page_address_is_saved_and_shown_everywhere(
    client, career, header
):
    skill = career.checklist_items.filter(kind="skill").order_by("position").first()
    overview = career.get_absolute_url()
    client.get(overview)

    response = client.post(
        reverse("progress:status", args=[skill.pk]),
        {"status": "done"},
        headers={"HX-Request": "true", "Roadmap-Page": "overview", "HX-Current-URL": header},
    )

    assert response.status_code == HTTPStatus.OK
    assert Progress.objects.get(item=skill).status == "done"
    # Not the panel's answer: the header names no page, so no panel is open on the item.
    assert f'id="panel-status-{skill.slug}"' not in response.content.decode()
    html = client.get(overview).content.decode()
    assert f'id="status-{skill.slug}-done" name="status" value="done" checked>' in html
