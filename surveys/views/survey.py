"""Safety surveys: answering one, the thank-you page and the published results. URLs in surveys/urls.py."""

import uuid

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from surveys import results
from surveys.forms.survey import SurveyAnswerForm
from surveys.models import Survey
from surveys.services import response_submit

# Posts per address and hour. A school class or a library answering together shares one address, so this is
# generous; it is there to stop floods, and the honeypot stops the simple bots. Counted in the cache only.
ANSWER_RATE = "20/h"


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
    survey = get_object_or_404(Survey.objects.prefetch_related("municipalities"), slug=slug)
    today = timezone.localdate()
    if not survey.is_open(today):
        # Nothing is stored; a form posted after closing time gets the same explanation, as a refusal.
        status = 403 if request.method == "POST" else 200
        return render(
            request,
            "surveys/survey_closed.html",
            {"survey": survey, "municipality": _single_municipality(survey), "upcoming": survey.opens_on > today},
            status=status,
        )

    groups, _questions = results.survey_questions(survey=survey)
    municipalities = survey.municipalities.all()
    if request.method == "POST":
        form = SurveyAnswerForm(request.POST, groups=groups, municipalities=municipalities)
        if form.honeypot_filled:
            # A bot: store nothing, and give it no hint that it was caught.
            return redirect("survey_thanks", slug=survey.slug)
        if form.is_valid():
            response_submit(
                survey=survey,
                municipality_id=form.municipality_id(),
                answers=form.answers(),
                submission_token=form.cleaned_data["submission_token"],
            )
            return redirect("survey_thanks", slug=survey.slug)
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
    return render(
        request,
        "surveys/survey_thanks.html",
        {"survey": survey, "municipality": _single_municipality(survey), "municipalities": survey.municipalities.all()},
    )


@require_GET
def survey_results(request, slug):
    # Only after closing and once published: while a survey is open nobody sees live counts.
    survey = get_object_or_404(
        Survey.objects.with_published_results()
        .annotate(respondents=Count("responses"))
        .prefetch_related("municipalities"),
        slug=slug,
    )
    respondents = survey.respondents
    if respondents >= survey.min_cell_size:
        sections = results.survey_results(survey=survey)
    else:
        sections, respondents = [], None
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "municipality": _single_municipality(survey),
            "sections": sections,
            "respondents": respondents,
        },
    )
