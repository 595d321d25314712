"""/robots.txt: everything public may be indexed, except the admin and the pages that only make sense after
sending a form. Built from the URL patterns in both languages, so that a moved page cannot slip out of it."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import override

# A slug that reverse() accepts, replaced by robots.txt's wildcard afterwards.
_ANY = "robots-any"

NOT_INDEXED = [
    ("suggestion_thanks", {"municipality_slug": _ANY}),
    ("survey_thanks", {"slug": _ANY}),
    ("unsafe_place_report_thanks", {}),
    # The feedback form and its thanks page: every page links to the form with its own address (?sida=…).
    ("accessibility_feedback", {}),
]


def disallowed_paths():
    paths = [reverse("admin:index")]
    for code, _name in settings.LANGUAGES:
        with override(code):
            paths += [reverse(name, kwargs=kwargs).replace(_ANY, "*") for name, kwargs in NOT_INDEXED]
    return list(dict.fromkeys(paths))


def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["Allow: /", "", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
