"""…/uppfoljning/<year>/rapport/ and rapport.pdf: the yearly follow-up as a report for print."""

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
    make_period,
    make_report,
)
from tests.pdf import Pdf, assert_pdf_ua_1

pytestmark = pytest.mark.django_db


def report_urls(follow_up):
    period = follow_up.period
    args = [period.municipality.slug, period.start_year, period.end_year, follow_up.year]
    return reverse("follow_up_report", args=args), reverse("follow_up_report_pdf", args=args)


@pytest.fixture
def follow_up():
    period = make_period(start_year=2021, end_year=2022)
    focus_area = make_focus_area(period, title="Trygg trafikmiljö")
    done = make_activity(focus_area, text="Polisen lovar trafikinsatser mot trimmade mopeder.")
    delayed = make_activity(focus_area, text="Umeå kommun lovar trafikutbildning i årskurs 4.")
    make_activity(focus_area, text="Polisen och Umeå kommun lovar en säker trafikmiljö.")
    follow_up = make_follow_up(
        period,
        year=2021,
        summary="Året präglades av pandemin.",
        municipality_approved_at=timezone.now(),
        police_approved_at=timezone.now(),
    )
    make_report(
        follow_up, done, status=ReportStatus.DONE, done="Fyra insatser genomfördes.", count=4, count_label="insatser"
    )
    make_report(follow_up, delayed, status=ReportStatus.DELAYED, reason="Skolorna var stängda.")
    return follow_up


def test_pdf_has_every_activity_its_status_the_summary_and_approvals(resident, follow_up):
    response = resident.get(report_urls(follow_up)[1])
    assert response.status_code == 200
    assert 'filename="uppfoljning-' in response["Content-Disposition"]
    pdf = Pdf(response)
    assert "Uppföljning 2021 av medborgarlöftena 2021–2022" in pdf.text
    assert "Året präglades av pandemin." in pdf.text
    assert "Polisen lovar trafikinsatser mot trimmade mopeder." in pdf.text
    assert "Status: Genomförd" in pdf.text and "Fyra insatser genomfördes." in pdf.text and "4 insatser" in pdf.text
    assert "Status: Försenad" in pdf.text and "Skolorna var stängda." in pdf.text
    assert "Ingen rapport för den här aktiviteten." in pdf.text
    assert "godkänd av kommunen" in pdf.text and "godkänd av polisen" in pdf.text
    assert f"Sida 1 av {len(pdf.pages)}" in pdf.pages[0]


def test_pdf_is_pdf_ua_1_with_a_text_alternative_for_the_qr_code(resident, follow_up):
    period = follow_up.period
    assert_pdf_ua_1(
        Pdf(resident.get(report_urls(follow_up)[1])),
        title_start="Uppföljning 2021",
        qr_link=f"testserver/{period.municipality.slug}/2021-2022/uppfoljning/2021",
    )


def test_example_follow_up_report_is_labelled_as_an_example(resident, follow_up):
    follow_up.is_example = True
    follow_up.save()
    assert "Exempel." in Pdf(resident.get(report_urls(follow_up)[1])).text
    assert "Exempel." in resident.get(report_urls(follow_up)[0]).content.decode()


def test_report_page_links_the_pdf(resident, follow_up):
    page, pdf = report_urls(follow_up)
    assert pdf in resident.get(page).content.decode()
    assert page in resident.get(follow_up.get_absolute_url()).content.decode()


@pytest.mark.parametrize("which", [0, 1])
def test_draft_follow_up_report_is_404(resident, which):
    draft = make_follow_up(make_period(), published=False)
    assert resident.get(report_urls(draft)[which]).status_code == 404


def approved_at(day):
    return timezone.make_aware(datetime.datetime(2024, 2, day, 10, 0))


