"""Promise content in English and lättläst: shown where present, Swedish marked lang="sv" where not; documents
always the Swedish originals; the admin treats translations as content; the content files carry them."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Organisation
from promises import documents
from promises.content_loader import ContentError, content_load
from promises.models import Activity, Party, PromisePeriod, ReportStatus, Theme
from tests.admin_forms import admin_form_data, inline_prefix
from tests.factories import (
    make_activity,
    make_coordinator,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_party,
    make_period,
    make_report,
    make_signatory,
    make_theme,
)
from tests.html_language import document_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated_period():
    """A published period translated into English throughout, with lättläst for the period and one activity."""
    theme = make_theme(name="Trafik", slug="trafik", name_en="Traffic")
    period = make_period(
        start_year=2023,
        end_year=2025,
        title="Medborgarlöften 2023–2025",
        title_en="Citizen promises 2023–2025",
        preamble="Samverkan är en framgångsfaktor.",
        preamble_en="Cooperation is a key factor.",
        basis="Trygghetsundersökningen våren 2022.",
        basis_en="The safety survey in spring 2022.",
        feedback="Uppföljningen publiceras varje år.",
        feedback_en="The follow-up is published every year.",
        easy_read="Polisen och kommunen har skrivit ett löfte till dig.",
    )
    focus_area = make_focus_area(
        period,
        title="Trafik",
        title_en="Traffic",
        description="Nollvisionen är målet.",
        description_en="Vision Zero is the goal.",
        theme=theme,
    )
    activity = make_activity(
        focus_area,
        title="Trafikinsatser",
        title_en="Traffic operations",
        text="Polisen lovar trafikinsatser.",
        text_en="The police promise traffic operations.",
        frequency="två gånger per år",
        frequency_en="twice a year",
        easy_read="Polisen kontrollerar hur fort bilarna kör.",
    )
    return period, activity


def swedish(url_of):
    """A Swedish address, however the previous request left the thread's language (/en/… activates English)."""
    with translation.override("sv"):
        return url_of()


def period_url(period, name="period_detail", prefix=""):
    kwargs = {"municipality_slug": period.municipality.slug}
    kwargs.update(start_year=period.start_year, end_year=period.end_year)
    return prefix + swedish(lambda: reverse(name, kwargs=kwargs))


# --- The public pages ---


def test_english_period_page_shows_the_english_text_and_says_it_is_unofficial(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    assert document_language(html) == "en"
    assert '<h1>Citizen promises 2023–2025 <span class="h1-sub">' in html
    for english in (
        "Cooperation is a key factor.",
        "The safety survey in spring 2022.",
        "The follow-up is published every year.",
        "Vision Zero is the goal.",
        "The police promise traffic operations.",
        "twice a year",
    ):
        assert english in html
    assert '<h3 id="focus-area-' in html and ">Traffic</h3>" in html
    assert "Samverkan är en framgångsfaktor." not in html
    assert "<strong>Unofficial translation.</strong>" in html
    assert "is not the signed text. The Swedish text is the one that applies." in html
    assert f'<a href="{period_url(period)}" hreflang="sv">Read the signed Swedish text</a>' in html


def test_theme_names_are_shown_in_the_page_language(resident, translated_period):
    period, _activity = translated_period

    english = resident.get(period_url(period, prefix="/en")).content.decode()
    swedish_html = resident.get(period_url(period)).content.decode()

    assert "Theme:" in english and ">Traffic</a>" in english
    assert "Tema:" in swedish_html and ">Trafik</a>" in swedish_html


def test_period_without_english_says_once_that_it_is_swedish_only_and_marks_its_text_swedish(resident):
    period = make_full_period(focus_areas=2, activities=2)

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    assert html.count("This promise is available in Swedish only; the Swedish text is the signed one.") == 1
    assert "Unofficial translation." not in html
    assert '<div class="preamble" lang="sv"><p>Polisen och kommunen lovar att arbeta tillsammans' in html
    assert html.count('<p class="activity-text" lang="sv">') == 4
    # The portal's own title for an untitled period is translated, so it is English.
    assert '<h1>Citizen promises 2023–2025 <span class="h1-sub">' in html


def test_partly_translated_period_says_what_is_shown_in_swedish(resident, translated_period):
    period, _activity = translated_period
    make_activity(period.focus_areas.get(), text="Kommunen lovar bättre belysning.")

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    assert "Unofficial translation." in html
    assert "Anything not yet translated is shown in Swedish." in html
    assert '<p class="activity-text" lang="sv">Kommunen lovar bättre belysning.</p>' in html
    assert '<p class="activity-text">The police promise traffic operations.</p>' in html


def test_swedish_page_shows_the_swedish_text_without_notices_or_language_marks(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period)).content.decode()

    assert "Samverkan är en framgångsfaktor." in html and "Cooperation is a key factor." not in html
    assert "Inofficiell översättning" not in html and "finns bara på svenska" not in html
    main = html.split('<main id="main"', 1)[1]
    # Only the lättläst text (always Swedish) carries a lang attribute of its own on a Swedish page.
    assert main.count('lang="sv"') == main.count('class="easy-read-body" lang="sv"')


