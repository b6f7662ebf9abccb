"""The roadmap's content: careers, their steps, skills and facts, each cited to its sources."""

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse

NOT_NEGATIVE = MinValueValidator(0, "An amount cannot be negative.")

# Positions are moved this far out of the way while a list is reordered, so that the unique
# (list, position) constraints hold after every single UPDATE; real positions stay below it.
REORDER_OFFSET = 10_000


def position_field(help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[
            MaxValueValidator(REORDER_OFFSET - 1, "A position can be at most %(limit_value)s.")
        ],
        help_text=f"{help_text} Giving an item the position another one holds swaps the two.",
    )


class OrderedQuerySet(models.QuerySet):
    def move_aside(self) -> int:
        """Move these rows to positions no row of their lists holds, while they are reordered."""
        return self.update(position=F("position") + REORDER_OFFSET)


class Ordered(models.Model):
    """A row with a position that is unique within its list.

    Saving a row at the position another row of its list holds swaps the two: the other row
    takes this row's old position. So staff reorder a list by editing positions, in any order.
    """

    # The fields that say which list a row is in.
    list_fields: ClassVar[tuple[str, ...]]

    objects = OrderedQuerySet.as_manager()

    class Meta:
        abstract = True

    def list_key(self) -> tuple[tuple[str, Any], ...] | None:
        """The lookups that select this row's list, or None when it is in no list."""
        attnames = (self._meta.get_field(name).attname for name in self.list_fields)
        return tuple((attname, getattr(self, attname)) for attname in attnames)

    def keeps_its_list(self) -> bool:
        """Whether this row is already saved in the list it is in now, so a save may swap."""
        if self.pk is None or self.list_key() is None:
            return False
        stored = type(self)._default_manager.filter(pk=self.pk).first()
        return stored is not None and stored.list_key() == self.list_key()

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        # A row that keeps its list swaps with the row holding its new position.
        if not (exclude and "position" in exclude) and self.keeps_its_list():
            exclude = {*(exclude or ()), "position"}
        super().validate_constraints(exclude=exclude)

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=kwargs.get("using")):
            if update_fields is None or "position" in update_fields:
                self._take_position()
            super().save(*args, **kwargs)

    def _take_position(self) -> None:
        key = self.list_key()
        if self.pk is None or key is None:
            return
        rows = type(self)._default_manager
        holder = rows.filter(**dict(key), position=self.position).exclude(pk=self.pk)
        holder_pk = holder.values_list("pk", flat=True).first()
        if holder_pk is None:
            return
        stored = rows.filter(pk=self.pk).first()
        # A row that enters another list cannot swap; the database refuses a taken position.
        if stored is None or stored.list_key() != key:
            return
        rows.filter(pk=self.pk).move_aside()
        rows.filter(pk=holder_pk).update(position=stored.position)


class Currency(models.TextChoices):
    INR = "INR", "Indian rupee"
    USD = "USD", "US dollar"
    EUR = "EUR", "Euro"
    GBP = "GBP", "Pound sterling"
    CAD = "CAD", "Canadian dollar"
    AUD = "AUD", "Australian dollar"


class Source(models.Model):
    """A document the content comes from; every item on the site cites at least one."""

    slug = models.SlugField(unique=True, help_text="Stable key used by the content files.")
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    author = models.CharField(max_length=200)
    published = models.DateField(help_text="The date the document carries.")
    date_label = models.CharField(
        max_length=40,
        default="Published",
        help_text='How the document words its date, e.g. "Published" or "Updated".',
    )
    file_name = models.CharField(
        max_length=200, help_text="File name of the captured copy the content was written from."
    )
    notes = models.TextField(
        blank=True, help_text="What the captured copy lacks, so the site can say so."
    )

    class Meta:
        ordering = ("published", "slug")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("careers:sources") + f"#source-{self.slug}"

    @property
    def short_name(self) -> str:
        """The publisher without its parenthesis and the year, e.g. "KnowledgeHut 2023"."""
        return f"{self.publisher.split(' (')[0]} {self.published.year}"