@pytest.fixture
def vindeln_follow_up(django_user_model):
    """Five focus areas as in Vindeln 2023–2025: one with a signed activity, one with an activity added later."""
    period = make_period(start_year=2023, end_year=2025)
    areas = [
        make_focus_area(period, title=title, order=n)
        for n, title in enumerate(
            ("Droger", "Trafik", "Kapabla väktare på landsbygden", "Ekonomisk brottslighet", "Otrygga platser")
        )
    ]
    signed = make_activity(areas[2], text="Vindelns kommun lovar att jobba med projektet Kapabla väktare.")
    added = make_activity(
        areas[4],
        text="Polisen och kommunen går en trygghetsvandring i centrala Vindeln.",
        added_after_signing=True,
        added_on=datetime.date(2023, 9, 1),
    )
    follow_up = make_follow_up(
        period,
        year=2023,
        municipality_approved_at=approved_at(3),
        municipality_approved_by=django_user_model.objects.create(
            username="kommun-vindeln", first_name="Anna", last_name="Lind"
        ),
        police_approved_at=approved_at(5),
        police_approved_by=django_user_model.objects.create(
            username="polis-vindeln", first_name="Per", last_name="Berg"
        ),
    )
    reports = {
        "Droger": {
            "status": ReportStatus.CONTINUOUS,
            "done": "Skolorna fick besök om narkotika.",
            "count": 6,
            "count_label": "skolbesök",
            "evidence_url": "https://www.vindeln.se/droger-2023",
        },
        "Trafik": {"status": ReportStatus.DONE, "done": "Hastighetskontroller vid skolorna."},
        "Kapabla väktare på landsbygden": {"status": ReportStatus.IN_PROGRESS, "done": "Projektet har startat."},
        "Ekonomisk brottslighet": {
            "status": ReportStatus.DELAYED,
            "done": "Informationsträffen flyttades.",
            "reason": "Lokalen var inte tillgänglig.",
        },
        "Otrygga platser": {"status": ReportStatus.PARTLY_DONE, "done": "Belysning sattes upp vid stationen."},
    }
    for area in areas:
        make_area_report(follow_up, area, **reports[area.title])
    make_report(follow_up, signed, status=ReportStatus.IN_PROGRESS, done="Två utbildningar för lokala aktörer.")
    make_report(follow_up, added, status=ReportStatus.DONE, done="Vandringen gick i september.")
    return follow_up


def sections(text, titles):
    """The text under each numbered focus area title, up to the next one (the last up to the approvals)."""
    starts = [text.index(f"{n}. {title}") for n, title in enumerate(titles, start=1)]
    ends = [*starts[1:], text.index("Godkännande", starts[-1])]
    return {title: text[start:end] for title, start, end in zip(titles, starts, ends, strict=True)}


def test_pdf_has_a_section_per_focus_area_with_its_status_results_and_activities(resident, vindeln_follow_up):
    pdf = Pdf(resident.get(report_urls(vindeln_follow_up)[1]))
    titles = [area.title for area in vindeln_follow_up.period.focus_areas.all()]
    by_area = sections(pdf.text, titles)
    for report in vindeln_follow_up.area_reports.select_related("focus_area"):
        section = by_area[report.focus_area.title]
        assert f"Status: {report.get_status_display()}" in section
        assert report.done in section
    droger = by_area["Droger"]
    assert "Resultat: 6 skolbesök" in droger and "Underlag: https://www.vindeln.se/droger-2023" in droger
    assert "Skäl: Lokalen var inte tillgänglig." in by_area["Ekonomisk brottslighet"]
    kapabla = by_area["Kapabla väktare på landsbygden"]
    assert "Aktiviteter i medborgarlöftet" in kapabla
    assert "Vindelns kommun lovar att jobba med projektet Kapabla väktare." in kapabla
    assert "Status: Pågår Två utbildningar för lokala aktörer." in kapabla
    otrygga = by_area["Otrygga platser"]
    assert "Aktiviteter som lagts till under perioden" in otrygga
    assert "Polisen och kommunen går en trygghetsvandring i centrala Vindeln." in otrygga
    assert "Tillagd efter undertecknandet, den 1 september 2023." in otrygga
    assert "Vandringen gick i september." in otrygga
    assert "Aktiviteter i medborgarlöftet" not in otrygga  # the added activity is not presented as promised
    assert "Inga enskilda aktiviteter är kopplade till området." in by_area["Droger"]
    assert "räknar inte upp några enskilda aktiviteter" not in pdf.text


