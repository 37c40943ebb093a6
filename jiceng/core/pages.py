"""Shared helpers for page views."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator


def run_service(form, call):
    """Call a service; its field-level ValidationError lands on the form. Returns the result or None."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


def paginate(request, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
