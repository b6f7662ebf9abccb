"""The admin site: Django's, refusing what staff's browser sends that the database cannot read,
with a 400 that says so, rather than failing with a 500.

Django's lists take filters from their address: any field of the list's model, with any lookup
(`?title__regex=…`, `?id__range=…`). Its links only ever make filters a list can apply, but an
address edited by hand can ask for one the database refuses: a regular expression it cannot
read, a year too large, a range without two ends, an IP address that is none. Forms sent by
hand meet the same: an action on items whose ids are none, or a refused form whose autocomplete
Django then looked up to show it again. So every ModelAdmin registered on the site (Django's,
django-axes' and ours) is checked (InputChecked). And every admin address with a NUL character,
in its path or its query, is refused: PostgreSQL cannot even compare text holding one (an item's
History looked its id up, a list its filter, an autocomplete what was typed).
"""

from contextlib import nullcontext
from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME as CHOSEN
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DataError, OperationalError, transaction
from django.db.models import Field

from .middleware import ExplainedRefusal

UNUSABLE_FILTERS = "This list cannot be filtered by what its address asks"
# What a list's address holds besides its filters.
NOT_FILTERS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}
# The sqlite3 module's message when a Python function called by a query raises.
SQLITE_FUNCTION_FAILED = "user-defined function raised exception"
UNREADABLE_CHOICE = "The items chosen for this action are not ones this list holds"
UNREADABLE_ADDRESS = (
    "This address holds a NUL character, which no item, filter or search of this admin can hold"
)


class UnreadableRequest(ExplainedRefusal):
    """An admin request, by its address or its form, asking for what the database cannot read."""


class ReadableAutocompletes:
    """Mixed into a ModelAdmin or an inline: its autocompletes (the site's are all of several
    sources) show a refused form again without the values that are no id."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                ReadableAutocompleteMultiple(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InputChecked(ReadableAutocompletes):
    """Mixed into every ModelAdmin of the site (AdminSite.register). An inline with an
    autocomplete takes ReadableAutocompletes itself."""

    def get_changelist_instance(self, request):
        # The list's queries run here. Inside a transaction, in a savepoint of their own, so that
        # a refused one leaves it usable; outside one they need none (and on SQLite, a
        # transaction would take the database's write lock for them).
        within = transaction.get_connection().in_atomic_block
        try:
            with transaction.atomic() if within else nullcontext():
                return super().get_changelist_instance(request)
        except (DataError, ValueError, OverflowError, OperationalError) as error:
            # Without filters in its address (sorting, a page, a search are none), a list that
            # fails is the site's fault: a 500.
            filtered = any(name not in NOT_FILTERS for name in request.GET)
            if filtered and refused_value(error):
                raise UnreadableRequest(UNUSABLE_FILTERS) from error
            raise

    def response_action(self, request, queryset):
        if not all(readable(self.model._meta.pk, pk) for pk in request.POST.getlist(CHOSEN)):
            raise UnreadableRequest(UNREADABLE_CHOICE)
        return super().response_action(request, queryset)


class ReadableAutocompleteMultiple(AutocompleteSelectMultiple):
    """Shows again only the values it can look up. Django's looked up every value a refused form
    sent, and failed on one that is no id (a 500)."""

    def optgroups(self, name, value, attr=None):
        shown = [one for one in value if readable(self.field.target_field, one)]
        return super().optgroups(name, shown, attr)


def readable(field: Field, value: str) -> bool:
    """Whether the value is one the field can hold: an id that is a number the database's
    column holds, say."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def refused_value(error: Exception) -> bool:
    """Whether the error refuses a value the query was given, rather than being the database's
    failure: an OperationalError is that (a 503), but for SQLite's report of a regular expression
    it could not read, which it reads with Python's, inside the query."""
    return not isinstance(error, OperationalError) or str(error) == SQLITE_FUNCTION_FAILED


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        checked = admin_class or admin.ModelAdmin
        if not issubclass(checked, InputChecked):
            name = checked.__name__
            checked = type(name, (InputChecked, checked), {"__module__": checked.__module__})
        super().register(model_or_iterable, checked, **options)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refuse_nul(request, *args, **kwargs):
            sent = [request.path, *(key + "".join(values) for key, values in request.GET.lists())]
            if any("\x00" in part for part in sent):
                raise UnreadableRequest(UNREADABLE_ADDRESS)
            return checked(request, *args, **kwargs)

        return refuse_nul


class AdminConfig(DjangoAdminConfig):
    default_site = "roadmap_site.admin_site.AdminSite"
