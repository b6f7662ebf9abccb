"""A career's content as its pages show it, read in one go and never changed afterwards.

`Roadmap.read(slug, parts)` fetches the career and the parts a page names, each part in one query
(steps in three: steps, their sections, the sections' checklist items) and every citation in one
more, whatever the amount of content. Each item comes back with `cited`, the sources it cites.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from .models import Career, ChecklistItem, Faq, Source, Step, StepSection, Tool

# The parts a page can ask for, each the prefetch that reads it onto the career.
PARTS = {
    "steps": Prefetch(
        "step_set",
        queryset=Step.objects.prefetch_related(
            Prefetch(
                "sections",
                queryset=StepSection.objects.prefetch_related(
                    Prefetch("items", queryset=ChecklistItem.objects.current(), to_attr="checklist")
                ),
                to_attr="section_list",
            )
        ),
        to_attr="steps",
    ),
    "checklist": Prefetch(
        "checklist_items",
        queryset=ChecklistItem.objects.current().filter(section=None),
        to_attr="career_wide",
    ),
    "duties": Prefetch("duty_set", to_attr="duties"),
    "benefits": Prefetch("benefit_set", to_attr="benefits"),
    "trends": Prefetch("trend_set", to_attr="trends"),
    "tools": Prefetch("tool_set", to_attr="tools"),
    "facts": Prefetch("marketfact_set", to_attr="facts"),
    "timelines": Prefetch("timeline_set", to_attr="timelines"),
    "faqs": Prefetch("faq_set", to_attr="faqs"),
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

    @property
    def is_learning(self) -> bool:
        return self.step is None


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
        text = " ".join([self.question, *(faq.answer for faq in self.answers)]).lower()
        return all(word in text for word in words)


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
    faqs: tuple = ()
    questions: tuple[Question, ...] = ()
    # The road in the order a learner walks it, and every checklist item read in that order.
    stages: tuple[Stage, ...] = field(default=(), repr=False)
    checklist: tuple[ChecklistItem, ...] = field(default=(), repr=False)

    @classmethod
    def read(cls, career_slug: str, parts: tuple[str, ...]) -> Roadmap:
        career = (
            Career.objects.prefetch_related(*(PARTS[part] for part in parts))
            .filter(slug=career_slug)
            .first()
        )
        if career is None:
            raise Http404("No career with that name.")
        cited = career.cited_sources()

        def with_citations(objects):
            for obj in objects:
                obj.cited = cited.get((obj._meta.model_name, obj.pk), ())
            return tuple(objects)

        found = {part: getattr(career, PARTS[part].to_attr) for part in parts}
        steps = with_citations(found.get("steps", ()))
        for step in steps:
            with_citations(step.section_list)
            for section in step.section_list:
                with_citations(section.checklist)
        career_wide = with_citations(found.get("checklist", ()))
        skills = tuple(i for i in career_wide if i.kind == ChecklistItem.Kind.SKILL)
        requirements = tuple(i for i in career_wide if i.kind == ChecklistItem.Kind.REQUIREMENT)
        tools: dict[str, list[Tool]] = defaultdict(list)
        for tool in with_citations(found.get("tools", ())):
            tools[tool.get_category_display()].append(tool)
        faqs = with_citations(found.get("faqs", ()))
        by_question: dict[str, list[Faq]] = defaultdict(list)
        for faq in faqs:
            by_question[faq.question].append(faq)
        stages = _stages(career, steps, skills + requirements, "checklist" in parts)
        return cls(
            career=career,
            cited=cited.get(("career", career.pk), ()),
            steps=steps,
            skills=skills,
            requirements=requirements,
            duties=with_citations(found.get("duties", ())),
            benefits=with_citations(found.get("benefits", ())),
            trends=with_citations(found.get("trends", ())),
            tools=tuple((category, tuple(group)) for category, group in tools.items()),
            facts=with_citations(found.get("facts", ())),
            timelines=with_citations(found.get("timelines", ())),
            faqs=faqs,
            questions=tuple(Question(q, tuple(answers)) for q, answers in by_question.items()),
            stages=stages,
            checklist=tuple(item for stage in stages for item in stage.items),
        )

    def step_items(self, step: Step) -> tuple[ChecklistItem, ...]:
        return tuple(item for section in step.section_list for item in section.checklist)

    def neighbours(self, slug: str) -> tuple[Stage | None, Stage | None]:
        """The stages before and after the one with this slug."""
        slugs = [stage.slug for stage in self.stages]
        at = slugs.index(slug)
        return (
            self.stages[at - 1] if at else None,
            self.stages[at + 1] if at + 1 < len(self.stages) else None,
        )


LEARNING = "learning-stage"


def _stages(career: Career, steps, learning_items, with_learning: bool) -> tuple[Stage, ...]:
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
    if with_learning:
        after = next(
            (n for n, s in enumerate(stages, 1) if s.slug == career.learning_after), len(stages)
        )
        url = reverse("careers:skills", args=[career.slug])
        stages.insert(after, Stage(LEARNING, "Learn the skills", url, tuple(learning_items)))
    return tuple(stages)
