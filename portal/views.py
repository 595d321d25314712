from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from portal.models import Municipality, PoliceArea
from promises.models import FollowUp, PromisePeriod
from surveys.models import Dialogue


def home(request):
    latest_periods = PromisePeriod.objects.published().latest_first()
    police_areas = PoliceArea.objects.prefetch_related(
        Prefetch(
            "municipalities",
            queryset=Municipality.objects.order_by("name").prefetch_related(
                Prefetch("promise_periods", queryset=latest_periods, to_attr="published_periods")
            ),
        )
    )
    latest_follow_ups = list(
        FollowUp.objects.published()
        .select_related("period__municipality")
        .order_by("-published_on", "-year", "period__municipality__name")[:6]
    )
    upcoming_dialogues = Dialogue.objects.published().upcoming(timezone.now()).select_related("municipality")[:5]
    return render(
        request,
        "portal/home.html",
        {
            "police_areas": police_areas,
            "upcoming_dialogues": upcoming_dialogues,
            "latest_follow_ups": latest_follow_ups,
            "has_examples": any(follow_up.is_example for follow_up in latest_follow_ups),
        },
    )


def rate_limited(request, exception):
    """django-ratelimit's answer when a public form is sent too often from one address."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