def test_pdf_and_page_name_who_approved_for_the_kommun_and_the_police_and_when(resident, vindeln_follow_up):
    page_url, pdf_url = report_urls(vindeln_follow_up)
    approvals = Pdf(resident.get(pdf_url)).text.split("Godkännande", 1)[1]
    municipality = vindeln_follow_up.period.municipality
    assert f"För {municipality.official_name} Anna Lind Godkänd den 3 februari 2024" in approvals
    assert f"För {municipality.police_area.name} Per Berg Godkänd den 5 februari 2024" in approvals
    page = resident.get(page_url).content.decode()
    assert "Anna Lind" in page and "Per Berg" in page and "Godkänd den 5 februari 2024" in page


def test_approver_without_a_name_is_not_shown_by_user_name(resident, vindeln_follow_up):
    user = vindeln_follow_up.police_approved_by
    user.first_name = user.last_name = ""
    user.save()
    text = Pdf(resident.get(report_urls(vindeln_follow_up)[1])).text
    assert "polis-vindeln" not in text
    assert "Godkänd den 5 februari 2024" in text


def test_area_without_a_report_says_so(resident, vindeln_follow_up):
    vindeln_follow_up.area_reports.filter(focus_area__title="Trafik").delete()
    html = resident.get(report_urls(vindeln_follow_up)[0]).content.decode()
    assert "Ingen rapport för området." in html


def test_report_page_has_the_same_sections_as_the_pdf(resident, vindeln_follow_up):
    html = resident.get(report_urls(vindeln_follow_up)[0]).content.decode()
    for report in vindeln_follow_up.area_reports.select_related("focus_area"):
        assert report.focus_area.title in html
        assert f"Status: {report.get_status_display()}" in html
    assert "Tillagd efter undertecknandet, den 1 september 2023." in html
    assert 'href="https://www.vindeln.se/droger-2023"' in html


@pytest.mark.parametrize("focus_areas", [1, 5])
def test_report_page_query_count_does_not_grow_with_data(resident, django_assert_num_queries, focus_areas):
    period = make_full_period(focus_areas=focus_areas, activities=4, follow_up_years=(2021,))
    follow_up = period.follow_ups.get()
    with django_assert_num_queries(6):
        assert resident.get(report_urls(follow_up)[0]).status_code == 200


def test_report_page_prints_with_the_running_header_and_footer_of_the_pdf(resident, follow_up):
    page_url, _pdf = report_urls(follow_up)
    period = follow_up.period
    css_url = reverse(
        "follow_up_report_print_css", args=[period.municipality.slug, period.start_year, period.end_year, 2021]
    )
    assert f'<link rel="stylesheet" href="{css_url}" media="print">' in resident.get(page_url).content.decode()
    css = resident.get(css_url).content.decode()
    assert '@top-left { content: "Uppföljning 2021 av medborgarlöftena 2021–2022"; }' in css
    assert '@top-right { content: "Årlig uppföljning av medborgarlöfte"; }' in css
    assert f'@bottom-left {{ content: "testserver/{period.municipality.slug}/2021-2022/uppfoljning/2021"; }}' in css


def test_draft_follow_up_has_no_print_stylesheet(resident):
    draft = make_follow_up(make_period(), published=False)
    period = draft.period
    args = [period.municipality.slug, period.start_year, period.end_year, draft.year]
    assert resident.get(reverse("follow_up_report_print_css", args=args)).status_code == 404
