"""The search page, /sok/: a GET form, the hits page by page (the search itself: promises/search.py)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from portal.models import Municipality
from promises.search import MAX_QUERY_LENGTH, Category, clean_query
from promises.search import search as search_content

PER_PAGE = 20


def search(request):
    query, truncated = clean_query(request.GET.get("q", ""))
    municipalities = list(Municipality.objects.order_by("name"))
    kommun = request.GET.get("kommun", "")
    # Unknown filter values (an old link, a typo) search everything and say so, rather than answer an error.
    selected = next((m for m in municipalities if m.slug == kommun), None)
    category = request.GET.get("typ", "")
    unknown_filters = bool(kommun and selected is None) or (category and category not in Category.values)
    if category not in Category.values:
        category = ""
    # Links to other pages carry the cleaned query and the known filters only, never what else the address held.
    filters = {key: value for key, value in (("kommun", selected.slug if selected else ""), ("typ", category)) if value}
    page = None
    page_adjusted = False
    if query:
        paginator = Paginator(search_content(query, municipality=selected, category=category), PER_PAGE)
        requested = request.GET.get("sida") or "1"
        page = paginator.get_page(requested)
        page_adjusted = requested != str(page.number)
    return render(
        request,
        "promises/search.html",
        {
            "query": query,
            "truncated": truncated,
            "max_length": MAX_QUERY_LENGTH,
            "municipalities": municipalities,
            "selected": selected,
            "category": category,
            "categories": Category.choices,
            "unknown_filters": unknown_filters,
            "page": page,
            "page_adjusted": page_adjusted,
            "page_query": urlencode({"q": query, **filters}),
            "has_filters": bool(filters),
        },
    )