def test_period_page_shows_the_lattlast_summary_and_each_activitys_lattlast_text(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period)).content.decode()

    assert '<h2 id="lattlast">Lättläst sammanfattning</h2>' in html
    # Linked from the top, under the name a reader looks for (issue 16).
    assert '<li><a href="#lattlast">Läs på lätt svenska</a></li>' in html
    assert "Här står det viktigaste i löftet med enklare ord. Det är den vanliga texten som gäller." in html
    assert "<p>Polisen och kommunen har skrivit ett löfte till dig.</p>" in html
    assert '<a href="/lattlast/">Läs mer om medborgarlöften på lättläst svenska</a>' in html
    # Per activity: a native disclosure (no JavaScript), named after the activity for screen-reader users.
    assert '<details class="easy-read-details">' in html
    assert '<summary>Lättläst<span class="visually-hidden">: Trafikinsatser</span></summary>' in html
    assert "<p>Polisen kontrollerar hur fort bilarna kör.</p>" in html


def test_lattlast_text_stays_swedish_and_marked_so_on_the_english_page(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    assert '<h2 id="lattlast">Summary in easy-to-read Swedish</h2>' in html
    assert '<div class="easy-read-body" lang="sv">' in html
    assert "Det är den vanliga texten som gäller." in html
    assert "<summary>Easy-to-read Swedish<span" in html


def test_period_without_lattlast_has_no_lattlast_section(resident):
    period = make_full_period(focus_areas=1, activities=1)

    html = resident.get(period_url(period)).content.decode()

    assert 'id="lattlast"' not in html and "easy-read-details" not in html


def test_kommun_page_shows_the_latest_period_in_english_with_its_notice(resident, translated_period):
    period, _activity = translated_period

    kommun_url = swedish(period.municipality.get_absolute_url)
    period_page = swedish(period.get_absolute_url)
    english = resident.get("/en" + kommun_url).content.decode()
    swedish_html = resident.get(kommun_url).content.decode()

    assert "Vision Zero is the goal." in english and ">Traffic operations</span>" in english
    assert "<strong>Unofficial translation.</strong>" in english
    assert f'<a href="/en{period_page}#lattlast">Read a summary of the promise in easy-to-read Swedish</a>' in english
    assert f'<a href="{period_page}#lattlast">Läs en lättläst sammanfattning av löftet</a>' in swedish_html


def test_follow_up_page_shows_english_reports_and_swedish_ones_marked(resident, translated_period):
    period, activity = translated_period
    other = make_activity(period.focus_areas.get(), text="Kommunen lovar bättre belysning.")
    follow_up = make_follow_up(period, year=2023, summary="Året gick bra.", summary_en="The year went well.")
    make_report(follow_up, activity, done="Tolv insatser.", done_en="Twelve operations.")
    make_report(
        follow_up, other, status=ReportStatus.DELAYED, done="Belysningen är beställd.", reason="Leveransen dröjde."
    )

    html = resident.get("/en" + swedish(follow_up.get_absolute_url)).content.decode()

    assert "The year went well." in html and "Twelve operations." in html
    assert '<div lang="sv"><p>Belysningen är beställd.</p></div>' in html
    assert '<span lang="sv">Leveransen dröjde.</span>' in html
    assert "<strong>Unofficial translation.</strong>" in html
    assert "Delayed" in html  # statuses are the portal's own words


def test_follow_up_without_english_says_it_is_swedish_only(resident):
    period = make_full_period(focus_areas=1, activities=1, follow_up_years=[2023])
    url = swedish(period.follow_ups.get().get_absolute_url)

    html = resident.get("/en" + url).content.decode()

    assert html.count("This follow-up is available in Swedish only.") == 1
    assert f'<a href="{url}" hreflang="sv">Read the follow-up in Swedish</a>' in html


def test_home_marks_swedish_dialogue_titles_on_the_english_page(resident):
    from tests.factories.dialogues import make_dialogue

    make_dialogue(title="Trygghetsvandring i centrum", starts_at=timezone.now() + datetime.timedelta(days=7))

    html = resident.get("/en/").content.decode()

    assert 'lang="sv">Trygghetsvandring i centrum</a>' in html


@pytest.mark.parametrize(
    "page",
    [
        lambda period: period_url(period),
        lambda period: period.municipality.get_absolute_url(),
        lambda period: period.follow_ups.get(year=2023).get_absolute_url(),
    ],
    ids=["period", "kommun", "follow_up"],
)
def test_the_english_page_needs_no_more_queries_than_the_swedish_one(resident, page):
    period = make_full_period(focus_areas=3, activities=4, follow_up_years=[2023])
    url = swedish(lambda: page(period))

    with CaptureQueriesContext(connection) as in_swedish:
        assert resident.get(url).status_code == 200
    with CaptureQueriesContext(connection) as in_english:
        assert resident.get("/en" + url).status_code == 200

    assert len(in_english) == len(in_swedish)


# --- The documents are the Swedish originals ---


def test_english_document_page_is_english_around_the_swedish_original(resident, translated_period):
    period, _activity = translated_period

    response = resident.get(period_url(period, "period_document", prefix="/en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert document_language(html) == "en"
    assert "<strong>The document is the Swedish original.</strong>" in html
    assert "It is available in Swedish only, because the Swedish text is the one that is signed and applies." in html
    assert "Download as PDF" in html
    document = html.split('<div class="document-paper" lang="sv">', 1)[1]
    assert "Fokusområden och löften" in document and "Underskrifter" in document
    assert "Samverkan är en framgångsfaktor." in document and "Cooperation is a key factor." not in document
    # The QR code and short link lead to the Swedish page, the one the document belongs to.
    assert f"testserver{period_url(period)}".rstrip("/") in document and "testserver/en/" not in document


def test_swedish_document_page_has_no_note_about_the_language(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period, "period_document")).content.decode()

    assert "svenska originalet" not in html
    assert "Fokusområden och löften" in html


def test_english_follow_up_report_page_keeps_the_report_swedish(resident, translated_period):
    period, activity = translated_period
    follow_up = make_follow_up(period, year=2023, summary="Året gick bra.", summary_en="The year went well.")
    make_report(follow_up, activity, done="Tolv insatser.", done_en="Twelve operations.")
    kwargs = {"municipality_slug": period.municipality.slug, "start_year": 2023, "end_year": 2025, "year": 2023}
    url = swedish(lambda: reverse("follow_up_report", kwargs=kwargs))

    html = resident.get("/en" + url).content.decode()

    assert document_language(html) == "en"
    assert "<strong>The report is the Swedish original.</strong>" in html
    report = html.split('<div class="document-paper" lang="sv">', 1)[1]
    assert "Året gick bra." in report and "Tolv insatser." in report and "Status: Genomförd" in report
    assert "The year went well." not in report


@pytest.mark.parametrize("name", ["period_document_pdf", "follow_up_report_pdf"])
def test_a_pdf_is_the_same_stored_file_whatever_the_visitors_language(resident, monkeypatch, name):
    period = make_full_period(focus_areas=1, activities=2, follow_up_years=[2023])
    made = []
    monkeypatch.setattr(documents, "render_pdf", lambda html, base_url: made.append(html) or b"%PDF-1.7 test")
    kwargs = {"municipality_slug": period.municipality.slug, "start_year": 2023, "end_year": 2025}
    if name == "follow_up_report_pdf":
        kwargs["year"] = 2023
    url = swedish(lambda: reverse(name, kwargs=kwargs))

    in_swedish = resident.get(url)
    in_english = resident.get("/en" + url)

    assert in_swedish.status_code == in_english.status_code == 200
    assert len(made) == 1  # the English request was served the PDF made for the Swedish one
    assert '<html lang="sv">' in made[0] and "/en/" not in made[0]
    assert in_swedish["Content-Disposition"] == in_english["Content-Disposition"]


# --- The admin: translations are content ---


def test_admin_puts_english_and_lattlast_in_a_collapsed_fieldset(admin_client_for, translated_period):
    period, activity = translated_period

    period_page = admin_client_for.get(reverse("admin:promises_promiseperiod_change", args=[period.pk]))
    focus_area_page = admin_client_for.get(reverse("admin:promises_focusarea_change", args=[activity.focus_area_id]))
    theme_page = admin_client_for.get(
        reverse("admin:promises_theme_change", args=[activity.focus_area.themes.get().pk])
    )

    html = period_page.content.decode()
    assert "Engelska och lättläst" in html
    for name in ("title_en", "preamble_en", "basis_en", "feedback_en", "easy_read"):
        assert f'name="{name}"' in html
    fieldsets = period_page.context["adminform"].fieldsets
    translations = next(options for title, options in fieldsets if title == "Engelska och lättläst")
    assert "collapse" in translations["classes"]
    focus_area_html = focus_area_page.content.decode()
    for name in ("title_en", "description_en", "activities-0-text_en", "activities-0-easy_read"):
        assert f'name="{name}"' in focus_area_html
    assert 'name="name_en"' in theme_page.content.decode()


def test_changing_a_translation_before_publication_withdraws_the_approvals(client, vasterbotten):
    coordinator = make_coordinator([vasterbotten["vindeln"]], Organisation.MUNICIPALITY, username="kim").user
    period = vasterbotten["periods"]["vindeln"]
    PromisePeriod.objects.filter(pk=period.pk).update(
        publication="draft", published_at=None, police_approved_at=timezone.now()
    )
    client.force_login(coordinator)
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    data = admin_form_data(client.get(url))
    data["preamble_en"] = "Cooperation is a key factor."

    response = client.post(url, data)

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.preamble_en == "Cooperation is a key factor."
    assert period.police_approved_at is None


def test_changing_an_activitys_lattlast_after_publication_is_shown_as_an_update(admin_client_for, vasterbotten):
    period = vasterbotten["periods"]["umea"]
    activity = Activity.objects.filter(focus_area__period=period).first()
    url = reverse("admin:promises_activity_change", args=[activity.pk])
    data = admin_form_data(admin_client_for.get(url))
    data["easy_read"] = "Polisen lovar att komma till skolan."

    response = admin_client_for.post(url, data)

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.is_published
    assert period.content_updated_at is not None


def test_changing_a_reports_english_text_counts_as_a_change_to_the_follow_up(admin_client_for, vasterbotten):
    follow_up = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2024)  # the draft
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    page = admin_client_for.get(url)  # makes its reports
    follow_up.refresh_from_db()
    follow_up.municipality_approved_at = timezone.now()
    follow_up.municipality_approved_version = follow_up.content_version
    follow_up.save(update_fields=["municipality_approved_at", "municipality_approved_version"])
    assert follow_up.municipality_approval_counts
    data = admin_form_data(page)
    data[f"{inline_prefix(page)}-done_en"] = "The operation was carried out."

    response = admin_client_for.post(url, data)

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.area_reports.filter(done_en="The operation was carried out.").exists()
    assert follow_up.municipality_approved_at is None
    assert not follow_up.municipality_approval_counts


# --- The content files ---


def test_content_files_give_vindeln_english_and_lattlast_and_every_theme_an_english_name():
    call_command("load_content", verbosity=0)

    period = PromisePeriod.objects.get(municipality__slug="vindeln", start_year=2023)
    assert period.title_en == "Citizen promises 2023–2025"
    assert period.preamble.startswith("För att nå framgång i det trygghetsskapande")  # the signed text, unchanged
    assert period.preamble_en.startswith("To succeed in the work of creating safety and preventing crime")
    assert period.basis_en and period.feedback_en and period.easy_read
    assert all(focus_area.title_en and focus_area.description_en for focus_area in period.focus_areas.all())
    activity = Activity.objects.get(focus_area__period=period)
    assert activity.text_en.startswith("Vindeln Municipality, together with the County Administrative Board")
    assert "Kapabla väktare på landsbygden" in activity.easy_read
    assert not Theme.objects.filter(name_en="").exists()


def test_english_version_of_a_page_built_from_the_content_files_is_complete(resident):
    call_command("load_content", verbosity=0)

    html = resident.get("/en/vindeln/2023-2025/").content.decode()

    assert "<strong>Unofficial translation.</strong>" in html
    assert "Anything not yet translated" not in html


def test_content_file_with_a_misspelt_translation_key_is_refused(tmp_path, monkeypatch):
    from promises import content_loader

    for path in content_loader.CONTENT_DIR.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    vindeln = tmp_path / "vindeln.toml"
    vindeln.write_text(vindeln.read_text(encoding="utf-8").replace("preamble_en =", "preamble_eng ="), encoding="utf-8")
    monkeypatch.setattr(content_loader, "CONTENT_DIR", tmp_path)

    with pytest.raises(ContentError, match="preamble_eng"):
        content_load()


# --- Reading order and labels on the English page (issue 16) ---


def _position(html, marker):
    return html.split('<main id="main"', 1)[1].index(marker)


def test_english_page_leads_with_english_not_with_the_swedish_lattlast_box(resident, translated_period):
    period, _activity = translated_period

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    notice = _position(html, '<div class="translation-notice"')
    preamble = _position(html, "Cooperation is a key factor.")
    promises = _position(html, '<h2 id="loften">')
    easy_read = _position(html, '<h2 id="lattlast">')
    assert notice < preamble < promises < easy_read
    # The lättläst summary is linked from the top, named in Swedish and marked so; no English summary of an
    # English page.
    options = html.split('<ul class="reading-options">', 1)[1].split("</ul>", 1)[0]
    assert '<a href="#lattlast" lang="sv">Läs på lätt svenska</a>' in options
    assert 'id="in-english"' not in html


def test_english_page_of_a_swedish_only_promise_says_so_before_the_promise(resident):
    period = make_full_period(focus_areas=1, activities=1, easy_read="Polisen och kommunen har lovat dig saker.")

    html = resident.get(period_url(period, prefix="/en")).content.decode()

    notice = _position(html, "This promise is available in Swedish only; the Swedish text is the signed one.")
    assert notice < _position(html, '<div class="preamble" lang="sv">') < _position(html, '<h2 id="lattlast">')


def test_signatory_titles_party_names_roles_and_sources_are_english_with_the_swedish_originals(resident):
    period = make_period(
        source="Kommunens dokument.",
        source_en="The municipality's document.",
        signed_place="Umeå",
        signed_on=datetime.date(2023, 3, 3),
    )
    kommun = make_party(period, name="Vindelns kommun", name_en="Vindeln Municipality", order=1)
    police = make_party(
        period,
        name="Lokalpolisområde Umeå",
        short_name="Polisen",
        name_en="Umeå local police area",
        short_name_en="the police",
        kind=Party.Kind.POLICE,
        order=2,
    )
    make_party(
        period,
        name="Länsstyrelsen",
        name_en="The County Administrative Board",
        kind=Party.Kind.OTHER,
        role=Party.Role.PARTNER,
        contribution="Samverkar i projektet.",
        contribution_en="Works with them on the project.",
        order=3,
    )
    make_signatory(period, name="Mathias Haglund", title="Kommunstyrelsens ordförande", title_en="Chair", party=kommun)
    make_activity(make_focus_area(period), responsible=[kommun, police], text="Kommunen och polisen lovar.")

    english = resident.get(period_url(period, prefix="/en")).content.decode()
    swedish_html = resident.get(period_url(period)).content.decode()

    assert (
        '<strong>Mathias Haglund</strong><br>Chair <span class="original-text">(<span lang="sv">Kommunstyrelsens '
        'ordförande</span>)</span>, Vindeln Municipality <span class="original-text">(<span lang="sv">Vindelns '
        "kommun</span>)</span>"
    ) in english
    assert (
        '<strong>The County Administrative Board <span class="original-text">(<span lang="sv">Länsstyrelsen</span>)'
        "</span></strong> – takes part in activities: Works with them on the project."
    ) in english
    assert "<dt>Promised by</dt><dd>Vindeln Municipality and the police</dd>" in english
    assert "The municipality&#x27;s document." in english
    assert '<span lang="sv">Umeå den 3 mars 2023</span> <span class="original-text">(3 March 2023)</span>' in english
    # The Swedish page is as before: the originals only.
    assert "<strong>Mathias Haglund</strong><br>Kommunstyrelsens ordförande, Vindelns kommun" in swedish_html
    assert "<strong>Länsstyrelsen</strong> – samverkar i aktiviteter: Samverkar i projektet." in swedish_html
    assert "Kommunens dokument." in swedish_html


def test_content_files_carry_english_titles_names_and_sources(content):
    vindeln = PromisePeriod.objects.get(municipality__slug="vindeln", start_year=2023)

    assert vindeln.source_en.startswith("Vindeln Municipality's and the police's document")
    assert [s.title_en for s in vindeln.signatories.all()] == [
        "Chair of the Municipal Executive Board",
        "Head of the Umeå local police area",
    ]
    assert {p.name: p.name_en for p in vindeln.parties.all()}["Länsstyrelsen"] == "The County Administrative Board"
    assert all(p.source_en for p in PromisePeriod.objects.all())
