"""…/uppfoljning/<year>/rapport/ and rapport.pdf: the yearly follow-up as a report for print."""

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import ReportStatus
from tests.factories import make_activity, make_focus_area, make_follow_up, make_period, make_report
from tests.pdf import Pdf

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
