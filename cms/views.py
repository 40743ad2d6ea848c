"""Site-wide views: friendly refusals."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token expired: explain, keep nothing."""
    return TemplateResponse(request, "403_csrf.html", {}, status=403).render()
