"""/<kommun>/: the kommun's latest promise period with this year's status, and its earlier periods."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import ReportStatus
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
from tests.factories.dialogues import make_dialogue, make_survey, make_unsafe_place

pytestmark = pytest.mark.django_db


def municipality_url(municipality):
    return reverse("municipality_detail", kwargs={"municipality_slug": municipality.slug})


def test_kommun_page_shows_latest_period_and_links_earlier_ones(resident):
    municipality = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
    make_period(municipality=municipality, start_year=2020, end_year=2022, title="Medborgarlöften 2020–2022")
    latest = make_period(municipality=municipality, start_year=2023, end_year=2025)
    make_focus_area(latest, title="Otrygga platser")

    content = resident.get(municipality_url(municipality)).content.decode()

    assert "Medborgarlöften i Vindelns kommun" in content
    assert "Senaste medborgarlöftet: 2023–2025" in content
    assert "Otrygga platser" in content
    assert "Tidigare medborgarlöften" in content
    assert "Medborgarlöften 2020–2022" in content
    assert latest.get_absolute_url() in content


def test_ended_latest_period_is_not_called_current(resident):
    period = make_period(start_year=2023, end_year=2025)
    content = resident.get(municipality_url(period.municipality)).content.decode()
    assert "Perioden avslutades 2025" in content
    assert "gäller 2023–2025" not in content


def test_latest_status_per_activity_and_missing_years(resident):
    period = make_period(start_year=2023, end_year=2025)
    activity = make_activity(make_focus_area(period), title="Kapabla väktare")
    make_report(make_follow_up(period, year=2023), activity, status=ReportStatus.IN_PROGRESS)
    make_report(make_follow_up(period, year=2024), activity, status=ReportStatus.PARTLY_DONE)

    content = resident.get(municipality_url(period.municipality)).content.decode()

    assert "Status 2024:" in content
    assert "Delvis genomförd" in content
    assert "Uppföljning saknas" in content  # 2025 is over and was never followed up


def test_kommun_without_published_promise_says_so(resident):
    municipality = make_municipality(official_name="Bjurholms kommun")
    make_period(municipality=municipality, published=False, preamble="Utkast som inte får synas.")

    response = resident.get(municipality_url(municipality))

    assert response.status_code == 200
    content = response.content.decode()
    assert "inget medborgarlöfte för Bjurholms kommun" in content
    assert "Utkast som inte får synas." not in content


def test_unknown_kommun_is_404_with_help(resident):
    response = resident.get("/finns-inte/")
    assert response.status_code == 404
    assert "Visa alla kommuner" in response.content.decode()


def test_slug_with_odd_characters_is_404(resident):
    assert resident.get("/%C3%A5%C3%A4%C3%B6/").status_code == 404
    assert resident.get("/" + "a" * 5000 + "/").status_code == 404


def test_kommun_page_shows_each_area_status_and_added_activities_apart(resident):
    municipality = make_municipality(slug="vindeln")
    period = make_period(municipality=municipality, start_year=2023, end_year=2025)
    drugs = make_focus_area(period, title="Droger")
    make_activity(drugs, title="Föräldravandringar", order=1)
    make_activity(
        drugs, title="Drogsnack i skolan", order=2, added_after_signing=True, added_on=datetime.date(2024, 3, 5)
    )
    make_area_report(make_follow_up(period, year=2024), drugs, status=ReportStatus.PARTLY_DONE)

    content = resident.get(municipality_url(municipality)).content.decode()

    assert "Områdets status 2024:" in content and "Delvis genomförd" in content
    signed_part, added_part = content.split('<div class="added-activities">')
    assert "Föräldravandringar" in signed_part and "Drogsnack i skolan" not in signed_part
    assert "Drogsnack i skolan" in added_part and "Tillagd efter undertecknandet 5 mars 2024" in added_part


@pytest.mark.parametrize("size", [(1, 1, (), 0), (5, 6, (2023, 2024), 3)])
def test_kommun_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, size):
    focus_areas, activities, years, earlier_periods = size
    municipality = make_municipality()
    for index in range(earlier_periods):
        make_full_period(municipality=municipality, start_year=2015 + 2 * index, end_year=2016 + 2 * index)
    make_full_period(municipality=municipality, focus_areas=focus_areas, activities=activities, follow_up_years=years)
    soon = timezone.now() + datetime.timedelta(days=7)
    for _ in range(earlier_periods * 2):
        make_survey([municipality], opens_on=timezone.localdate(), closes_on=timezone.localdate())
        make_dialogue(municipality=municipality, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
        make_unsafe_place(municipality=municipality)
    # kommun, its published periods, the latest period's summary (4 prefetches: focus areas, activities, their
    # published reports, the published follow-ups), then surveys, upcoming dialogues and the count of unsafe places;
    # the focus areas' published reports.
    with django_assert_num_queries(10):
        response = resident.get(municipality_url(municipality))
    assert response.status_code == 200


def test_kommun_page_shows_how_to_take_part(resident):
    municipality = make_municipality(slug="vindeln", official_name="Vindelns kommun")
    soon = timezone.now() + datetime.timedelta(days=3)
    make_dialogue(municipality=municipality, title="Trygghetsvandring i centrum", starts_at=soon, ends_at=None)
    open_survey = make_survey(
        [municipality],
        title="Trygghetsenkät 2026",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    make_survey([municipality], title="Gammal enkät utan publicerade resultat")
    make_unsafe_place(municipality=municipality)

    content = resident.get(municipality_url(municipality)).content.decode()

    assert "Tyck till och var med" in content
    assert "Trygghetsvandring i centrum" in content
    assert open_survey.get_absolute_url() in content
    assert "Gammal enkät utan publicerade resultat" not in content
    assert "1 plats som inte är åtgärdad" in content
    assert reverse("suggestion_create", args=["vindeln"]) in content
