"""A career's content as its pages show it, read in one go and never changed afterwards.

`Roadmap.read(slug, parts)` fetches the career and the parts a page names, each part in one query
(steps in three: steps, their sections, the sections' checklist items) and every citation in one
more, whatever the amount of content. Each item comes back with `cited`, the sources it cites.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from .models import Career, ChecklistItem, Faq, Source, Step, Tool
from .search import word_forms

# The parts a page can ask for, each the prefetches that read it onto the career, under its name.
PARTS = {
    "steps": (
        Prefetch("step_set", to_attr="steps"),
        Prefetch("steps__sections", to_attr="section_list"),
        Prefetch("steps__section_list__items", ChecklistItem.objects.current(), "checklist"),
    ),
    "checklist": (
        Prefetch(
            "checklist_items", ChecklistItem.objects.current().filter(section=None), "checklist"
        ),
    ),
    "duties": (Prefetch("duty_set", to_attr="duties"),),
    "benefits": (Prefetch("benefit_set", to_attr="benefits"),),
    "trends": (Prefetch("trend_set", to_attr="trends"),),
    "tools": (Prefetch("tool_set", to_attr="tools"),),
    "facts": (Prefetch("marketfact_set", to_attr="facts"),),
    "timelines": (Prefetch("timeline_set", to_attr="timelines"),),
    "faqs": (Prefetch("faq_set", to_attr="faqs"),),
}


@dataclass(frozen=True)
class Stage:
    """One stretch of the road a learner walks: a step of the documents, or the learning stage
    (the skills and requirements), which comes after the step the career names."""

    slug: str
    title: str
    url: str
    items: tuple[ChecklistItem, ...]
    step: Step | None = None
    number: int | None = None


@dataclass(frozen=True)
class Question:
    """One question with every document's answer to it: two documents asking the same question
    give a small comparison, not a duplicate."""

    question: str
    answers: tuple[Faq, ...]

    @property
    def anchor(self) -> str:
        return self.answers[0].anchor

    @property
    def old_anchors(self) -> list[str]:
        return [faq.anchor for faq in self.answers[1:]]

    @property
    def reconstructed(self) -> bool:
        return any(faq.question_reconstructed for faq in self.answers)

    def matches(self, words: list[str]) -> bool:
        """Whether each word is in the question or an answer, as typed or in its singular or
        plural (the forms the site's search looks for), anywhere in a word: a word being typed
        finds the words it begins."""
        text = " ".join([self.question, *(faq.answer for faq in self.answers)]).lower()
        return all(any(form in text for form in word_forms(word)) for word in words)


@dataclass(frozen=True)
class Roadmap:
    """One career and the parts of its content a page shows; a part not read is empty."""

    career: Career
    cited: tuple[Source, ...] = ()
    steps: tuple[Step, ...] = ()
    skills: tuple[ChecklistItem, ...] = ()
    requirements: tuple[ChecklistItem, ...] = ()
    duties: tuple = ()
    benefits: tuple = ()
    trends: tuple = ()
    tools: tuple[tuple[str, tuple[Tool, ...]], ...] = ()
    facts: tuple = ()
    timelines: tuple = ()
    questions: tuple[Question, ...] = ()
    # The road in the order a learner walks it, and every checklist item read in that order.
    stages: tuple[Stage, ...] = field(default=(), repr=False)
    checklist: tuple[ChecklistItem, ...] = field(default=(), repr=False)

    @classmethod
    def read(cls, career_slug: str, parts: tuple[str, ...]) -> Roadmap:
        career = (
            Career.objects.prefetch_related(*chain.from_iterable(PARTS[part] for part in parts))
            .filter(slug=career_slug)
            .first()
        )
        if career is None:
            raise Http404("No career with that name.")
        found = {part: tuple(getattr(career, part)) for part in parts}
        steps = found.pop("steps", ())
        sections = [section for step in steps for section in step.section_list]
        cited = career.cited_sources()
        for obj in chain(steps, sections, *(s.checklist for s in sections), *found.values()):
            obj.cited = cited.get((obj._meta.model_name, obj.pk), ())
        career_wide = found.pop("checklist", ())
        skills = tuple(i for i in career_wide if i.kind == ChecklistItem.Kind.SKILL)
        requirements = tuple(i for i in career_wide if i.kind == ChecklistItem.Kind.REQUIREMENT)
        tools: dict[str, list[Tool]] = defaultdict(list)
        for tool in found.pop("tools", ()):
            tools[tool.get_category_display()].append(tool)
        answers: dict[str, list[Faq]] = defaultdict(list)
        for faq in found.pop("faqs", ()):
            answers[faq.question].append(faq)
        learning = skills + requirements if "checklist" in parts else None
        stages = _stages(career, steps, learning)
        return cls(
            career=career,
            cited=cited.get(("career", career.pk), ()),
            steps=steps,
            skills=skills,
            requirements=requirements,
            tools=tuple((category, tuple(group)) for category, group in tools.items()),
            questions=tuple(Question(q, tuple(faqs)) for q, faqs in answers.items()),
            stages=stages,
            checklist=tuple(item for stage in stages for item in stage.items),
            **found,  # the parts read as they are: duties, benefits, trends, facts, timelines
        )

    def neighbours(self, slug: str) -> tuple[Stage | None, Stage | None]:
        """The stages before and after the one with this slug."""
        at = [stage.slug for stage in self.stages].index(slug)
        padded = (None, *self.stages, None)
        return padded[at], padded[at + 2]


LEARNING = "learning-stage"


def _stages(career: Career, steps: tuple[Step, ...], learning_items) -> tuple[Stage, ...]:
    """Each step as a stage and, when its items were read, the learning stage after the step
    the career names."""
    stages = [
        Stage(
            step.slug,
            step.title,
            step.get_absolute_url(),
            tuple(item for section in step.section_list for item in section.checklist),
            step,
            number,
        )
        for number, step in enumerate(steps, start=1)
    ]
    if learning_items is None:
        return tuple(stages)
    after = next(
        (n for n, s in enumerate(stages, 1) if s.slug == career.learning_after), len(stages)
    )
    url = reverse("careers:skills", args=[career.slug])
    stages.insert(after, Stage(LEARNING, "Learn the skills", url, tuple(learning_items)))
    return tuple(stages)
