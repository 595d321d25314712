import logging

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from portal.errors import MunicipalityNotFound
from portal.models import Municipality
from promises.documents import (
    follow_up_approvals,
    follow_up_report_header,
    period_document_header,
    period_document_text,
    qr_svg,
    running_header_css,
    stored_pdf,
    text_changes,
)
from promises.models import ActivityReport, FocusAreaReport, FollowUp, Party, PromisePeriod, prefetch_period_summary
from promises.timeline import added_by, annotate_period, split_activities
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


# The printable documents and their PDFs are the official Swedish documents, whatever the page's language: they
# are rendered in Swedish (their text, dates and the address in the QR code), so that a stored PDF's content hash
# does not depend on the visitor's language. On the English page around it, the page itself says so in English.
DOCUMENT_LANGUAGE = "sv"


def _period_document_context(request, period):
    parties = list(period.parties.all())
    signing_parties = [party for party in parties if party.role == Party.Role.SIGNATORY]
    live_url = request.build_absolute_uri(period.get_absolute_url())
    # Activities added during the period are followed up, but were never signed: the document leaves them out.
    for focus_area in period.focus_areas.all():
        split_activities(focus_area, list(focus_area.activities.all()))
    return {
        "period": period,
        "municipality": period.municipality,
        "header": period_document_header(period, signing_parties),
        "signing_parties": signing_parties,
        "partners": [party for party in parties if party.role == Party.Role.PARTNER],
        "signatories": list(period.signatories.all()),
        "signed": bool(period.signed_on or period.signed_original),
        "live_url": live_url,
        "short_link": _short_link(live_url),
        "qr": qr_svg(live_url),
    }


def _short_link(live_url):
    return live_url.split("://", 1)[-1].rstrip("/")


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
            _short_link(request.build_absolute_uri(period.get_absolute_url())),
        )
    )


def _swedish_document(template, context_for):
    """The document's context and its HTML, both made in Swedish (the address in the QR code too)."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = context_for()
        return context, render_to_string(template, context)


def period_document(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year)
    context, document = _swedish_document(
        "includes/_period_document.html", lambda: _period_document_context(request, period)
    )
    return render(request, "promises/period_document.html", {**context, "document": document})


def _pdf_response(request, *, kind, name, template, context_for):
    _context, html = _swedish_document(template, context_for)
    path, _made_now = stored_pdf(kind=kind, name=name, html=html, base_url=request.build_absolute_uri("/"))
    # Read whole (a document is a few hundred kB) rather than streamed, so that the page cache can keep it too and
    # repeated requests skip rendering the HTML whose hash names the stored file.
    with default_storage.open(path, "rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=f"{kind}-{name}.pdf")
    return response


def period_document_pdf(request, municipality_slug, start_year, end_year):
    period = _published_period(municipality_slug, start_year, end_year)
    return _pdf_response(
        request,
        kind="medborgarlofte",
        name=f"{municipality_slug}-{start_year}-{end_year}",
        template="documents/period_document_pdf.html",
        context_for=lambda: _period_document_context(request, period),
    )


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
        # The row names a file the media folder lacks (a database restored without its files, a lost disk): the
        # visitor gets the ordinary 404, the operators an error in the log so that they restore the file.
        logger.error(
            "Signed original %s of period %s is missing from MEDIA_ROOT", period.signed_original.name, period.pk
        )
        raise Http404("Det undertecknade originalet finns inte i portalen.") from None
    return FileResponse(
        file,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"undertecknat-medborgarlofte-{municipality_slug}-{start_year}-{end_year}.pdf",
    )


FOLLOW_UP_RELATED = ("period__municipality__police_area", "municipality_approved_by", "police_approved_by")


def _published_follow_up(municipality_slug, start_year, end_year, year):
    follow_up = get_object_or_404(
        FollowUp.objects.published().select_related(*FOLLOW_UP_RELATED),
        period__municipality__slug=municipality_slug,
        period__start_year=start_year,
        period__end_year=end_year,
        year=year,
    )
    return follow_up, follow_up_focus_areas(follow_up)


def follow_up_focus_areas(follow_up):
    """The period's focus areas, each carrying its area report of the year, its activities split into the signed
    ones and those added after signing, and each activity its own report (the preview uses it too).

    Four queries however large the period: activity reports, area reports, focus areas, activities with their
    parties.
    """
    reports = {report.activity_id: report for report in ActivityReport.objects.filter(follow_up=follow_up)}
    area_reports = {report.focus_area_id: report for report in FocusAreaReport.objects.filter(follow_up=follow_up)}
    focus_areas = list(follow_up.period.focus_areas.prefetch_related("activities__responsible"))
    for focus_area in focus_areas:
        focus_area.report = area_reports.get(focus_area.pk)
        activities = []
        for activity in focus_area.activities.all():
            activity.report = reports.get(activity.pk)
            # An activity added after the year followed up was not part of that year's promise.
            if activity.report is not None or added_by(activity, follow_up.year):
                activities.append(activity)
        split_activities(focus_area, activities)
    return focus_areas


def _follow_up_context(request, follow_up, focus_areas, *, document=False):
    period = follow_up.period
    context = {
        "follow_up": follow_up,
        "period": period,
        "municipality": period.municipality,
        "focus_areas": focus_areas,
    }
    if document:
        live_url = request.build_absolute_uri(follow_up.get_absolute_url())
        context.update(
            header=follow_up_report_header(follow_up),
            approvals=follow_up_approvals(follow_up),
            live_url=live_url,
            short_link=_short_link(live_url),
            qr=qr_svg(live_url),
        )
    return context


def follow_up_detail(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    return render(request, "promises/follow_up_detail.html", follow_up_detail_context(request, follow_up, focus_areas))


def follow_up_detail_context(request, follow_up, focus_areas):
    """The follow-up page's context, for the public page and for the coordinators' preview of a draft."""
    return _follow_up_context(request, follow_up, focus_areas)


def follow_up_report(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    context, document = _swedish_document(
        "includes/_follow_up_report.html",
        lambda: _follow_up_context(request, follow_up, focus_areas, document=True),
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
            _short_link(request.build_absolute_uri(follow_up.get_absolute_url())),
        )
    )


def follow_up_report_pdf(request, municipality_slug, start_year, end_year, year):
    follow_up, focus_areas = _published_follow_up(municipality_slug, start_year, end_year, year)
    return _pdf_response(
        request,
        kind="uppfoljning",
        name=f"{municipality_slug}-{start_year}-{end_year}-{year}",
        template="documents/follow_up_report_pdf.html",
        context_for=lambda: _follow_up_context(request, follow_up, focus_areas, document=True),
    )
