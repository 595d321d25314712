"""Query budgets at national scale: every public page reads the same number of queries on a synthetic nation and
on one twice its size.

Each page's own test module pins its budget on hand-made data (the shapes a page must handle: an extended period,
a signed original, English texts). This module pins them again on the generator's nation (bench/synthetic.py),
where every kommun has years of periods, follow-ups, dialogues, places and survey answers, and then on a nation
with twice the kommuner and more years, focus areas, activities, dialogues, places and answers. A page that asks
the database once per row (an N+1) cannot pass both with the same number.

The nations are generated once per module and size, inside a transaction that is rolled back afterwards; each
test runs in a savepoint within it, as any test does. Page caching (portal/page_cache.py) is off here: the
budgets are what a page costs when it is rendered.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from bench.synthetic import NationSize, nation_generate
from portal.models import Municipality
from promises.models import Activity, FollowUp, PromisePeriod, Publication, Theme
from surveys.models import Dialogue, Survey, UnsafePlace

SIZES = {
    "small": NationSize.small(),
    # Twice the kommuner, and more of everything a kommun has: years (so periods and follow-ups), focus areas,
    # activities per focus area, places and survey answers (and so dialogues, which come two a year).
    "double": NationSize(municipalities=24, years=6, focus_areas=4, activities=4, responses=600, places=6),
}


@dataclass
class Nation:
    """The generated nation and, in it, one of each kind of page's subject, chosen for having something to show."""

    municipality: Municipality
    period: PromisePeriod
    follow_up: FollowUp
    theme: Theme
    survey: Survey
    open_survey: Survey
    place: UnsafePlace
    dialogue: Dialogue

    @property
    def place_filters(self):
        """The list's filters, all three chosen, that the place matches: the list shows it with its activities."""
        place = self.place
        return {"kommun": place.municipality.slug, "tid": place.time_of_day, "status": place.status}


def _link_activities_to_dialogues():
    """The generator links periods to the dialogues they rest on, but no activity to a dialogue it came from; link
    each such period's first activity to them, so that the dialogue page's "Ni sa – vi gjorde" and the period
    page's evidence per activity have rows to read, more of them in the larger nation."""
    first_activities = {}
    for activity in Activity.objects.order_by("focus_area__order", "order", "pk").values("pk", "focus_area__period"):
        first_activities.setdefault(activity["focus_area__period"], activity["pk"])
    Activity.from_dialogues.through.objects.bulk_create(
        Activity.from_dialogues.through(
            activity_id=first_activities[link.promiseperiod_id], dialogue_id=link.dialogue_id
        )
        for link in PromisePeriod.dialogues.through.objects.all()
        if link.promiseperiod_id in first_activities
    )


def _subjects():
    # The latest published period that has a published follow-up, so that the kommun page, the period page and the
    # follow-up page all show reports; its kommun is the kommun of every per-kommun page.
    follow_up = (
        FollowUp.objects.published()
        .select_related("period__municipality")
        .order_by("-period__start_year", "-year", "period__municipality__name")
        .first()
    )
    period = follow_up.period
    # A place and a past dialogue that activities of published promises refer to, so that their pages list them.
    place = (
        UnsafePlace.objects.public()
        .select_related("municipality")  # for the filters' address, read before the page is counted
        .exclude(time_of_day="")
        .filter(activities__focus_area__period__publication=Publication.PUBLISHED)
        .order_by("pk")
        .first()
    )
    dialogue = (
        Dialogue.objects.published()
        .filter(starts_at__lt=timezone.now(), led_to_activities__focus_area__period__publication=Publication.PUBLISHED)
        .order_by("pk")
        .first()
    )
    return Nation(
        municipality=period.municipality,
        period=period,
        follow_up=follow_up,
        theme=Theme.objects.filter(focus_areas__period__publication=Publication.PUBLISHED).order_by("pk").first(),
        survey=Survey.objects.filter(results_published=True).order_by("slug").first(),
        open_survey=Survey.objects.get(slug="syntetisk-enkat-oppen"),
        place=place,
        dialogue=dialogue,
    )


