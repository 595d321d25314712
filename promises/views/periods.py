import logging

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from portal.errors import MunicipalityNotFound
from portal.models import Municipality
from promises.documents import (
    DOCUMENT_LANGUAGE,
    FOLLOW_UP_RELATED,
    document_origin,
    follow_up_pdf,
    follow_up_report_context,
    follow_up_report_header,
    period_document_context,
    period_document_header,
    period_document_text,
    period_pdf,
    running_header_css,
    short_link,
    stored_pdf,
    stored_pdf_path,
    swedish_document,
    text_changes,
)
from promises.models import FollowUp, PromisePeriod, prefetch_period_summary
from promises.timeline import annotate_period, follow_up_focus_areas
from surveys.models import Dialogue, Survey, UnsafePlace

logger = logging.getLogger(__name__)


def municipality_detail(request, municipality_slug):
    municipality = Municipality.objects.select_related("police_area").filter(slug=municipality_slug).first()
    if municipality is None:
        raise MunicipalityNotFound(municipality_slug)
    # Through the kommun's manager, so that each period has this kommun without a join.
    periods = list(municipality.promise_periods.published().latest_first())
    today = timezone.localdate()
    latest = None
    if periods:
        latest = annotate_period(period=prefetch_period_summary(periods[0]), today=today)
    # Ways to take part: surveys open now or with published results, the next dialogues, the unsafe places.
    surveys = Survey.objects.for_municipality(municipality).filter(
        Q(opens_on__lte=today, closes_on__gte=today) | Q(results_published=True, closes_on__lt=today)
    )
    upcoming_dialogues = Dialogue.objects.published().filter(municipality=municipality).upcoming(timezone.now())[:3]
    return render(
        request,
        "promises/municipality_detail.html",
        {
            "municipality": municipality,
            "latest": latest,
            "earlier_periods": periods[1:],
            "surveys": list(surveys),
            "upcoming_dialogues": list(upcoming_dialogues),
            "unsafe_place_count": UnsafePlace.objects.public().not_fixed().filter(municipality=municipality).count(),
            "today": today,
        },
    )


def _published_period(municipality_slug, start_year, end_year, *, evidence=False):
    return get_object_or_404(
        PromisePeriod.objects.published().with_content(evidence=evidence),
        municipality__slug=municipality_slug,
        start_year=start_year,
        end_year=end_year,
    )


def period_detail(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year, evidence=True)
    return render(request, "promises/period_detail.html", period_detail_context(period))


def period_detail_context(period):
    """The period page's context, for the public page and for the coordinators' preview of a draft."""
    today = timezone.localdate()
    annotate_period(period=period, today=today)
    later_periods = list(
        PromisePeriod.objects.published()
        .for_municipality(period.municipality)
        .filter(start_year__gt=period.start_year)
        .order_by("start_year")[:1]
    )
    signed_changes = []
    if period.signed_original and period.signed_text:
        signed_changes = text_changes(period.signed_text, period_document_text(period))
    return {
        "period": period,
        "municipality": period.municipality,
        "next_period": later_periods[0] if later_periods else None,
        "signed_changes": signed_changes,
        "today": today,
    }


def _print_css_response(header_for):
    """The document page's running header and footer for the browser's print (promises.documents)."""
    with translation.override(DOCUMENT_LANGUAGE):
        css = running_header_css(*header_for())
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def period_document_print_css(request, municipality_slug, start_year, end_year):
    period = get_object_or_404(
        PromisePeriod.objects.published().select_related("municipality__police_area"),
        municipality__slug=municipality_slug,
        start_year=start_year,
        end_year=end_year,
    )
    return _print_css_response(
        lambda: (
            period_document_header(period, []),
            short_link(document_origin(request) + period.get_absolute_url()),
        )
    )


def period_document(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year)
    context, document = swedish_document(
        "includes/_period_document.html",
        lambda: period_document_context(period, origin=document_origin(request)),
    )
    return render(request, "promises/period_document.html", {**context, "document": document})


