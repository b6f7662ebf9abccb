"""The admin site: Django's, answering an address it cannot read with a 400 that says so.

Django's lists take filters from their address: any field of the list's model, with any lookup
(`?title__regex=…`, `?id__range=…`). Its links only ever make filters a list can apply, but an
address edited by hand can ask for one the database refuses: a regular expression it cannot
read, a NUL character, a year too large, a range without two ends, an IP address that is none.
The list then failed with a 500. So every list registered on the site (Django's, django-axes'
and ours) turns that refusal into a 400, and so does every admin address with a NUL character
in its path, which PostgreSQL cannot even look up.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.db import DataError, OperationalError, transaction

from .middleware import ExplainedRefusal

UNUSABLE_FILTERS = "This list cannot be filtered by what its address asks"
# The sqlite3 module's message when a Python function called by a query raises.
SQLITE_FUNCTION_FAILED = "user-defined function raised exception"
UNREADABLE_PATH = "This address holds a NUL character, which no item's address does"


class UnreadableAddress(ExplainedRefusal):
    """An admin address asking for what the database cannot read or compare."""


class FiltersChecked:
    """Mixed into every ModelAdmin of the site (AdminSite.register)."""

    def get_changelist_instance(self, request):
        try:
            # The list's queries run here; a savepoint keeps a refused one from breaking any
            # transaction around it.
            with transaction.atomic():
                return super().get_changelist_instance(request)
        except (DataError, ValueError, OverflowError, OperationalError) as error:
            # A list with no filters in its address that fails is the site's fault (a 500).
            if request.GET and refused_value(error):
                raise UnreadableAddress(UNUSABLE_FILTERS) from error
            raise


def refused_value(error: Exception) -> bool:
    """Whether the error refuses a value the query was given, rather than being the database's
    failure: an OperationalError is that (a 503), but for SQLite's report of a regular expression
    it could not read, which it reads with Python's, inside the query."""
    return not isinstance(error, OperationalError) or str(error) == SQLITE_FUNCTION_FAILED


class AdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        checked = admin_class or admin.ModelAdmin
        if not issubclass(checked, FiltersChecked):
            name = checked.__name__
            checked = type(name, (FiltersChecked, checked), {"__module__": checked.__module__})
        super().register(model_or_iterable, checked, **options)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refuse_unreadable_path(request, *args, **kwargs):
            if "\x00" in request.path:
                raise UnreadableAddress(UNREADABLE_PATH)
            return checked(request, *args, **kwargs)

        return refuse_unreadable_path


class AdminConfig(DjangoAdminConfig):
    default_site = "roadmap_site.admin_site.AdminSite"