@pytest.fixture(scope="module", params=list(SIZES))
def nation(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        nation_generate(size=SIZES[request.param], today=timezone.localdate())
        _link_activities_to_dialogues()
        subjects = _subjects()
        assert None not in vars(subjects).values(), f"the nation lacks a page's subject: {subjects}"
        yield subjects
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _pages_rendered_every_time(db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()


def read(client, address):
    """GET a page and read it to the end (open data files stream: their queries run while they are read)."""
    response = client.get(address)
    assert response.status_code == 200, f"{address} answered {response.status_code}"
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def with_query(path, **query):
    return f"{path}?{urlencode(query)}"


# Every kind of public page: its number of queries, and its address in a nation. The numbers are those of each
# page's own budget test (tests/<app>/test_<page>.py), where that test says what each query is.
PAGES = {
    # Kommuner (grouped by län in Python), each kommun's latest published period, upcoming dialogues, latest
    # follow-ups.
    "home": (4, lambda n: "/"),
    "home_en": (4, lambda n: "/en/"),
    # Every kommun's names (for the suggestions and to match "syntetisk", in every synthetic address).
    "find_municipality": (1, lambda n: with_query("/sok/kommun/", namn="syntetisk")),
    "kommun": (10, lambda n: n.municipality.get_absolute_url()),
    "kommun_en": (10, lambda n: "/en" + n.municipality.get_absolute_url()),
    # One more than before focus areas could carry several themes: the themes are a prefetch, no longer a join.
    "period": (16, lambda n: n.period.get_absolute_url()),
    "period_en": (16, lambda n: "/en" + n.period.get_absolute_url()),
    "period_document": (8, lambda n: n.period.get_absolute_url() + "dokument/"),
    "follow_up": (6, lambda n: n.follow_up.get_absolute_url()),
    "follow_up_report": (6, lambda n: n.follow_up.get_absolute_url() + "rapport/"),
    # Kommuner for the filter, the ordered keys with their count, one query per kind on the page; each search
    # fills a page of twenty with one kind (tests/promises/test_search.py has all five kinds on one page: 7).
    "search_periods": (3, lambda n: with_query("/sok/", q="syntetisk")),
    "search_activities": (3, lambda n: with_query("/sok/", q="trafik")),
    "search_follow_ups": (3, lambda n: with_query("/sok/", q="uppföljning")),
    "search_reports": (3, lambda n: with_query("/sok/", q="rapport")),
    # Past dialogues come after everything else, so only the filter gives a page of dialogues alone.
    "search_dialogues": (3, lambda n: with_query("/sok/", q="trygghet", typ="dialoger")),
    # Promises only: an unfiltered page 2 of "trafik" would hold dialogues as well as activities on one nation, and
    # not on the other.
    "search_page_2": (3, lambda n: with_query("/sok/", q="trafik", typ="loften", sida=2)),
    # …and the chosen kommun. Its page of "trafik" holds one kind more than the nation's: the follow-ups'
    # focus-area reports, which the nation has since bench/synthetic.py writes them (the same on both nations).
    "search_in_kommun": (5, lambda n: with_query("/sok/", q="trafik", kommun=n.municipality.slug)),
    "theme_list": (2, lambda n: "/teman/"),
    "theme": (8, lambda n: f"/teman/{n.theme.slug}/"),
    "overview": (6, lambda n: "/oversikt/"),
    "feed_list": (1, lambda n: "/flode/"),
    # The entries, and for follow-ups one more query for all their focus areas' reports.
    "feed_follow_ups": (2, lambda n: "/flode/uppfoljningar.xml"),
    "feed_periods": (1, lambda n: "/flode/loften.xml"),
    # The kommun, then its entries (and the follow-ups' area reports).
    "feed_kommun_follow_ups": (3, lambda n: f"/{n.municipality.slug}/flode/uppfoljningar.xml"),
    "feed_kommun_periods": (2, lambda n: f"/{n.municipality.slug}/flode/loften.xml"),
    # A count per section, the latest change of kommuner and periods (two aggregates each) and of follow-ups.
    "sitemap_index": (10, lambda n: "/sitemap.xml"),
    # A count and the rows of one page of up to 50 000 addresses; the portal's own pages need no database.
    "sitemap_kommuner": (2, lambda n: "/sitemap-kommuner.xml"),
    "sitemap_periods": (2, lambda n: "/sitemap-loften.xml"),
    "sitemap_follow_ups": (2, lambda n: "/sitemap-uppfoljningar.xml"),
    "sitemap_themes": (2, lambda n: "/sitemap-teman.xml"),
    "sitemap_dialogues": (2, lambda n: "/sitemap-dialoger.xml"),
    "sitemap_pages": (0, lambda n: "/sitemap-sidor.xml"),
    "robots": (0, lambda n: "/robots.txt"),
    # Kommuner with their count of published periods; with one chosen, its periods too.
    "open_data": (1, lambda n: "/oppna-data/"),
    "open_data_kommun_chosen": (2, lambda n: with_query("/oppna-data/", kommun=n.municipality.slug)),
    "survey_list_page_2": (3, lambda n: with_query("/enkater/", sida=2)),
    # One streamed query of periods, and five prefetches per chunk of 200 periods: the whole nation's file grows
    # by five queries per 200 periods on purpose (it never holds the nation in memory). Both nations fit one chunk.
    "open_data_all_csv": (6, lambda n: "/oppna-data/medborgarloften.csv"),
    "open_data_all_json": (6, lambda n: "/oppna-data/medborgarloften.json"),
    # The kommun or period, then periods, focus areas, their reports, activities, parties and their reports.
    "open_data_kommun_csv": (7, lambda n: f"/oppna-data/{n.municipality.slug}.csv"),
    "open_data_kommun_json": (7, lambda n: f"/oppna-data/{n.municipality.slug}.json"),
    "open_data_period_csv": (
        7,
        lambda n: f"/oppna-data/{n.municipality.slug}/{n.period.start_year}-{n.period.end_year}.csv",
    ),
    "open_data_period_json": (
        7,
        lambda n: f"/oppna-data/{n.municipality.slug}/{n.period.start_year}-{n.period.end_year}.json",
    ),
    "dcat_catalogue": (1, lambda n: "/oppna-data/katalog.rdf"),
    # …and one for the kommun's other surveys with public results (questions repeated over the years).
    "survey_results": (8, lambda n: n.survey.get_absolute_url() + "resultat/"),
    # Kommuner for the filter, the surveys, their kommuner.
    "survey_list": (3, lambda n: "/enkater/"),
    "survey_list_kommun": (3, lambda n: with_query("/enkater/", kommun=n.municipality.slug)),
    "survey_answer": (5, lambda n: n.open_survey.get_absolute_url()),
    # The number of matching places, the page's places with their kommun, their activities, the map's rows and
    # the kommuner for the filter; a chosen kommun adds its lookup.
    "place_list": (5, lambda n: "/platser/"),
    "place_list_with_fixed": (5, lambda n: with_query("/platser/", visa_atgardade="on")),
    "place_list_page_2": (5, lambda n: with_query("/platser/", visa_atgardade="on", sida=2)),
    "place_list_filtered": (6, lambda n: with_query("/platser/", **n.place_filters)),
    "place": (2, lambda n: n.place.get_absolute_url()),
    "place_report": (1, lambda n: "/platser/rapportera/"),
    "dialogue_list": (4, lambda n: "/dialoger/"),
    "dialogue_list_page_2": (4, lambda n: with_query("/dialoger/", sida=2)),
    "dialogue_list_kommun": (4, lambda n: with_query("/dialoger/", kommun=n.municipality.slug)),
    "dialogue": (3, lambda n: n.dialogue.get_absolute_url()),
    "calendar": (1, lambda n: "/dialoger/kalender.ics"),
    "calendar_kommun": (2, lambda n: f"/dialoger/kalender/{n.municipality.slug}.ics"),
    "suggestion": (1, lambda n: f"/{n.municipality.slug}/synpunkt/"),
    "about": (0, lambda n: "/om/"),
    "easy_read": (0, lambda n: "/lattlast/"),
    "accessibility_statement": (0, lambda n: "/tillganglighet/"),
    "accessibility_feedback": (0, lambda n: "/tillganglighet/synpunkt/"),
}


@pytest.mark.parametrize("page_kind", PAGES)
def test_page_reads_the_same_number_of_queries_on_both_nations(resident, nation, django_assert_num_queries, page_kind):
    queries, address = PAGES[page_kind]
    address = address(nation)

    with django_assert_num_queries(queries):
        read(resident, address)


def test_the_second_nation_is_larger_in_every_direction():
    small, double = SIZES["small"], SIZES["double"]
    for dimension in ("municipalities", "years", "focus_areas", "activities", "responses", "places"):
        assert getattr(double, dimension) > getattr(small, dimension), dimension