def _pdf_response(request, document):
    """The stored PDF; made now only when it is not stored yet (the renderer ahead of visitors has not got to it,
    or failed): the last resort, as slow as WeasyPrint, never an error page for want of a stored file."""
    html = document.html()
    path = stored_pdf_path(document, html)
    try:
        if path is None:
            raise FileNotFoundError(document.name)
        # Read whole (a document is a few hundred kB) rather than streamed, so that the page cache can keep it too
        # and repeated requests skip rendering the HTML whose hash names the stored file.
        with default_storage.open(path, "rb") as stored:
            pdf = stored.read()
    except FileNotFoundError:
        # Not made yet, or a change committed during this request had its old version deleted meanwhile.
        path, _made_now = stored_pdf(document, html=html, base_url=document_origin(request) + "/")
        with default_storage.open(path, "rb") as stored:
            pdf = stored.read()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{document.kind}-{document.name}.pdf"
    )
    return response


def period_document_pdf(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year)
    return _pdf_response(request, period_pdf(period, origin=document_origin(request)))


def signed_original(request, municipality_slug, start_year, end_year):
    period = get_object_or_404(
        PromisePeriod.objects.published(),
        municipality__slug=municipality_slug,
        start_year=start_year,
        end_year=end_year,
    )
    if not period.signed_original:
        raise Http404("Det undertecknade originalet finns inte i portalen.")
    try:
        file = period.signed_original.open("rb")
    except FileNotFoundError:
        # The row names a file the storage lacks (a database restored without its files, a lost disk, a bucket
        # emptied): the visitor gets the ordinary 404, the operators an error in the log so that they restore it.
        logger.error(
            "Signed original %s of period %s is missing from the file storage (MEDIA_ROOT or the S3 bucket)",
            period.signed_original.name,
            period.pk,
        )
        raise Http404("Det undertecknade originalet finns inte i portalen.") from None
    # Streamed from the storage (the local folder or the private bucket) through this view, which alone decides
    # who may have it: the bucket is private and no public address of the file exists, so a draft's upload is
    # never reachable (the admin's link to it is signed and expires within minutes).
    return FileResponse(
        file,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"undertecknat-medborgarlofte-{municipality_slug}-{start_year}-{end_year}.pdf",
    )


def _published_follow_up(municipality_slug, start_year, end_year, year):
    follow_up = get_object_or_404(
        FollowUp.objects.published().select_related(*FOLLOW_UP_RELATED),
        period__municipality__slug=municipality_slug,
        period__start_year=start_year,
        period__end_year=end_year,
        year=year,
    )
    return follow_up, follow_up_focus_areas(follow_up)


def _follow_up_context(request, follow_up, focus_areas):
    period = follow_up.period
    return {
        "follow_up": follow_up,
        "period": period,
        "municipality": period.municipality,
        "focus_areas": focus_areas,
    }


def follow_up_detail(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    return render(request, "promises/follow_up_detail.html", follow_up_detail_context(request, follow_up, focus_areas))


def follow_up_detail_context(request, follow_up, focus_areas):
    """The follow-up page's context, for the public page and for the coordinators' preview of a draft."""
    return _follow_up_context(request, follow_up, focus_areas)


def follow_up_report(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    context, document = swedish_document(
        "includes/_follow_up_report.html",
        lambda: follow_up_report_context(follow_up, focus_areas, origin=document_origin(request)),
    )
    return render(request, "promises/follow_up_report.html", {**context, "document": document})


def follow_up_report_print_css(request, municipality_slug, start_year, end_year, year):
    follow_up = get_object_or_404(
        FollowUp.objects.published().select_related(*FOLLOW_UP_RELATED),
        period__municipality__slug=municipality_slug,
        period__start_year=start_year,
        period__end_year=end_year,
        year=year,
    )
    return _print_css_response(
        lambda: (
            follow_up_report_header(follow_up),
            short_link(document_origin(request) + follow_up.get_absolute_url()),
        )
    )


def follow_up_report_pdf(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    return _pdf_response(request, follow_up_pdf(follow_up, origin=document_origin(request), focus_areas=focus_areas))
