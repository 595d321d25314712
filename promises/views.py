from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from portal.models import Municipality
from promises.models import ActivityReport, FollowUp, PromisePeriod
from promises.timeline import annotate_period


def municipality_detail(request, municipality_slug):
    municipality = get_object_or_404(Municipality.objects.select_related("police_area"), slug=municipality_slug)
    periods = list(
        PromisePeriod.objects.published().for_municipality(municipality).select_related("municipality").latest_first()
    )
    today = timezone.localdate()
    latest = None
    if periods:
        latest = PromisePeriod.objects.with_content().get(pk=periods[0].pk)
        annotate_period(period=latest, today=today)
    return render(
        request,
        "promises/municipality_detail.html",
        {
            "municipality": municipality,
            "latest": latest,
            "earlier_periods": periods[1:],
            "today": today,
        },
    )


def period_detail(request, municipality_slug, start_year, end_year):
    period = get_object_or_404(
        PromisePeriod.objects.published().with_content(),
        municipality__slug=municipality_slug,
        start_year=start_year,
        end_year=end_year,
    )
    today = timezone.localdate()
    annotate_period(period=period, today=today)
    later_periods = list(
        PromisePeriod.objects.published()
        .for_municipality(period.municipality)
        .filter(start_year__gt=period.start_year)
        .order_by("start_year")[:1]
    )
    return render(
        request,
        "promises/period_detail.html",
        {
            "period": period,
            "municipality": period.municipality,
            "next_period": later_periods[0] if later_periods else None,
            "today": today,
        },
    )


def follow_up_detail(request, municipality_slug, start_year, end_year, year):
    follow_up = get_object_or_404(
        FollowUp.objects.published().select_related("period__municipality__police_area"),
        period__municipality__slug=municipality_slug,
        period__start_year=start_year,
        period__end_year=end_year,
        year=year,
    )
    period = follow_up.period
    reports = {
        report.activity_id: report
        for report in ActivityReport.objects.filter(follow_up=follow_up).select_related("activity")
    }
    focus_areas = list(period.focus_areas.prefetch_related("activities__responsible"))
    for focus_area in focus_areas:
        for activity in focus_area.activities.all():
            activity.report = reports.get(activity.pk)
    return render(
        request,
        "promises/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "period": period,
            "municipality": period.municipality,
            "focus_areas": focus_areas,
        },
    )
