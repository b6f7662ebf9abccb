"""The sitemap: every public page, including each step of each career."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Career, Step

CAREER_PAGES = ("overview", "skills", "salaries", "faqs", "market")


class SitePagesSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["careers:home", "careers:sources", "careers:search"]

    def location(self, item: str) -> str:
        return reverse(item)


class CareerPagesSitemap(Sitemap):
    def items(self) -> list[tuple[str, str]]:
        return [
            (slug, page)
            for slug in Career.objects.values_list("slug", flat=True)
            for page in CAREER_PAGES
        ]

    def location(self, item: tuple[str, str]) -> str:
        slug, page = item
        return reverse(f"careers:{page}", args=[slug])


class StepSitemap(Sitemap):
    def items(self):
        return Step.objects.select_related("career").order_by("career__position", "position")


SITEMAPS = {"pages": SitePagesSitemap, "careers": CareerPagesSitemap, "steps": StepSitemap}
