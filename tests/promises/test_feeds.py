"""/flode/…xml and /<kommun>/flode/…xml: Atom feeds of published yearly follow-ups and new promise periods."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from promises.models import FollowUp, PromisePeriod, ReportStatus
from tests.factories import make_area_report, make_focus_area, make_follow_up, make_municipality, make_period

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "<script>alert('x')</script> & ]]> \"citat\""


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(root):
    return root.findall(f"{ATOM}entry")


def text(element, name):
    return element.find(f"{ATOM}{name}").text


def assert_valid_atom(root):
    """The elements RFC 4287 requires of a feed and of each entry, with well-formed dates."""
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, f"the feed has no <{name}>"
    datetime.datetime.fromisoformat(text(root, "updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    ids = [text(entry, "id") for entry in entries(root)]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in entries(root):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}") is not None, f"an entry has no <{name}>"
        datetime.datetime.fromisoformat(text(entry, "updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/")
        assert entry.find(f"{ATOM}author/{ATOM}name").text


@pytest.fixture
def vindeln():
    return make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


def test_urls():
    assert reverse("feed_follow_ups") == "/flode/uppfoljningar.xml"
    assert reverse("feed_periods") == "/flode/loften.xml"
    kwargs = {"municipality_slug": "vindeln"}
    assert reverse("feed_municipality_follow_ups", kwargs=kwargs) == "/vindeln/flode/uppfoljningar.xml"
    assert reverse("feed_municipality_periods", kwargs=kwargs) == "/vindeln/flode/loften.xml"


def test_follow_up_feed_lists_published_follow_ups_newest_first(resident, vindeln, umea):
    older = make_follow_up(make_period(municipality=vindeln), year=2023, published_on=datetime.date(2024, 2, 1))
    newer = make_follow_up(make_period(municipality=umea), year=2023, published_on=datetime.date(2024, 3, 1))

    root = parse(resident.get(reverse("feed_follow_ups")))

    assert_valid_atom(root)
    assert text(root, "title") == "Medborgarlöften: nya årliga uppföljningar"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries(root)]
    assert links == [f"http://testserver{newer.get_absolute_url()}", f"http://testserver{older.get_absolute_url()}"]
    first = entries(root)[0]
    assert text(first, "title") == "Uppföljning 2023 av medborgarlöftet i Umeå kommun"
    assert text(first, "id") == f"http://testserver{newer.get_absolute_url()}"
    assert text(first, "published").startswith("2024-03-01T00:00:00+01:00")
    assert text(first, "summary") == "Arbetet har gått enligt plan."
    assert first.find(f"{ATOM}author/{ATOM}name").text == "Polisen och Umeå kommun"


def test_entry_updated_is_the_real_change_time(resident, vindeln):
    follow_up = make_follow_up(make_period(municipality=vindeln), year=2023, published_on=datetime.date(2024, 2, 1))
    changed = timezone.make_aware(datetime.datetime(2024, 6, 10, 14, 30))
    FollowUp.objects.filter(pk=follow_up.pk).update(updated_at=changed)

    entry = entries(parse(resident.get(reverse("feed_follow_ups"))))[0]

    assert datetime.datetime.fromisoformat(text(entry, "updated")) == changed
    assert datetime.datetime.fromisoformat(text(entry, "published")).date() == datetime.date(2024, 2, 1)


def test_feed_updated_is_the_latest_entry_change_and_sent_as_last_modified(resident, vindeln):
    follow_up = make_follow_up(make_period(municipality=vindeln), year=2023)
    changed = timezone.make_aware(datetime.datetime(2024, 6, 10, 14, 30))
    FollowUp.objects.filter(pk=follow_up.pk).update(updated_at=changed)

    response = resident.get(reverse("feed_follow_ups"))

    assert datetime.datetime.fromisoformat(text(parse(response), "updated")) == changed
    assert response["Last-Modified"] == "Mon, 10 Jun 2024 12:30:00 GMT"


def test_example_follow_up_says_exempel_in_title_and_summary(resident, vindeln):
    make_follow_up(make_period(municipality=vindeln), year=2023, is_example=True, summary="Det gick bra.")

    entry = entries(parse(resident.get(reverse("feed_follow_ups"))))[0]

    assert text(entry, "title") == "Exempel: Uppföljning 2023 av medborgarlöftet i Vindelns kommun"
    assert text(entry, "summary") == "Påhittad uppföljning för demonstration. Det gick bra."


def test_drafts_never_appear_in_any_feed(resident, vindeln):
    published_period = make_period(municipality=vindeln, start_year=2020, end_year=2022, title="Publicerat löfte")
    make_follow_up(published_period, year=2021, summary="Publicerad uppföljning.")
    draft = make_follow_up(published_period, year=2022, published=False, summary="HEMLIGT utkast till uppföljning.")
    make_area_report(draft, make_focus_area(published_period), done="HEMLIG rapport för ett område i ett utkast.")
    draft_period = make_period(
        municipality=vindeln, start_year=2023, end_year=2025, published=False, title="HEMLIGT utkast till löfte"
    )
    # Published itself, but its period is a draft: not public either.
    make_follow_up(draft_period, year=2023, summary="HEMLIG uppföljning av ett utkast.")
    kwargs = {"municipality_slug": "vindeln"}
    urls = [
        reverse("feed_follow_ups"),
        reverse("feed_periods"),
        reverse("feed_municipality_follow_ups", kwargs=kwargs),
        reverse("feed_municipality_periods", kwargs=kwargs),
        "/en" + reverse("feed_follow_ups"),
        "/en" + reverse("feed_periods"),
    ]

    for url in urls:
        response = resident.get(url)
        root = parse(response)
        assert "HEMLIG" not in response.content.decode(), url
        assert len(entries(root)) == 1, url
    follow_up_titles = [text(e, "title") for e in entries(parse(resident.get(urls[0])))]
    assert follow_up_titles == ["Uppföljning 2021 av medborgarlöftet i Vindelns kommun"]
    period_titles = [text(e, "title") for e in entries(parse(resident.get(urls[1])))]
    assert period_titles == ["Vindelns kommun: Publicerat löfte"]


def test_period_feed_lists_published_periods_newest_first(resident, vindeln, umea):
    now = timezone.now()
    make_period(municipality=vindeln, published_at=now - datetime.timedelta(days=30))
    newest = make_period(municipality=umea, start_year=2024, published_at=now, title="", preamble="")

    root = parse(resident.get(reverse("feed_periods")))

    assert_valid_atom(root)
    assert text(root, "title") == "Medborgarlöften: nya medborgarlöften"
    first = entries(root)[0]
    assert text(first, "title") == "Umeå kommun: Medborgarlöften 2024–2026"
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{newest.get_absolute_url()}"
    assert text(first, "summary") == "Vad polisen och Umeå kommun lovar att göra 2024–2026 för att öka tryggheten."
    assert len(entries(root)) == 2


def test_kommun_feeds_hold_only_that_kommun(resident, vindeln, umea):
    make_follow_up(make_period(municipality=vindeln), year=2023)
    make_follow_up(make_period(municipality=umea), year=2023)
    kwargs = {"municipality_slug": "vindeln"}

    follow_ups = parse(resident.get(reverse("feed_municipality_follow_ups", kwargs=kwargs)))
    periods = parse(resident.get(reverse("feed_municipality_periods", kwargs=kwargs)))

    assert_valid_atom(follow_ups)
    assert_valid_atom(periods)
    assert text(follow_ups, "title") == "Medborgarlöften i Vindelns kommun: nya årliga uppföljningar"
    assert text(periods, "title") == "Medborgarlöften i Vindelns kommun: nya medborgarlöften"
    assert [text(e, "title") for e in entries(follow_ups)] == ["Uppföljning 2023 av medborgarlöftet i Vindelns kommun"]
    assert [text(e, "title") for e in entries(periods)] == ["Vindelns kommun: Medborgarlöften 2023–2025"]
    assert follow_ups.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/vindeln/"


def test_each_feed_has_its_own_id(resident, vindeln):
    kwargs = {"municipality_slug": "vindeln"}
    urls = [
        reverse("feed_follow_ups"),
        reverse("feed_periods"),
        reverse("feed_municipality_follow_ups", kwargs=kwargs),
        reverse("feed_municipality_periods", kwargs=kwargs),
    ]

    ids = [text(parse(resident.get(url)), "id") for url in urls]

    assert ids == [f"http://testserver{url}" for url in urls]


def test_a_kommun_without_anything_published_has_an_empty_valid_feed(resident, vindeln):
    root = parse(resident.get(reverse("feed_municipality_periods", kwargs={"municipality_slug": "vindeln"})))

    assert entries(root) == []
    assert text(root, "updated")


@pytest.mark.parametrize("name", ["feed_municipality_follow_ups", "feed_municipality_periods"])
def test_unknown_kommun_is_404(resident, name):
    assert resident.get(reverse(name, kwargs={"municipality_slug": "finns-inte"})).status_code == 404


def test_hostile_text_is_escaped_and_the_feed_stays_well_formed(resident):
    kommun = make_municipality(name="Ond", official_name=f"Ond {HOSTILE} kommun", slug="ond")
    period = make_period(municipality=kommun, title=f"Löfte {HOSTILE}", preamble=f"Inledning {HOSTILE}")
    make_follow_up(period, year=2023, summary=f"Sammanfattning {HOSTILE}")

    for url in [reverse("feed_follow_ups"), reverse("feed_periods")]:
        response = resident.get(url)
        root = parse(response)  # parses: the XML is well formed
        entry = entries(root)[0]
        # Titles are text: the reader shows exactly what was typed.
        assert HOSTILE in text(entry, "title")
        # Summaries are HTML: the typed text arrives HTML-escaped, so the reader shows it and runs nothing.
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert "&lt;script&gt;" in summary.text and "<script>" not in summary.text
        assert b"<script>" not in response.content
        assert root.find(f".//{ATOM}script") is None and root.find(".//script") is None


def test_summary_is_shortened_to_eighty_words(resident):
    make_period(preamble=" ".join(["ord"] * 200))

    summary = text(entries(parse(resident.get(reverse("feed_periods"))))[0], "summary")

    assert summary == " ".join(["ord"] * 80) + "…"


def test_english_feeds_have_english_titles_and_english_content_where_written(resident, vindeln):
    period = make_period(municipality=vindeln, title="Trygg i Vindeln", title_en="Safe in Vindeln")
    swedish_url = make_follow_up(
        period, year=2023, summary="Det gick bra.", summary_en="It went well."
    ).get_absolute_url()

    follow_ups = parse(resident.get("/en/flode/uppfoljningar.xml"))
    periods = parse(resident.get("/en/vindeln/flode/loften.xml"))

    assert follow_ups.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    # The feed's title goes through gettext (the English text itself comes from locale/en).
    with translation.override("en"):
        assert text(follow_ups, "title") == translation.gettext("Medborgarlöften: nya årliga uppföljningar")
    entry = entries(follow_ups)[0]
    assert text(entry, "summary") == "It went well."
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/en{swedish_url}"
    assert text(entries(periods)[0], "title").endswith("Safe in Vindeln")


@pytest.mark.parametrize("count", [5, 30])
def test_feed_query_count_does_not_grow_with_entries(resident, django_assert_num_queries, count):
    kommun = make_municipality(slug="vindeln")
    for n in range(count):
        period = make_period(municipality=make_municipality() if n else kommun, start_year=2020)
        areas = [make_focus_area(period), make_focus_area(period)]
        for year in (2021, 2022):
            follow_up = make_follow_up(period, year=year)
            for focus_area in areas:
                make_area_report(follow_up, focus_area)
    assert PromisePeriod.objects.published().count() == count
    kwargs = {"municipality_slug": "vindeln"}

    # All of Sweden: one query for the entries with their periods and kommuner, and for follow-ups one for all
    # their focus areas' reports.
    with django_assert_num_queries(2):
        resident.get(reverse("feed_follow_ups"))
    with django_assert_num_queries(1):
        resident.get(reverse("feed_periods"))
    # One kommun: the kommun, then its entries (and the follow-ups' area reports).
    with django_assert_num_queries(3):
        resident.get(reverse("feed_municipality_follow_ups", kwargs=kwargs))
    with django_assert_num_queries(2):
        resident.get(reverse("feed_municipality_periods", kwargs=kwargs))


def test_feed_page_lists_the_feeds_for_all_and_for_each_kommun(resident, vindeln, umea):
    response = resident.get(reverse("feed_list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("feed_list") == "/flode/"
    assert "<h1>Nyhetsflöden</h1>" in content
    for url in [
        "/flode/uppfoljningar.xml",
        "/flode/loften.xml",
        "/vindeln/flode/uppfoljningar.xml",
        "/umea/flode/loften.xml",
    ]:
        assert f'href="{url}"' in content
    assert '<span class="visually-hidden"> i Umeå kommun</span>' in content


def test_english_feed_page_links_to_english_feeds(resident, vindeln):
    content = resident.get("/en/flode/").content.decode()

    assert 'href="/en/flode/uppfoljningar.xml"' in content
    assert 'href="/en/vindeln/flode/loften.xml"' in content


@pytest.mark.parametrize("count", [3, 12])
def test_feed_page_query_count_does_not_grow_with_kommuner(resident, django_assert_num_queries, count):
    for _ in range(count):
        make_municipality()

    with django_assert_num_queries(1):
        assert resident.get(reverse("feed_list")).status_code == 200


def test_home_page_announces_the_national_feeds(resident):
    content = resident.get(reverse("home")).content.decode()

    assert '<link rel="alternate" type="application/atom+xml" href="/flode/uppfoljningar.xml"' in content
    assert '<link rel="alternate" type="application/atom+xml" href="/flode/loften.xml"' in content


def test_kommun_page_announces_its_own_feeds(resident, vindeln):
    content = resident.get(vindeln.get_absolute_url()).content.decode()

    head = content.split("</head>")[0]
    assert 'type="application/atom+xml" href="/vindeln/flode/uppfoljningar.xml"' in head
    assert 'type="application/atom+xml" href="/vindeln/flode/loften.xml"' in head
    assert 'title="Nya medborgarlöften i Vindelns kommun"' in head


# --- A follow-up's entry says what came of every focus area ---


def test_follow_up_entry_lists_each_focus_area_with_status_and_what_was_done(resident, vindeln):
    period = make_period(municipality=vindeln)
    traffic = make_focus_area(period, title="Trafik", order=2)
    drugs = make_focus_area(period, title="Droger", order=1)
    follow_up = make_follow_up(period, year=2023, summary="Ett bra år.")
    make_area_report(follow_up, traffic, status=ReportStatus.DONE, done="Tolv hastighetskontroller.")
    make_area_report(follow_up, drugs, status=ReportStatus.NOT_STARTED, done="")

    summary = text(entries(parse(resident.get(reverse("feed_follow_ups"))))[0], "summary")

    assert summary == (
        "<p>Ett bra år.</p><ul>"
        "<li><strong>Droger</strong>: Ej påbörjad</li>"
        "<li><strong>Trafik</strong>: Genomförd. Tolv hastighetskontroller.</li>"
        "</ul>"
    )


def test_english_follow_up_entry_has_english_area_titles_and_reports_where_written(resident, vindeln):
    period = make_period(municipality=vindeln)
    traffic = make_focus_area(period, title="Trafik", title_en="Traffic")
    drugs = make_focus_area(period, title="Droger")
    follow_up = make_follow_up(period, year=2023)
    make_area_report(follow_up, traffic, done="Tolv kontroller.", done_en="Twelve checks.")
    make_area_report(follow_up, drugs, done="Bara på svenska.")

    summary = text(entries(parse(resident.get("/en" + reverse("feed_follow_ups"))))[0], "summary")

    assert "<strong>Traffic</strong>" in summary and "Twelve checks." in summary
    assert "<strong>Droger</strong>" in summary and "Bara på svenska." in summary
    with translation.override("en"):
        assert f"{translation.gettext('Pågår')}." in summary


def test_a_long_area_report_is_shortened(resident, vindeln):
    period = make_period(municipality=vindeln)
    follow_up = make_follow_up(period, year=2023)
    make_area_report(follow_up, make_focus_area(period), done=" ".join(["ord"] * 100))

    summary = text(entries(parse(resident.get(reverse("feed_follow_ups"))))[0], "summary")

    assert " ".join(["ord"] * 40) + "…</li>" in summary


def test_hostile_text_in_focus_areas_and_their_reports_is_escaped(resident, vindeln):
    period = make_period(municipality=vindeln)
    follow_up = make_follow_up(period, year=2023)
    make_area_report(follow_up, make_focus_area(period, title=f"Område {HOSTILE}"), done=f"Gjort {HOSTILE}")

    response = resident.get(reverse("feed_follow_ups"))

    summary = entries(parse(response))[0].find(f"{ATOM}summary").text
    assert "<script>" not in summary and b"<script>" not in response.content
    assert summary.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; ]]&gt; &quot;citat&quot;") == 2
