"""/: what medborgarlöften are, a field to find your kommun, every kommun grouped by län, the latest published
follow-ups and the dialogues coming up. In promises because most of what it shows is promises' data."""

from itertools import groupby

from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import render
from django.utils import timezone

from portal.models import Municipality
from promises.models import FollowUp, PromisePeriod
from promises.overview import swedish_sort_key
from surveys.models import Dialogue


def home(request):
    # Only each kommun's latest published period, and only its years: the page names nothing else of it, and at
    # national scale every period in full (long texts and all) was most of the page's time.
    latest = PromisePeriod.objects.published().filter(municipality=OuterRef("municipality")).latest_first()
    latest_periods = PromisePeriod.objects.filter(pk=Subquery(latest.values("pk")[:1])).only(
        "municipality", "start_year", "end_year"
    )
    municipalities = sorted(
        Municipality.objects.prefetch_related(
            Prefetch("promise_periods", queryset=latest_periods, to_attr="published_periods")
        ),
        key=lambda municipality: (swedish_sort_key(municipality.county), swedish_sort_key(municipality.name)),
    )
    # By län, the division residents know (a police area's name is rarely one they would look for); at national
    # scale the page folds each län (templates/promises/home.html), so a phone is not 38,000 px long.
    counties = [(county, list(in_county)) for county, in_county in groupby(municipalities, key=lambda m: m.county)]
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
            "counties": counties,
            # The find field's suggestions, alphabetical rather than by län.
            "municipality_names": sorted(municipalities, key=lambda m: swedish_sort_key(m.name)),
            "upcoming_dialogues": upcoming_dialogues,
            "latest_follow_ups": latest_follow_ups,
            "has_examples": any(follow_up.is_example for follow_up in latest_follow_ups),
        },
    )
