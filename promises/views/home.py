"""/: what medborgarlöften are, every kommun grouped by police area, the latest published follow-ups and the
dialogues coming up. In promises because most of what it shows is promises' data."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import render
from django.utils import timezone

from portal.models import Municipality, PoliceArea
from promises.models import FollowUp, PromisePeriod
from surveys.models import Dialogue


def home(request):
    # Only each kommun's latest published period, and only its years: the page names nothing else of it, and at
    # national scale every period in full (long texts and all) was most of the page's time.
    latest = PromisePeriod.objects.published().filter(municipality=OuterRef("municipality")).latest_first()
    latest_periods = PromisePeriod.objects.filter(pk=Subquery(latest.values("pk")[:1])).only(
        "municipality", "start_year", "end_year"
    )
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
        "promises/home.html",
        {
            "police_areas": police_areas,
            "upcoming_dialogues": upcoming_dialogues,
            "latest_follow_ups": latest_follow_ups,
            "has_examples": any(follow_up.is_example for follow_up in latest_follow_ups),
        },
    )
