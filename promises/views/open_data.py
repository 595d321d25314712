"""Open data: the documentation page, the CSV and JSON downloads, and the DCAT-AP-SE catalogue."""

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation

from portal.errors import ensure_database_reachable
from portal.models import Municipality
from promises.models import PromisePeriod, Publication
from promises.open_data import dcat, export, fields, schema


def open_data(request):
    """The documentation and the downloads: every kommun's files, and each period's files of the kommun chosen
    (?kommun=…); all periods of 290 kommuner on one page were thousands of links nobody reads in one go."""
    published = Q(promise_periods__publication=Publication.PUBLISHED)
    municipalities = list(
        Municipality.objects.annotate(period_count=Count("promise_periods", filter=published))
        .filter(period_count__gt=0)
        .only("name", "official_name", "slug")
        .order_by("name", "pk")
    )
    kommun = request.GET.get("kommun", "")
    selected = next((municipality for municipality in municipalities if municipality.slug == kommun), None)
    periods = []
    if selected is not None:
        periods = list(
            PromisePeriod.objects.published()
            .for_municipality(selected)
            .only("municipality_id", "start_year", "end_year")
            .order_by("start_year")
        )
    levels = [
        {"level": label, "fields": [(field, fields.field_description(field)) for field in level_fields]}
        for _level, label, level_fields in fields.fields_by_level()
    ]
    return render(
        request,
        "promises/open_data.html",
        {
            "municipalities": municipalities,
            "selected": selected,
            "periods": periods,
            "unknown_kommun": bool(kommun and selected is None),
            "fields": levels,
            "header_line": export.CSV_DELIMITER.join(fields.FIELD_NAMES),
            "datapackage_url": reverse("open_data_datapackage"),
            "license_url": export.LICENSE_DEED_URL,
            "license_name": export.LICENSE_NAME,
        },
    )


def _base_url(request):
    return request.build_absolute_uri("/")


def _documentation_url(request):
    with translation.override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(reverse("open_data"))


def _download(request, periods, name_parts, extension):
    # The file is streamed and queried while it is sent: an unreachable database must give the 503 page now, not
    # a 200 cut off halfway (tests/portal/test_database_outage.py).
    ensure_database_reachable()
    reports = export.published_reports()
    if extension == "csv":
        chunks = export.iter_csv(periods, reports, base_url=_base_url(request))
        content_type = export.CSV_CONTENT_TYPE
    else:
        chunks = export.iter_json(
            periods,
            reports,
            base_url=_base_url(request),
            source_url=request.build_absolute_uri(),
            documentation_url=_documentation_url(request),
        )
        content_type = export.JSON_CONTENT_TYPE
    response = StreamingHttpResponse((chunk.encode() for chunk in chunks), content_type=content_type)
    name = export.filename(*name_parts, extension=extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Public data: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_all_csv(request):
    return _download(request, export.published_periods(), [], "csv")


def open_data_all_json(request):
    return _download(request, export.published_periods(), [], "json")


def _municipality_with_data(municipality_slug):
    # A kommun without a published promise has no file: it would say nothing, and drafts are never offered.
    return get_object_or_404(
        Municipality.objects.filter(promise_periods__publication=Publication.PUBLISHED).distinct().only("slug"),
        slug=municipality_slug,
    )


def open_data_municipality_csv(request, municipality_slug):
    municipality = _municipality_with_data(municipality_slug)
    periods = export.published_periods().filter(municipality=municipality)
    return _download(request, periods, [municipality.slug], "csv")


def open_data_municipality_json(request, municipality_slug):
    municipality = _municipality_with_data(municipality_slug)
    periods = export.published_periods().filter(municipality=municipality)
    return _download(request, periods, [municipality.slug], "json")


def _published_period(municipality_slug, start_year, end_year):
    period = get_object_or_404(
        PromisePeriod.objects.published().only("pk"),
        municipality__slug=municipality_slug,
        start_year=start_year,
        end_year=end_year,
    )
    return export.published_periods().filter(pk=period.pk)


def open_data_period_csv(request, municipality_slug, start_year, end_year):
    periods = _published_period(municipality_slug, start_year, end_year)
    return _download(request, periods, [municipality_slug, start_year, end_year], "csv")


def open_data_period_json(request, municipality_slug, start_year, end_year):
    periods = _published_period(municipality_slug, start_year, end_year)
    return _download(request, periods, [municipality_slug, start_year, end_year], "json")


def open_data_catalogue(request):
    """The DCAT-AP-SE catalogue that Sweden's data portal (dataportal.se) harvests."""
    document = dcat.catalogue_rdf(base_url=_base_url(request))
    return HttpResponse(document, content_type="application/rdf+xml; charset=utf-8")


def open_data_datapackage(request):
    """The CSV files' fields, types and dialect for machines: a Frictionless Data Package with a Table Schema."""
    document = schema.data_package(base_url=_base_url(request))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    # Public data: any web page may read it, as the files themselves.
    response["Access-Control-Allow-Origin"] = "*"
    return response