class SourceReference(Ordered):
    """A web address that a source document itself cites."""

    list_fields = ("source",)

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="references")
    position = position_field("Order within the source's references.")
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ("source", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "position"), name="sourcereference_unique_position"
            ),
            models.UniqueConstraint(fields=("source", "url"), name="sourcereference_unique_url"),
        ]

    def __str__(self) -> str:
        return self.url


class Career(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=1, help_text="Order on the home page.")
    tagline = models.CharField(max_length=300, help_text="One line shown on the home page.")
    introduction = models.TextField(help_text="Who does this job and what they work with.")
    who_can_become = models.TextField(blank=True, help_text="Who can take up this career.")
    steps_note = models.TextField(
        blank=True,
        help_text="Anything a reader should know about the steps as the sources give them.",
    )
    learning_after = models.SlugField(
        blank=True,
        help_text="The step after which a learner works through the skills and requirements "
        "(the learning stage); empty puts the learning stage after the last step.",
    )
    learning_note = models.TextField(
        blank=True, help_text="What a reader should know about the learning stage."
    )
    sources = models.ManyToManyField(Source, related_name="careers")

    class Meta:
        ordering = ("position", "title")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("careers:overview", args=[self.slug])

    def cited_sources(self) -> dict[tuple[str, int], tuple[Source, ...]]:
        """The sources each of this career's items cites, keyed on (model name, id): one query."""
        columns = ("source_id", "source__slug", "source__publisher", "source__published")
        parts = []
        for model, to_career in CITING_MODELS.items():
            owner = model._meta.model_name
            parts.append(
                model.sources.through.objects.filter(
                    **{"__".join(filter(None, (owner, to_career))): self}
                )
                .annotate(kind=models.Value(owner, output_field=models.CharField()))
                .values_list("kind", f"{owner}_id", *columns)
                .order_by()
            )
        sources: dict[int, Source] = {}
        cited: dict[tuple[str, int], list[Source]] = defaultdict(list)
        for kind, pk, source_id, slug, publisher, published in parts[0].union(*parts[1:], all=True):
            if source_id not in sources:
                sources[source_id] = Source(
                    pk=source_id, slug=slug, publisher=publisher, published=published
                )
            cited[(kind, pk)].append(sources[source_id])
        return {
            key: tuple(sorted(found, key=lambda s: (s.published, s.slug)))
            for key, found in cited.items()
        }


class CareerItem(Ordered):
    """Something that belongs to one career, in an order, with a stable slug and its sources."""

    list_fields = ("career",)
    # The career page an item is shown on, and the prefix of its id there ("duty": #duty-<slug>).
    page: ClassVar[str] = "overview"
    anchor_prefix: ClassVar[str] = ""

    career = models.ForeignKey(Career, on_delete=models.CASCADE)
    slug = models.SlugField(help_text="Stable key, unique within the career.")
    position = position_field("Order within the career.")
    sources = models.ManyToManyField(Source)

    class Meta:
        abstract = True
        ordering = ("career", "position")
        constraints = [
            models.UniqueConstraint(fields=("career", "slug"), name="%(class)s_unique_slug"),
            models.UniqueConstraint(
                fields=("career", "position"), name="%(class)s_unique_position"
            ),
        ]

    @classmethod
    def anchor_for(cls, slug: str) -> str:
        return f"{cls.anchor_prefix}-{slug}" if cls.anchor_prefix else slug

    @classmethod
    def address(cls, career_slug: str, slug: str) -> str:
        """Where the item with this slug is shown, for a lookup that has no instance."""
        return reverse(f"careers:{cls.page}", args=[career_slug]) + "#" + cls.anchor_for(slug)

    @property
    def anchor(self) -> str:
        return self.anchor_for(self.slug)

    def get_absolute_url(self) -> str:
        return self.address(self.career.slug, self.slug)


class Step(CareerItem):
    anchor_prefix = "step"

    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What this step is about, in a few sentences.")

    class Meta(CareerItem.Meta):
        pass

    def __str__(self) -> str:
        return f"Step {self.position}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("careers:step", args=[self.career.slug, self.slug])


