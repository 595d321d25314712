"""The shipped promises against their sources (the seed documents in ../shared/seeds/): every page and document says
only what the documents say, and marks what the portal added (issue 16, part 8).

The expected values are quoted from the seeds by hand, so that a change to a content file or a template that puts
words in a document's mouth fails here.
"""

import datetime
import re

import pytest
from django.utils import translation

from promises.models import Activity, FocusArea, Party, PromisePeriod, Recurrence
from tests.factories import make_activity, make_focus_area, make_full_period

pytestmark = pytest.mark.django_db

# Every seeded period: (kommun slug, years).
SEEDED_PERIODS = [("umea", "2021-2022"), ("umea", "2023-2024"), ("vindeln", "2023-2025"), ("robertsfors", "2023-2025")]

# The headings that the seed documents themselves have (focus areas; Vindeln's project name).
SEED_HEADINGS = {
    "umea": {"Mer tillgänglig polis", "Öka trygghet och minska brottslighet", "Trygg trafikmiljö"},
    "vindeln": {"Droger", "Trafik", "Kapabla väktare på landsbygden", "Ekonomisk brottslighet", "Otrygga platser"},
    "robertsfors": {"Droger", "Trafik", "Hemmet ska vara en trygg plats", "Ekonomisk brottslighet", "Otrygga platser"},
}

# seeds/001: the whole sentence, with its start ("Tillägget innefattar att") that the first transcription cut off.
UMEA_ADDITION = (
    "Tillägget innefattar att Umeå kommun tillsammans med polisen aktivt också ska arbeta för att främja motorburna "
    "ungas möjlighet att utöva sitt motorintresse, och samtidigt vidta åtgärder för att motverka de problem som kan "
    "uppstå kring det."
)


def page(client, slug, years, prefix=""):
    response = client.get(f"{prefix}/{slug}/{years}/")
    assert response.status_code == 200
    return response.content.decode()


def main_part(html):
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def facts(html, label):
    """The values of one activity fact (<dt>label</dt><dd>…</dd>) on a page, tags stripped."""
    return [re.sub(r"<[^>]+>", "", value) for value in re.findall(rf"<dt>{label}</dt><dd[^>]*>(.*?)</dd>", html)]


# --- Parties: only those who promised are listed as promising ---


def test_lansstyrelsen_is_a_partner_in_vindelns_project_and_not_listed_as_promising_it(resident, content):
    html = page(resident, "vindeln", "2023-2025")

    assert facts(html, "Lovas av") == ["Vindelns kommun och Polisen"]
    assert "<strong>Länsstyrelsen</strong> – samverkar i aktiviteter" in html
    assert "<strong>Umeå universitet</strong> – samverkar i aktiviteter" in html
    signing = Party.objects.filter(period__municipality__slug="vindeln", role=Party.Role.SIGNATORY)
    assert set(signing.values_list("name", flat=True)) == {"Vindelns kommun", "Lokalpolisområde Umeå"}


def test_no_seeded_activity_is_promised_by_a_party_that_did_not_sign(content):
    promising = Activity.responsible.through.objects.filter(
        activity__focus_area__period__municipality__slug__in=["umea", "vindeln", "robertsfors"]
    ).select_related("party")

    assert promising.exists()
    assert {row.party.role for row in promising} == {Party.Role.SIGNATORY}


