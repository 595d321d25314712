"""Changelist filters offer only choices within the user's kommuner (portal/admin_mixins.py scoped_list_filter)."""

import pytest
from django.urls import reverse

from portal.admin_mixins import (
    ScopedAllValuesFieldListFilter,
    ScopedRelatedFieldListFilter,
    ScopedRelatedOnlyFieldListFilter,
    scoped_list_filter,
)
from promises.models import ActivityReport, FollowUp
from surveys.models import Moderation, Suggestion, Survey, UnsafePlace
from tests.factories import make_full_period, make_municipality
from tests.factories.dialogues import make_suggestion, make_unsafe_place
from tests.factories.surveys import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_kommuner(vasterbotten):
    """Vindeln and Umeå from vasterbotten, and Bjurholm in another police area, each with input and periods."""
    bjurholm = make_municipality(name="Bjurholm", official_name="Bjurholms kommun", slug="bjurholm")
    make_full_period(municipality=bjurholm, start_year=2019, end_year=2020, follow_up_years=[2019])
    for municipality in (vasterbotten["vindeln"], vasterbotten["umea"], bjurholm):
        make_unsafe_place(municipality=municipality, moderation=Moderation.PENDING)
        make_suggestion(municipality=municipality)
    return {**vasterbotten, "bjurholm": bjurholm}


def choices(response, title):
    """The labels a changelist's filter offers ([] when Django leaves a filter with one choice out)."""
    for spec in response.context["cl"].filter_specs:
        if str(spec.title) == title:
            # The first choice is "Alla"; a to-many relation also offers "-" (none).
            offered = [str(choice["display"]) for choice in spec.choices(response.context["cl"])][1:]
            return [label for label in offered if label != "-"]
    return []


def filter_html(response):
    page = response.content.decode()
    start = page.find('id="changelist-filter"')
    return page[start : page.index("</nav>", start)] if start >= 0 else ""


