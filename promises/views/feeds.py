"""/flode/: the Atom feeds explained for people, with the addresses to paste into a feed reader.

The feeds themselves are promises/feeds.py.
"""

from django.shortcuts import render

from portal.models import Municipality


def feed_list(request):
    return render(request, "promises/feed_list.html", {"municipalities": Municipality.objects.order_by("name")})
