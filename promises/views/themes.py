"""Pages across kommuner: the national themes, one theme in every kommun, and the national overview.

They compare kommuner side by side and never rank them; the figures come from promises/overview.py.
"""

from django.shortcuts import render
from django.utils import timezone

from promises import overview
from promises.models import Theme


def theme_list(request):
    today = timezone.localdate()
    return render(
        request,
        "promises/theme_list.html",
        {
            "themes": overview.theme_counts(today=today),
            "in_force_count": overview.municipalities_in_force_count(today=today),
            "year": today.year,
        },
    )


def theme_detail(request, slug):
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        # Not the site's generic 404: name the address that was asked for and offer the themes that exist.
        return render(
            request,
            "promises/theme_not_found.html",
            {"slug": slug, "themes": overview.themes_in_order()},
            status=404,
        )
    today = timezone.localdate()
    return render(
        request,
        "promises/theme_detail.html",
        {
            "theme": theme,
            "detail": overview.theme_detail(theme=theme, today=today, page_number=request.GET.get("sida")),
            "year": today.year,
        },
    )


def national_overview(request):
    return render(
        request,
        "promises/national_overview.html",
        {"overview": overview.national_overview(today=timezone.localdate())},
    )