def test_follow_up_filters_show_only_vindelns_kommun_and_periods(client, coordinator_vindeln, three_kommuner):
    client.force_login(coordinator_vindeln)

    response = client.get(reverse("admin:promises_followup_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    periods = choices(response, FollowUp._meta.get_field("period").verbose_name)
    kommuner = choices(response, "kommun")
    years = choices(response, "år")
    assert all("Vindeln" in label for label in periods)  # one period: Django may leave the filter out
    assert set(kommuner) <= {"Vindeln"}
    assert "2019" not in years  # Bjurholm's year, not Vindeln's
    for other in ("Umeå", "Bjurholm"):
        assert other not in page


def test_national_admin_still_filters_by_every_kommun(admin_client_for, three_kommuner):
    response = admin_client_for.get(reverse("admin:promises_followup_changelist"))

    assert choices(response, "kommun") == ["Bjurholm", "Umeå", "Vindeln"]


def test_a_coordinator_of_two_kommuner_gets_both_and_no_other(client, police_coordinator_umea, three_kommuner):
    police_coordinator_umea.coordinator.municipalities.add(three_kommuner["vindeln"])
    client.force_login(police_coordinator_umea)

    follow_ups = client.get(reverse("admin:promises_followup_changelist"))
    suggestions = client.get(reverse("admin:surveys_suggestion_changelist"))
    places = client.get(reverse("admin:surveys_unsafeplace_changelist"))

    assert choices(follow_ups, "kommun") == ["Umeå", "Vindeln"]
    assert len(choices(follow_ups, str(FollowUp._meta.get_field("period").verbose_name))) == 2
    assert choices(suggestions, "kommun") == ["Umeå", "Vindeln"]
    assert choices(places, "kommun") == ["Umeå", "Vindeln"]


def test_dialogue_and_suggestion_filters_hide_other_kommuner(client, coordinator_vindeln, three_kommuner):
    client.force_login(coordinator_vindeln)

    for name in ("surveys_suggestion_changelist", "surveys_dialogue_changelist", "surveys_unsafeplace_changelist"):
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 200
        assert set(choices(response, "kommun")) <= {"Vindeln"}, name
        assert "Bjurholm" not in response.content.decode(), name


def test_a_survey_shared_with_another_kommun_offers_only_your_own(client, coordinator_vindeln, three_kommuner):
    make_survey(municipalities=[three_kommuner["vindeln"], three_kommuner["bjurholm"]], title="Delad enkät")
    make_survey(municipalities=[three_kommuner["umea"]], title="Umeås enkät")
    client.force_login(coordinator_vindeln)

    response = client.get(reverse("admin:surveys_survey_changelist"))

    assert response.status_code == 200
    offered = choices(response, str(Survey._meta.get_field("municipalities").verbose_name))
    assert set(offered) <= {"Vindeln"}
    assert "Bjurholm" not in filter_html(response)  # the shared survey's row itself names both, rightly


def test_filters_are_swapped_generically():
    assert scoped_list_filter("period__municipality", FollowUp) == (
        "period__municipality",
        ScopedRelatedFieldListFilter,
    )
    assert scoped_list_filter("follow_up__year", ActivityReport) == ("follow_up__year", ScopedAllValuesFieldListFilter)
    assert scoped_list_filter(("municipality", ScopedRelatedOnlyFieldListFilter.__base__), UnsafePlace) == (
        "municipality",
        ScopedRelatedOnlyFieldListFilter,
    )
    # Choices, booleans and the model's own plain fields need nothing: they say nothing about other kommuner.
    assert scoped_list_filter("state", Suggestion) == "state"
    assert scoped_list_filter("year", FollowUp) == "year"
    assert scoped_list_filter("is_example", FollowUp) == "is_example"


@pytest.fixture
def every_kind_in_three_kommuner(three_kommuner):
    """Besides three_kommuner's periods, places and suggestions: a dialogue and a survey with a question and a
    response in each kommun, and a survey Vindeln shares with Bjurholm."""
    from tests.factories.dialogues import make_dialogue
    from tests.factories.surveys import make_question, make_response

    kommuner = [three_kommuner[slug] for slug in ("vindeln", "umea", "bjurholm")]
    for municipality in kommuner:
        make_dialogue(municipality=municipality, title=f"Dialog i {municipality.name}")
        survey = make_survey(municipalities=[municipality], title=f"Enkät i {municipality.name}")
        make_question(survey, text=f"Hur trygg är du i {municipality.name}?")
        make_response(survey)
    shared = make_survey(municipalities=[kommuner[0], kommuner[2]], title="Enkät för Vindeln och Bjurholm")
    make_response(shared, municipality=kommuner[2])
    return three_kommuner


def _labels_outside_scope(user):
    """What a filter could name of other kommuner: every scoped row's text and year that no row in scope shares."""
    from django.contrib import admin

    from portal.scoping import is_scoped, scope

    inside, everywhere = set(), set()
    for model in admin.site._registry:
        if not is_scoped(model):
            continue
        for labels, rows in (
            (everywhere, model._default_manager.all()),
            (inside, scope(model._default_manager.all(), user)),
        ):
            for row in rows:
                labels.add(str(row))
                for year_field in ("year", "start_year", "end_year"):
                    if hasattr(row, year_field):
                        labels.add(str(getattr(row, year_field)))
    return everywhere - inside


@pytest.mark.parametrize("facets", [False, True])
def test_no_list_filter_of_any_admin_offers_another_kommuns_rows(
    client, coordinator_vindeln, every_kind_in_three_kommuner, facets
):
    # Walks every registered ModelAdmin the coordinator may open, so that a filter added later is checked too.
    from django.contrib import admin

    from portal.scoping import is_scoped

    forbidden = _labels_outside_scope(coordinator_vindeln)
    assert {"Umeå", "Bjurholm", "Umeå 2023–2025", "Bjurholm 2019–2020", "2019", "Enkät i Bjurholm"} <= forbidden
    client.force_login(coordinator_vindeln)
    walked = set()
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url + ("?_facets=True" if facets else ""))
        if response.status_code == 403:
            continue  # not theirs to open at all (users, login records, coordinators)
        assert response.status_code == 200, url
        walked.add(model)
        cl = response.context["cl"]
        for spec in cl.filter_specs:
            offered = {str(choice["display"]) for choice in spec.choices(cl)}
            # A facet count is added to the label ("Vindeln (3)"): compare the names without it.
            offered |= {label.rsplit(" (", 1)[0] for label in offered}
            assert not offered & forbidden, (url, str(spec.title), offered & forbidden)
    assert {model for model in admin.site._registry if is_scoped(model)} <= walked
