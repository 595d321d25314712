"""Endpoints for load balancers and process managers (not pages for people)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def livez(request):
    """The process answers: no database, no templates. Also the benchmark's floor (bench/run.py), so that
    every page's cost is measured beside the cost of going through the server and all the middleware."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
