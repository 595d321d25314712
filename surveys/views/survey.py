"""Safety surveys: the list per kommun, answering one, the thank-you page and the published results.

URLs in surveys/urls.py.
"""

import datetime
import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from portal.models import Municipality
from portal.request_log import leave_out_of_request_log
from surveys import results
from surveys.forms.survey import SurveyAnswerForm
from surveys.models import Survey
from surveys.services import response_submit, survey_form_load

# Posts per address and hour. A school class or a library answering together shares one address, so this is
# generous; it is there to stop floods, and the honeypot stops the simple bots. Counted in the cache only.
ANSWER_RATE = "20/h"


# Kommuner per page of the national list: 290 sections on one page is a long scroll for a reader (and a slow
# render); the kommun filter above the list is the quick way to one's own.
KOMMUNER_PER_PAGE = 25

# A closed survey whose results never came is listed as awaiting them for this long, then only on its own page.
AWAITING_DAYS = 365


@require_GET
def survey_list(request):
    """/enkater/: per kommun, the surveys open now, those awaiting their results, and the published results; a
    page of KOMMUNER_PER_PAGE kommuner at a time."""
    today = timezone.localdate()
    municipalities = list(Municipality.objects.order_by("name"))
    kommun = request.GET.get("kommun", "")
    # An unknown kommun in the address (an old link, a typo) lists every kommun, and the page says so.
    selected = next((m for m in municipalities if m.slug == kommun), None)
    surveys = (
        Survey.objects.filter(
            Q(opens_on__lte=today, closes_on__gte=today)
            | Q(closes_on__lt=today, closes_on__gte=today - datetime.timedelta(days=AWAITING_DAYS))
            | Q(results_published=True, closes_on__lt=today)
        )
        .prefetch_related("municipalities")
        .order_by("-closes_on", "title")
    )
    if selected is not None:
        surveys = surveys.for_municipality(selected)
    groups = {}
    for survey in surveys:
        for municipality in survey.municipalities.all():
            if selected is None or municipality == selected:
                groups.setdefault(municipality, []).append(survey)
    listed = [
        {
            "municipality": municipality,
            "open": [s for s in groups[municipality] if s.is_open(today)],
            "awaiting": [s for s in groups[municipality] if s.closes_on < today and not s.has_public_results(today)],
            "published": [s for s in groups[municipality] if s.has_public_results(today)],
        }
        for municipality in sorted(groups, key=lambda m: m.name)
    ]
    page = Paginator(listed, KOMMUNER_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "surveys/survey_list.html",
        {
            "municipalities": municipalities,
            "selected": selected,
            "unknown_kommun": bool(kommun and selected is None),
            "groups": page.object_list,
            "page": page,
            "today": today,
        },
    )


def _single_municipality(survey):
    municipalities = list(survey.municipalities.all())
    return municipalities[0] if len(municipalities) == 1 else None


# Never cached, not even by a proxy: each visitor's form carries its own submission token, and a shared one
# would make the second person's answers look like a double submit of the first person's.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=ANSWER_RATE, method="POST", block=False)
def survey_answer(request, slug):
    if getattr(request, "limited", False):
        # portal.views.rate_limited: the 429 page. Called here because the exception route needs a middleware.
        return import_string(settings.RATELIMIT_VIEW)(request, None)
    found = survey_form_load(slug=slug)
    if found is None:
        raise Http404
    survey = found.survey
    today = timezone.localdate()
    if not survey.takes_answers(today):
        # Nothing is stored; a form posted after closing time gets the same explanation, as a refusal. Published
        # results close a survey whatever its dates say (Survey.clean): a later answer could be singled out.
        status = 403 if request.method == "POST" else 200
        return render(
            request,
            "surveys/survey_closed.html",
            {
                "survey": survey,
                "municipality": _single_municipality(survey),
                "upcoming": survey.opens_on > today and not survey.results_published,
                "today": today,
            },
            status=status,
        )

    groups, municipalities = found.groups, found.municipalities
    if request.method == "POST":
        form = SurveyAnswerForm(request.POST, groups=groups, municipalities=municipalities)
        if form.honeypot_filled:
            # A bot: store nothing, and give it no hint that it was caught. Logged: there is no answer to trace.
            return redirect("survey_thanks", slug=survey.slug)
        if form.is_valid():
            response_submit(
                survey=survey,
                municipality_id=form.municipality_id(),
                answers=form.answers(),
                submission_token=form.cleaned_data["submission_token"],
            )
            # No request log line: its time would say when this answer arrived (portal/request_log.py).
            return leave_out_of_request_log(redirect("survey_thanks", slug=survey.slug))
        if form.has_error("submission_token"):
            # Our own page always sends a valid token: this post was not made with the form.
            return render(request, "surveys/survey_bad_request.html", {"survey": survey}, status=400)
    else:
        form = SurveyAnswerForm(
            initial={"submission_token": uuid.uuid4()}, groups=groups, municipalities=municipalities
        )
    return render(
        request,
        "surveys/survey_answer.html",
        {"survey": survey, "municipality": _single_municipality(survey), "form": form},
    )


@require_GET
def survey_thanks(request, slug):
    survey = get_object_or_404(Survey.objects.prefetch_related("municipalities"), slug=slug)
    # Left out of the request log like the post that leads here: it follows a stored answer within a second.
    return leave_out_of_request_log(
        render(
            request,
            "surveys/survey_thanks.html",
            {
                "survey": survey,
                "municipality": _single_municipality(survey),
                "municipalities": survey.municipalities.all(),
                "today": timezone.localdate(),
            },
        )
    )


@require_GET
def survey_results(request, slug):
    # Only after closing and once published: while a survey is open nobody sees live counts.
    survey = (
        Survey.objects.with_published_results()
        .annotate(respondents=Count("responses"))
        .prefetch_related("municipalities")
        .filter(slug=slug)
        .first()
    )
    if survey is None:
        # Not (yet) public: a resident who kept the address learns when the results come, with the 404 status
        # that tells search engines and link checkers there is nothing to index here yet.
        survey = get_object_or_404(Survey.objects.prefetch_related("municipalities"), slug=slug)
        return render(
            request,
            "surveys/survey_results_pending.html",
            {"survey": survey, "municipality": _single_municipality(survey), "today": timezone.localdate()},
            status=404,
        )
    respondents = survey.respondents
    if respondents >= survey.min_cell_size:
        sections = results.survey_results(survey=survey)
        series = results.question_series(survey=survey, sections=sections)
    else:
        sections, respondents, series = [], None, {}
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "municipality": _single_municipality(survey),
            "sections": [
                (section, [(result, series.get(result.question.pk)) for result in section_results])
                for section, section_results in sections
            ],
            "respondents": respondents,
            "has_series": bool(series),
        },
    )