def test_vindelns_document_lists_lansstyrelsen_only_among_the_partners(resident, content):
    html = resident.get("/vindeln/2023-2025/dokument/").content.decode()

    assert "Lovas av: Vindelns kommun och Polisen." in html
    assert "Länsstyrelsen och Polisen" not in html and "Polisen och Länsstyrelsen" not in html
    partners = html.split('id="doc-partners"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Länsstyrelsen</strong>" in partners


# --- Types of effort and targets: shown only where the document says them ---


@pytest.mark.parametrize(("slug", "years"), SEEDED_PERIODS)
def test_no_seeded_page_shows_a_type_of_effort_or_target_that_no_document_states(resident, content, slug, years):
    html = page(resident, slug, years)

    assert "Typ av insats" not in html
    assert "Löpande</dd>" not in html
    assert facts(html, "Mål") == []


def test_seeded_activities_store_no_type_of_effort(content):
    assert set(Activity.objects.values_list("recurrence", flat=True)) == {Recurrence.NOT_STATED}


def test_a_type_of_effort_that_the_document_states_is_still_shown(resident):
    period = make_full_period(focus_areas=1, activities=1)
    activity = Activity.objects.get(focus_area__period=period)
    activity.recurrence = Recurrence.ONE_OFF
    activity.save()

    html = resident.get(period.get_absolute_url()).content.decode()

    assert facts(html, "Typ av insats") == ["Engångsinsats"]


def test_new_activity_has_no_type_of_effort_until_one_is_chosen(db):
    period = make_full_period(focus_areas=1, activities=0)

    activity = make_activity(period.focus_areas.get())

    assert activity.recurrence == Recurrence.NOT_STATED == ""


# --- Headings: the portal's own are marked ---


@pytest.mark.parametrize(("slug", "years"), SEEDED_PERIODS)
def test_every_unmarked_heading_of_a_seeded_period_is_the_documents_own(content, slug, years):
    start = int(years.split("-")[0])
    period = PromisePeriod.objects.get(municipality__slug=slug, start_year=start)

    unmarked = {area.title for area in FocusArea.objects.filter(period=period, heading_is_portal_own=False)}
    unmarked |= {
        activity.title
        for activity in Activity.objects.filter(focus_area__period=period)
        if activity.title and not activity.shows_portal_heading
    }

    assert unmarked <= SEED_HEADINGS[slug]


def test_umeas_activity_headings_and_the_additions_heading_are_marked_as_the_portals(resident, content):
    html = page(resident, "umea", "2023-2024")
    label = '<span class="portal-heading-label">(rubrik från portalen)</span>'

    for heading in ("Kontakt med medborgarna", "Säker trafikmiljö", "Motorburna unga", "Grannsamverkan"):
        assert re.search(rf'class="activity-title h6 portal-heading"[^>]*>{heading} {re.escape(label)}', html), heading
    assert re.search(rf'class="portal-heading">Tillägg 2023–2024: motorburna unga {re.escape(label)}</h3>', html)
    # The document's own headings carry no label.
    assert re.search(r'<h3 id="focus-area-\d+">Mer tillgänglig polis</h3>', html)
    assert "Rubriker märkta ”rubrik från portalen” står inte i det undertecknade dokumentet." in html


def test_vindelns_project_heading_is_the_documents_and_unmarked(resident, content):
    html = page(resident, "vindeln", "2023-2025")

    assert re.search(r'class="activity-title h6" id="activity-\d+">Kapabla väktare på landsbygden</h4>', html)
    assert "rubrik från portalen" not in html


def test_the_kommun_and_follow_up_pages_mark_the_portals_headings_too(resident, content):
    kommun = resident.get("/umea/").content.decode()
    follow_up = resident.get("/umea/2023-2024/uppfoljning/2023/").content.decode()

    assert "Tillägg 2023–2024: motorburna unga" in kommun
    assert kommun.count("(rubrik från portalen)") >= 2
    assert 'portal-heading">Tillägg 2023–2024: motorburna unga <span class="portal-heading-label">' in follow_up
    assert 'Motorburna unga <span class="portal-heading-label">(rubrik från portalen)</span></h4>' in follow_up


def test_umeas_document_marks_the_additions_heading_and_says_what_the_portal_added(resident, content):
    html = resident.get("/umea/2023-2024/dokument/").content.decode()

    assert re.search(r"\d+\. Tillägg 2023–2024: motorburna unga <span class=\"portal-heading-label\">", html)
    assert "Avsnittsrubrikerna och allt i kursiv stil har portalen lagt till" in html
    # The documents show no activity headings at all, so none can pass for the document's.
    assert "Kontakt med medborgarna" not in html


def test_an_activity_title_is_the_portals_own_unless_a_coordinator_says_otherwise(db):
    period = make_full_period(focus_areas=1, activities=0)
    focus_area = make_focus_area(period)

    titled = make_activity(focus_area, title="Trafikinsatser")
    untitled = make_activity(focus_area)

    assert titled.shows_portal_heading
    assert not untitled.shows_portal_heading  # no title: the page shows the promise's own words
    assert not focus_area.heading_is_portal_own


# --- The Umeå addition, word for word ---


def test_umeas_addition_is_the_whole_sentence_of_the_news_page(resident, content):
    html = page(resident, "umea", "2023-2024")

    assert f'<p class="activity-text">{UMEA_ADDITION}</p>' in html


@pytest.mark.parametrize(("slug", "years"), SEEDED_PERIODS)
def test_every_promise_is_a_whole_sentence(content, slug, years):
    start = int(years.split("-")[0])

    for text in Activity.objects.filter(
        focus_area__period__municipality__slug=slug, focus_area__period__start_year=start
    ).values_list("text", flat=True):
        assert text[0].isupper() and text.endswith("."), text


# --- Place and date, as the signing line says them ---


def test_vindelns_signing_line_is_the_documents(resident, content):
    swedish = main_part(page(resident, "vindeln", "2023-2025"))
    english = main_part(page(resident, "vindeln", "2023-2025", prefix="/en"))
    document = resident.get("/vindeln/2023-2025/dokument/").content.decode()

    assert '<p class="signing-line"><span>Umeå den 3 mars 2023</span></p>' in swedish
    assert "Umeå, 3 mars 2023" not in swedish
    assert '<span lang="sv">Umeå den 3 mars 2023</span> <span class="original-text">(3 March 2023)</span>' in english
    assert "Umeå den 3 mars 2023" in document


def test_signing_line_is_swedish_whatever_the_language(db):
    period = make_full_period(focus_areas=0, signed_place="Vindeln", signed_on=datetime.date(2024, 10, 1))

    with translation.override("en"):
        assert period.signing_line == "Vindeln den 1 oktober 2024"
    period.signed_place = ""
    assert period.signing_line == "1 oktober 2024"


def test_periods_without_a_known_place_or_date_say_so(resident, content):
    for slug, years in [("umea", "2021-2022"), ("umea", "2023-2024"), ("robertsfors", "2023-2025")]:
        html = page(resident, slug, years)

        assert "Ort och datum för undertecknandet finns inte i portalen." in html


# --- Signatories and their titles, as the sources give them ---


def test_signatories_and_titles_are_the_sources(resident, content):
    vindeln = page(resident, "vindeln", "2023-2025")
    umea = page(resident, "umea", "2023-2024")

    assert "<strong>Mathias Haglund</strong><br>Kommunstyrelsens ordförande, Vindelns kommun" in vindeln
    assert "<strong>Michael Rystedt</strong><br>Lokalpolisområdeschef Umeå, Lokalpolisområde Umeå" in vindeln
    assert "<strong>Hans Lindberg</strong><br>Kommunstyrelsens ordförande, Umeå kommun" in umea
    assert "<strong>Michael Rystedt</strong><br>Lokalpolisområdeschef, Lokalpolisområde Umeå" in umea
    for slug, years in [("umea", "2021-2022"), ("robertsfors", "2023-2025")]:
        assert "Vilka som skrev under finns inte i portalen." in page(resident, slug, years)
