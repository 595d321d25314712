"""…/delningsbild.png: the 1200×630 image behind og:image on the kommun, period and follow-up pages."""

import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image

from portal.page_cache import STATUS_HEADER
from promises import share_image
from promises.models import PromisePeriod, ReportStatus
from promises.share_image import draw_share_card
from promises.sharing import ShareCard, StatusSummary, follow_up_card, period_card
from promises.timeline import annotate_period
from promises.views.periods import follow_up_focus_areas
from tests.factories import (
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_municipality,
    make_period,
    make_report,
)

pytestmark = pytest.mark.django_db


def municipality_image_url(municipality):
    return reverse("municipality_share_image", kwargs={"municipality_slug": municipality.slug})


def period_image_url(period):
    return reverse(
        "period_share_image",
        kwargs={
            "municipality_slug": period.municipality.slug,
            "start_year": period.start_year,
            "end_year": period.end_year,
        },
    )


def follow_up_image_url(follow_up):
    period = follow_up.period
    return reverse(
        "follow_up_share_image",
        kwargs={
            "municipality_slug": period.municipality.slug,
            "start_year": period.start_year,
            "end_year": period.end_year,
            "year": follow_up.year,
        },
    )


def open_png(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()  # a whole, valid PNG, not only its header
    return Image.open(io.BytesIO(response.content))


def test_each_page_type_has_a_1200_by_630_png(resident):
    period = make_full_period(focus_areas=2, activities=2, follow_up_years=(2023,))
    follow_up = period.follow_ups.get()

    for url in (municipality_image_url(period.municipality), period_image_url(period), follow_up_image_url(follow_up)):
        image = open_png(resident.get(url))
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_english_image_is_drawn_in_english(resident):
    period = make_full_period(focus_areas=1, activities=1, follow_up_years=(2023,))
    swedish = resident.get(period_image_url(period))
    english = resident.get("/en" + period_image_url(period))

    assert open_png(english).size == (1200, 630)
    assert english.content != swedish.content


def test_draft_period_and_follow_up_have_no_image(resident):
    draft = make_period(published=False, start_year=2023, end_year=2025)
    published = make_period(municipality=draft.municipality, start_year=2020, end_year=2022)
    draft_follow_up = make_follow_up(published, year=2021, published=False)
    follow_up_of_draft = make_follow_up(draft, year=2023)  # published, but its period is not

    assert resident.get(period_image_url(draft)).status_code == 404
    assert resident.get(follow_up_image_url(draft_follow_up)).status_code == 404
    assert resident.get(follow_up_image_url(follow_up_of_draft)).status_code == 404
    assert resident.get("/en" + period_image_url(draft)).status_code == 404


def test_unknown_kommun_period_or_year_has_no_image(resident):
    period = make_period(start_year=2023, end_year=2025)
    slug = period.municipality.slug

    assert resident.get("/finns-inte/delningsbild.png").status_code == 404
    assert resident.get(f"/{slug}/2019-2020/delningsbild.png").status_code == 404
    assert resident.get(f"/{slug}/2023-2025/uppfoljning/2024/delningsbild.png").status_code == 404


def test_kommun_without_a_published_promise_still_has_an_image(resident):
    municipality = make_municipality()
    make_period(municipality=municipality, published=False)

    open_png(resident.get(municipality_image_url(municipality)))


def test_image_counts_the_statuses_of_the_latest_published_year():
    period = make_period(start_year=2023, end_year=2025)
    area = make_focus_area(period, title="Trafik")
    other_area = make_focus_area(period, title="Droger")
    done, late, silent = (make_activity(area) for _ in range(3))
    make_area_report(make_follow_up(period, year=2023), area, status=ReportStatus.NOT_STARTED)
    latest = make_follow_up(period, year=2024)
    make_area_report(latest, area, status=ReportStatus.DONE)
    make_report(latest, done, status=ReportStatus.DONE)
    make_report(latest, late, status=ReportStatus.DELAYED, reason="Personalbrist.")
    make_follow_up(period, year=2025, published=False)  # a draft counts for nothing

    card = period_card(annotate_period(period=_with_content(period), today=_date(2026)))

    summary = card.summary
    assert summary.year == 2024
    areas, activities = summary.groups
    assert [(count.state, count.count) for count in areas.counts] == [("done", 1), ("no_report", 1)]
    assert [(count.state, count.count) for count in activities.counts] == [
        ("done", 1),
        ("delayed", 1),
        ("no_report", 1),
    ]
    assert silent and other_area  # reported nothing in 2024: counted as "Ingen rapport"
    assert "Uppföljning saknas för 2025." in card.description
    assert "Fokusområdenas status 2024: Genomförd 1, Ingen rapport 1." in card.description


def test_follow_up_card_counts_that_years_reports():
    period = make_period(start_year=2023, end_year=2025)
    area = make_focus_area(period)
    activity = make_activity(area)
    follow_up = make_follow_up(period, year=2023, is_example=True)
    make_area_report(follow_up, area, status=ReportStatus.CONTINUOUS)
    make_report(follow_up, activity, status=ReportStatus.PARTLY_DONE)

    card = follow_up_card(follow_up, follow_up_focus_areas(follow_up))

    assert card.heading == "Uppföljning 2023 av medborgarlöftena 2023–2025"
    assert card.summary.text() == (
        "Fokusområdenas status 2023: Löpande 1. Aktiviteternas status 2023: Delvis genomförd 1."
    )
    assert card.example
    assert "Exempel: påhittad uppföljning för demonstration." in card.description


def test_period_without_follow_ups_says_so_and_counts_what_was_promised():
    period = make_period(start_year=2023, end_year=2025)
    make_activity(make_focus_area(period))
    make_focus_area(period)

    card = period_card(annotate_period(period=_with_content(period), today=_date(2024)))

    assert card.summary.year is None
    assert card.summary.text() == "Ingen uppföljning publicerad ännu. 2 fokusområden. 1 aktivitet."
    assert card.phase == "Löftena gäller 2023–2025."


def _card(**fields):
    fields = {
        "page_title": "Medborgarlöften i Vindelns kommun",
        "kommun": "Vindelns kommun",
        "heading": "Medborgarlöftet 2023–2025",
        "summary": StatusSummary(year=None, groups=()),
        **fields,
    }
    return ShareCard(**fields)


def _draw(card):
    return draw_share_card(
        card,
        site_name="Medborgarlöften",
        example_label="Exempel",
        example_note="Exempel: påhittad uppföljning för demonstration.",
        address="example.org/vindeln/",
    )


def test_example_data_is_labelled_in_the_image():
    plain = Image.open(io.BytesIO(_draw(_card())))
    example = Image.open(io.BytesIO(_draw(_card(example=True))))

    # The label and its note are drawn in the example badge's brown (#6b3a00), which nothing else uses.
    brown = (0x6B, 0x3A, 0x00)
    assert brown not in {colour for _count, colour in plain.getcolors(maxcolors=1_000_000)}
    assert brown in {colour for _count, colour in example.getcolors(maxcolors=1_000_000)}


def test_example_follow_up_is_labelled_through_the_view(resident):
    period = make_full_period(focus_areas=1, activities=1)
    example = make_follow_up(period, year=2023, is_example=True)
    real = make_follow_up(period, year=2024)

    brown = (0x6B, 0x3A, 0x00)
    example_colours = {colour for _n, colour in open_png(resident.get(follow_up_image_url(example))).getcolors(10**6)}
    real_colours = {colour for _n, colour in open_png(resident.get(follow_up_image_url(real))).getcolors(10**6)}
    assert brown in example_colours
    assert brown not in real_colours


def test_names_are_drawn_as_text_never_as_markup(resident):
    municipality = make_municipality(official_name='<b>Kommun</b> & "Co"', slug="markup")
    period = make_period(municipality=municipality, title="<script>alert(1)</script>")

    card = period_card(annotate_period(period=_with_content(period), today=_date(2024)))

    assert card.kommun == '<b>Kommun</b> & "Co"'
    assert card.heading == "<script>alert(1)</script>"
    open_png(resident.get(period_image_url(period)))


def test_a_very_long_name_still_makes_an_image():
    card = _card(kommun="Kommun" * 40, heading="Rubrik " * 80, phase="Fas " * 80, note="Not " * 80, example=True)
    assert Image.open(io.BytesIO(_draw(card))).size == (1200, 630)


def test_image_is_sent_with_an_etag_and_answers_304_when_unchanged(resident):
    period = make_full_period(focus_areas=1, activities=1, follow_up_years=(2023,))

    first = resident.get(period_image_url(period))
    again = resident.get(period_image_url(period), headers={"if-none-match": first["ETag"]})

    assert first["ETag"]
    assert "public" in first["Cache-Control"]
    assert again.status_code == 304
    assert not again.content


def test_image_changes_its_etag_when_the_status_changes(resident):
    period = make_period(start_year=2023, end_year=2025)
    area = make_focus_area(period)
    follow_up = make_follow_up(period, year=2023)
    report = make_area_report(follow_up, area, status=ReportStatus.IN_PROGRESS)
    first = resident.get(period_image_url(period))["ETag"]

    report.status = ReportStatus.DONE
    report.save()

    assert resident.get(period_image_url(period))["ETag"] != first


def test_images_are_kept_in_the_page_cache(resident, settings):
    settings.PAGE_CACHE_SECONDS = 300
    period = make_full_period(focus_areas=1, activities=1, follow_up_years=(2023,))

    first = resident.get(period_image_url(period))
    second = resident.get(period_image_url(period))

    assert first[STATUS_HEADER] == "miss"
    assert second[STATUS_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "image/png"


# The period with its content (1 + 7 prefetches) and the focus areas' published reports; the kommun image looks the
# kommun up first and loads only its latest period's summary (1 + 4 prefetches); the follow-up's is the follow-up
# page's own six.
@pytest.mark.parametrize("size", [(1, 1, (2023,)), (5, 6, (2023, 2024))])
def test_image_query_counts_do_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities, years = size
    period = make_full_period(focus_areas=focus_areas, activities=activities, follow_up_years=years)
    follow_up = period.follow_ups.last()

    with django_assert_num_queries(7):
        assert resident.get(municipality_image_url(period.municipality)).status_code == 200
    with django_assert_num_queries(9):
        assert resident.get(period_image_url(period)).status_code == 200
    with django_assert_num_queries(6):
        assert resident.get(follow_up_image_url(follow_up)).status_code == 200


def _with_content(period):
    return PromisePeriod.objects.with_content().get(pk=period.pk)


def _date(year):
    return datetime.date(year, 6, 1)


def test_without_the_dejavu_fonts_the_image_is_drawn_in_pillows_own(monkeypatch, caplog):
    monkeypatch.setattr(share_image, "FONT_FILES", {"regular": ("/nonexistent.ttf",), "bold": ("/nonexistent.ttf",)})
    share_image.font.cache_clear()
    try:
        png = _draw(_card(example=True))
    finally:
        share_image.font.cache_clear()

    assert Image.open(io.BytesIO(png)).size == (1200, 630)
    assert "DejaVu Sans not found" in caplog.text