class StepSection(Ordered):
    list_fields = ("step",)

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(help_text="Stable key, unique within the step; also the page anchor.")
    position = position_field("Order within the step.")
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, related_name="step_sections")

    class Meta:
        ordering = ("step", "position")
        constraints = [
            models.UniqueConstraint(fields=("step", "slug"), name="stepsection_unique_slug"),
            models.UniqueConstraint(
                fields=("step", "position"), name="stepsection_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return self.step.get_absolute_url() + f"#{self.slug}"


class ChecklistItemQuerySet(OrderedQuerySet):
    def current(self):
        return self.filter(retired=False)

    def skills(self):
        return self.filter(kind__in=ChecklistItem.Kind.career_wide())


class ChecklistItem(Ordered):
    """Something a visitor can tick off: a skill, a requirement, or an action within a step."""

    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        REQUIREMENT = "requirement", "Requirement"
        ACTION = "action", "Action"
        TIP = "tip", "Interview tip"

        @classmethod
        def career_wide(cls) -> list[str]:
            return [cls.SKILL, cls.REQUIREMENT]

    career = models.ForeignKey(Career, on_delete=models.CASCADE, related_name="checklist_items")
    # An item in use keeps its section from being deleted on its own; deleting the whole career
    # (which deletes its items too) is allowed.
    section = models.ForeignKey(
        StepSection,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="items",
        help_text="The step section this action belongs to; empty for skills and requirements.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(
        help_text="Stable key, unique within the career. Progress points to it: do not change it."
    )
    position = position_field("Order within its list.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    retired = models.BooleanField(
        default=False,
        help_text="No longer on the roadmap, but kept because visitors' progress points to it.",
    )
    merged_from = models.CharField(
        max_length=200,
        blank=True,
        validators=[
            RegexValidator(r"^[-a-z0-9_]+( [-a-z0-9_]+)*$", "Slugs separated by single spaces.")
        ],
        help_text="Slugs of items merged into this one, separated by spaces: visitors' progress "
        "on them moves here, and old links and exports still find it.",
    )
    sources = models.ManyToManyField(Source, related_name="checklist_items")

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        ordering = ("career", "kind", "position")
        constraints = [
            models.UniqueConstraint(fields=("career", "slug"), name="checklistitem_unique_slug"),
            models.UniqueConstraint(
                fields=("section", "position"),
                condition=Q(section__isnull=False, retired=False),
                name="checklistitem_unique_position_in_section",
            ),
            models.UniqueConstraint(
                fields=("career", "kind", "position"),
                condition=Q(section__isnull=True, retired=False),
                name="checklistitem_unique_position_in_list",
            ),
            # A retired action may have lost its section along with the step it belonged to.
            models.CheckConstraint(
                condition=(
                    Q(section__isnull=True, kind__in=["skill", "requirement"])
                    | Q(section__isnull=False, kind__in=["action", "tip"])
                    | Q(retired=True, kind__in=["action", "tip"])
                ),
                name="checklistitem_section_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def list_key(self) -> tuple[tuple[str, Any], ...] | None:
        # A section's actions, or a career's skills or requirements; retired items are in none.
        if self.retired:
            return None
        if self.section_id:
            return (("section_id", self.section_id), ("retired", False))
        return (
            ("career_id", self.career_id),
            ("kind", self.kind),
            ("section", None),
            ("retired", False),
        )

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Also checks that the item's section goes with its kind: here, not in clean(), so that
        the error can go to the form's whole, not to its section field, when a form has none
        (Django raises ValueError for an error on a field the form lacks)."""
        super().clean_fields(exclude)
        career_wide = self.kind in self.Kind.career_wide()
        if career_wide and self.section_id:
            problem = "Skills and requirements belong to no step section."
        elif not career_wide and not self.section_id and not self.retired:
            problem = "Actions and tips belong to a step section."
        else:
            return
        raise ValidationError(problem if exclude and "section" in exclude else {"section": problem})

    @property
    def anchor(self) -> str:
        return f"item-{self.slug}"

    @property
    def old_anchors(self) -> list[str]:
        """The anchors of the items merged into this one, so that links to them still land."""
        return [f"item-{slug}" for slug in self.merged_from.split()]

    def get_absolute_url(self) -> str:
        if self.section_id:
            return self.section.step.get_absolute_url() + f"#{self.anchor}"
        return reverse("careers:skills", args=[self.career.slug]) + f"#{self.anchor}"


class Card(CareerItem):
    """A titled, cited item shown as a card: a duty, a benefit or a trend."""

    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta(CareerItem.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.title


class Duty(Card):
    anchor_prefix = "duty"

    class Meta(CareerItem.Meta):
        verbose_name_plural = "duties"


class Benefit(Card):
    page, anchor_prefix = "market", "benefit"

    class Meta(CareerItem.Meta):
        pass


class Trend(Card):
    """Where the work is heading, as the sources see it."""

    page, anchor_prefix = "market", "trend"
    body = models.TextField(blank=True)

    class Meta(CareerItem.Meta):
        pass


class Tool(CareerItem):
    page, anchor_prefix = "market", "tool"

    class Category(models.TextChoices):
        LANGUAGE = "language", "Programming language"
        DATABASE = "database", "Database"
        FRAMEWORK = "framework", "Framework"
        VERSION_CONTROL = "version-control", "Version control"
        CONTAINERS = "containers", "Containerization"
        API_TESTING = "api-testing", "API testing"

    name = models.CharField(max_length=100)
    category = models.CharField(max_length=30, choices=Category.choices)

    class Meta(CareerItem.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class MarketFact(CareerItem):
    """A figure about the job market: what it is, what it measures, and over which years."""

    page, anchor_prefix = "market", "fact"

    figure = models.CharField(max_length=50, help_text='The figure as stated, e.g. "8%" or "2nd".')
    measures = models.CharField(max_length=300, help_text="What the figure measures.")
    year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(null=True, blank=True)
    attributed_to = models.CharField(
        max_length=200, blank=True, help_text="Whom the document credits, e.g. the BLS or Statista."
    )

    class Meta(CareerItem.Meta):
        constraints = [
            *CareerItem.Meta.constraints,
            models.CheckConstraint(
                condition=Q(year_start__isnull=True)
                | Q(year_end__isnull=True)
                | Q(year_start__lte=F("year_end")),
                name="marketfact_years_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure}: {self.measures}"

    def clean(self) -> None:
        if self.year_start and self.year_end and self.year_start > self.year_end:
            raise ValidationError({"year_end": "The last year comes before the first."})

    @property
    def years(self) -> str:
        if self.year_start and self.year_end and self.year_start != self.year_end:
            return f"{self.year_start}–{self.year_end}"
        return str(self.year_start or self.year_end or "")


class Timeline(CareerItem):
    """How long the sources say it takes to become job-ready."""

    anchor_prefix = "timeline"

    min_months = models.PositiveSmallIntegerField()
    max_months = models.PositiveSmallIntegerField()
    note = models.TextField(help_text="What the estimate depends on, in the source's terms.")

    class Meta(CareerItem.Meta):
        constraints = [
            *CareerItem.Meta.constraints,
            models.CheckConstraint(
                condition=Q(min_months__lte=F("max_months")), name="timeline_min_not_above_max"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if None not in (self.min_months, self.max_months) and self.min_months > self.max_months:
            raise ValidationError({"max_months": "The maximum is below the minimum."})

    @property
    def label(self) -> str:
        """ "6–12 months" when both ends read best in months, else "6 months to 2 years"."""
        if self.max_months < 24 or self.max_months % 12:
            return f"{self.min_months}–{self.max_months} months"
        return f"{self.min_months} months to {self.max_months // 12} years"


class Faq(CareerItem):
    page = "faqs"

    question = models.CharField(max_length=300)
    answer = models.TextField()
    question_reconstructed = models.BooleanField(
        default=False,
        help_text="The source's copy lost this question; it was written from the answer.",
    )

    class Meta(CareerItem.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self) -> str:
        return self.question


class SalaryTable(CareerItem):
    page = "salaries"

    class Dimension(models.TextChoices):
        EXPERIENCE = "experience", "Experience level"
        COUNTRY = "country", "Country"

    title = models.CharField(max_length=200)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    as_of = models.DateField(help_text="The date of the document the figures come from.")
    attributed_to = models.CharField(
        max_length=200, blank=True, help_text="Where the document says the figures come from."
    )
    caveat = models.TextField(blank=True, help_text="The document's own warning about the figures.")
    average_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        help_text="Overall average, if given.",
    )
    average_currency = models.CharField(
        max_length=3, choices=Currency.choices, blank=True, help_text="Currency of the average."
    )

    class Meta(CareerItem.Meta):
        constraints = [
            *CareerItem.Meta.constraints,
            models.CheckConstraint(
                condition=Q(average_amount__isnull=True) | Q(average_amount__gte=0),
                name="salarytable_average_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(average_amount__isnull=True) | ~Q(average_currency=""),
                name="salarytable_average_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.average_amount is not None and not self.average_currency:
            raise ValidationError({"average_currency": "An average needs its currency."})


class SalaryRow(Ordered):
    class Period(models.TextChoices):
        YEAR = "year", "per year"
        MONTH = "month", "per month"

    list_fields = ("table",)

    table = models.ForeignKey(SalaryTable, on_delete=models.CASCADE, related_name="rows")
    slug = models.SlugField(help_text="Stable key, unique within the table.")
    position = position_field("Order within the table.")
    label = models.CharField(max_length=100, help_text="The region or experience level.")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    currency_assumed = models.BooleanField(
        default=False,
        help_text='The document does not name the currency (e.g. a bare "$"); we assumed it.',
    )
    minimum = models.DecimalField(max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE])
    maximum = models.DecimalField(max_digits=14, decimal_places=2, validators=[NOT_NEGATIVE])
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.YEAR)
    average = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    as_stated = models.CharField(
        max_length=200, help_text="The range exactly as the document prints it."
    )

    class Meta:
        ordering = ("table", "position")
        constraints = [
            models.UniqueConstraint(fields=("table", "slug"), name="salaryrow_unique_slug"),
            models.UniqueConstraint(fields=("table", "position"), name="salaryrow_unique_position"),
            models.CheckConstraint(
                condition=Q(minimum__gte=0), name="salaryrow_minimum_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(minimum__lte=F("maximum")), name="salaryrow_min_not_above_max"
            ),
            models.CheckConstraint(
                condition=Q(average__isnull=True) | Q(average__gte=0),
                name="salaryrow_average_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.as_stated}"

    def clean(self) -> None:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError({"maximum": "The maximum is below the minimum."})


class ExchangeRate(models.Model):
    """How many units of a currency one euro bought on a day (the ECB's reference rates)."""

    date = models.DateField()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    per_euro = models.DecimalField(
        max_digits=16,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"), "A rate must be above zero.")],
        help_text="Units of the currency for one euro.",
    )
    source = models.CharField(
        max_length=300, help_text="Who published the rate, e.g. the European Central Bank."
    )

    class Meta:
        ordering = ("-date", "currency")
        constraints = [
            models.UniqueConstraint(fields=("date", "currency"), name="exchangerate_unique_day"),
            models.CheckConstraint(condition=Q(per_euro__gt=0), name="exchangerate_positive"),
            models.CheckConstraint(
                condition=~Q(currency=Currency.EUR), name="exchangerate_not_euro_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: 1 EUR = {self.per_euro} {self.currency}"

    def clean(self) -> None:
        if self.per_euro is not None and self.per_euro <= 0:
            raise ValidationError({"per_euro": "A rate must be above zero."})
        if self.currency == Currency.EUR:
            raise ValidationError({"currency": "The euro is the base currency; it needs no rate."})


# Each model whose items cite sources, with the lookup from it to its career.
CITING_MODELS: dict[type[models.Model], str] = {
    Career: "",
    Step: "career",
    StepSection: "step__career",
    ChecklistItem: "career",
    Duty: "career",
    Benefit: "career",
    Trend: "career",
    Tool: "career",
    MarketFact: "career",
    Timeline: "career",
    Faq: "career",
    SalaryTable: "career",
}


class LoadedContent(models.Model):
    """What the last load of the content files made of the database, written as the files are.

    load_content compares it with the database to tell what staff changed since, so that loading
    files never overwrites an edit made in the admin without saying so.
    """

    files = models.JSONField(help_text="Each content file's text, keyed by its path.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "loaded content"

    def __str__(self) -> str:
        return f"content loaded at {self.loaded_at:%Y-%m-%d %H:%M}"
