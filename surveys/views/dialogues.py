"""Dialogues and safety walks (list, page, calendar feeds) and the suggestion form; URL patterns in surveys/urls.py.

The "Ni sa – vi gjorde" record shows the promise activities a dialogue led to. That relation is declared on
the promises side (promises depends on surveys, never the other way round), so it is read here through the
reverse accessors, and the promises models are reached through them instead of imported or named.
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from portal.models import Municipality
from portal.public_forms import rate_limit_response
from surveys.calendar import dialogue_calendar_ical, last_modified, national_feed_starts
from surveys.forms.dialogues import SuggestionForm
from surveys.models import Dialogue

PAST_PER_PAGE = 20
# Feedback is written in the weeks after a dialogue; after this long without any, the page stops saying that it is
# on its way and says plainly that none was published.
FEEDBACK_PENDING_DAYS = 180
# Nobody writes more than a handful of suggestions in ten minutes; a script does.
SUGGESTION_RATE = "5/10m"


def dialogue_list(request):
    municipalities = list(Municipality.objects.order_by("name"))
    # An unknown kommun in the address (an old link, a typo) shows every kommun's dialogues rather than an error.
    selected = next((m for m in municipalities if m.slug == request.GET.get("kommun")), None)
    dialogues = Dialogue.objects.published().select_related("municipality")
    if selected is not None:
        dialogues = dialogues.filter(municipality=selected)
    now = timezone.now()
    past = Paginator(dialogues.past(now), PAST_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "surveys/dialogue_list.html",
        {
            "municipalities": municipalities,
            "selected": selected,
            "upcoming": list(dialogues.upcoming(now)),
            "past": past,
        },
    )


def _period_model():
    return Dialogue._meta.get_field("promise_periods").related_model


def _public_activities():
    activity_model = Dialogue._meta.get_field("led_to_activities").related_model
    published_periods = _period_model().objects.published()
    return (
        activity_model.objects.filter(focus_area__period__in=published_periods)
        .select_related("focus_area__period__municipality")
        .order_by("focus_area__period__start_year", "focus_area__order", "order")
    )


def dialogue_detail(request, pk):
    dialogue = get_object_or_404(
        Dialogue.objects.published()
        .select_related("municipality__police_area")  # the police area's contact details
        .prefetch_related(
            Prefetch("led_to_activities", queryset=_public_activities(), to_attr="public_activities"),
            Prefetch(
                "promise_periods",
                queryset=_period_model().objects.published().select_related("municipality").order_by("start_year"),
                to_attr="public_periods",
            ),
        ),
        pk=pk,
    )
    now = timezone.now()
    has_taken_place = dialogue.starts_at < now
    return render(
        request,
        "surveys/dialogue_detail.html",
        {
            "dialogue": dialogue,
            "municipality": dialogue.municipality,
            "has_taken_place": has_taken_place,
            "has_feedback": bool(dialogue.heard or dialogue.not_taken_up or dialogue.public_activities),
            "feedback_overdue": dialogue.starts_at < now - datetime.timedelta(days=FEEDBACK_PENDING_DAYS),
        },
    )


def _calendar_response(request, *, dialogues, name, filename):
    dialogues = list(dialogues)
    body = dialogue_calendar_ical(dialogues=dialogues, name=name, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # With the ETag that ConditionalGetMiddleware (or the page cache) sets, a calendar app's If-None-Match or
    # If-Modified-Since gets 304 until a dialogue changes.
    if changed := last_modified(dialogues):
        response["Last-Modified"] = http_date(changed.timestamp())
    return response


def dialogue_calendar(request):
    dialogues = (
        Dialogue.objects.published()
        .starting_from(national_feed_starts(today=timezone.localdate()))
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )
    return _calendar_response(
        request,
        dialogues=dialogues,
        name=_("Medborgardialoger och trygghetsvandringar"),
        filename="dialoger.ics",
    )


def dialogue_calendar_municipality(request, municipality_slug):
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    dialogues = (
        Dialogue.objects.published()
        .filter(municipality=municipality)
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )
    return _calendar_response(
        request,
        dialogues=dialogues,
        name=_("Medborgardialoger och trygghetsvandringar i %(name)s") % {"name": municipality.official_name},
        filename=f"dialoger-{municipality.slug}.ics",
    )


@ratelimit(key="ip", rate=SUGGESTION_RATE, method="POST", block=False)
def suggestion_create(request, municipality_slug):
    # With its police area: both pages show whom to contact (includes/_municipality_contacts.html).
    municipality = get_object_or_404(Municipality.objects.select_related("police_area"), slug=municipality_slug)
    if limited := rate_limit_response(request):
        return limited
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_valid():
            # A bot's or a repeated submit is dropped without a word: the sender sees the same thanks.
            form.submit(municipality=municipality)
            return redirect("suggestion_thanks", municipality_slug=municipality.slug)
    else:
        form = SuggestionForm()
    return render(
        request,
        "surveys/suggestion_create.html",
        {"municipality": municipality, "form": form, "retention_days": settings.SUGGESTION_RETENTION_DAYS},
    )


def suggestion_thanks(request, municipality_slug):
    municipality = get_object_or_404(Municipality.objects.select_related("police_area"), slug=municipality_slug)
    return render(
        request,
        "surveys/suggestion_thanks.html",
        {"municipality": municipality, "retention_days": settings.SUGGESTION_RETENTION_DAYS},
    )
