"""A focus area carries several national themes: it counts in each, once per kommun, everywhere themes are shown.

The theme pages themselves are tested in test_theme_list.py and test_theme_detail.py; this module follows the
many-to-many through the migration, the real content, the open data, the admin and the content versions.
"""

import datetime
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from promises import overview
from promises.models import FocusArea, Theme
from promises.open_data.export import iter_csv_rows, iter_json, published_periods, published_reports
from promises.services import approval_record
from promises.snapshots import period_snapshot
from tests.admin_forms import admin_form_data
from tests.factories import make_activity, make_focus_area, make_municipality, make_period, make_theme
from tests.factories.compare import this_year

BEFORE = ("promises", "0008_follow_up_by_focus_area_and_approved_versions")
AFTER = ("promises", "0009_focus_area_themes")


@pytest.mark.django_db(transaction=True)
def test_migration_makes_the_theme_of_each_focus_area_its_one_theme():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        # The other apps stay at their newest migrations in the database; their models must say so too.
        others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "promises"]
        apps = executor.loader.project_state([BEFORE, *others]).apps
        area = apps.get_model("portal", "PoliceArea").objects.create(name="Lokalpolisområde Test")
        municipality = apps.get_model("portal", "Municipality").objects.create(
            name="Testby", official_name="Testby kommun", slug="testby", code="9999", county="Testlän", police_area=area
        )
        period = apps.get_model("promises", "PromisePeriod").objects.create(
            municipality=municipality,
            start_year=2023,
            end_year=2024,
            publication="published",
            published_at=datetime.datetime(2023, 3, 3, tzinfo=datetime.UTC),
            published_snapshot=[["area:0:title", "Fokusområde", "x"]],
        )
        theme_model = apps.get_model("promises", "Theme")
        droger = theme_model.objects.create(name="Droger", slug="droger")
        focus_model = apps.get_model("promises", "FocusArea")
        themed = focus_model.objects.create(period=period, title="Droger", theme=droger)
        unthemed = focus_model.objects.create(period=period, title="Övrigt")
        period.published_snapshot = [
            [f"area:{themed.pk}:title", "Fokusområde", "Droger"],
            [f"area:{themed.pk}:description", "Droger: beskrivning", ""],
        ]
        period.save()

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])

        apps = executor.loader.project_state([AFTER]).apps
        focus_model = apps.get_model("promises", "FocusArea")
        assert list(focus_model.objects.get(pk=themed.pk).themes.values_list("slug", flat=True)) == ["droger"]
        assert not focus_model.objects.get(pk=unthemed.pk).themes.exists()
        # The published snapshot names the theme as it stood, so the next comparison shows no false change.
        snapshot = apps.get_model("promises", "PromisePeriod").objects.get(pk=period.pk).published_snapshot
        assert [f"area:{themed.pk}:themes", "Droger: teman", "Droger"] in snapshot
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- Umeå's promise in every theme it addresses (the real content) ---


@pytest.mark.parametrize("slug", ["grannsamverkan", "prostitution-och-manniskohandel", "vald-i-nara-relationer"])
def test_umea_is_on_the_pages_of_the_themes_its_activities_address(resident, content, slug):
    response = resident.get(reverse("theme_detail", kwargs={"slug": slug}))

    page = response.content.decode()
    assert 'id="kommun-umea"' in page
    assert page.count('id="kommun-umea"') == 1
    assert "Öka trygghet och minska brottslighet" in page


def test_umea_counts_in_grannsamverkan_and_prostitution_on_the_theme_list(content):
    counts = {theme.slug: theme.all_municipalities for theme in overview.theme_counts(today=this_year_date())}

    assert counts["grannsamverkan"] == 1
    assert counts["prostitution-och-manniskohandel"] == 1
    # Umeå, Vindeln and Robertsfors; Umeå once, though two of its periods and areas are in it.
    assert counts["droger"] == 3


def this_year_date():
    return datetime.date(this_year(), 6, 1)


# --- One focus area, two themes ---


@pytest.fixture
def two_themes(db):
    droger = make_theme(name="Droger", slug="droger")
    grannsamverkan = make_theme(name="Grannsamverkan", slug="grannsamverkan")
    year = this_year()
    vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", slug="vindeln")
    period = make_period(municipality=vindeln, start_year=year, end_year=year + 1)
    focus_area = make_focus_area(period, title="Trygghet i byarna", themes=[droger, grannsamverkan])
    make_activity(focus_area, text="Polisen lovar att starta grannsamverkan i tre byar.")
    # A second area of the same period in one of the themes: the kommun still counts once.
    make_focus_area(period, title="Unga och droger", themes=[droger])
    return {"droger": droger, "grannsamverkan": grannsamverkan, "period": period, "focus_area": focus_area}


def test_a_focus_area_with_two_themes_counts_once_in_each(two_themes):
    themes = {theme.slug: theme for theme in overview.theme_counts(today=this_year_date())}

    assert (themes["droger"].current_municipalities, themes["droger"].all_municipalities) == (1, 1)
    assert (themes["grannsamverkan"].current_municipalities, themes["grannsamverkan"].all_municipalities) == (1, 1)


@pytest.mark.parametrize("slug", ["droger", "grannsamverkan"])
def test_a_focus_area_with_two_themes_is_on_both_theme_pages_and_its_kommun_once(resident, two_themes, slug):
    page = resident.get(reverse("theme_detail", kwargs={"slug": slug})).content.decode()

    assert page.count('id="kommun-vindeln"') == 1
    assert page.count("Polisen lovar att starta grannsamverkan i tre byar.") == 1
    assert ("Unga och droger" in page) == (slug == "droger")


def test_the_period_page_names_both_themes(resident, two_themes):
    page = resident.get(two_themes["period"].get_absolute_url()).content.decode()

    assert 'Teman: <a href="/teman/droger/">Droger</a>, <a href="/teman/grannsamverkan/">Grannsamverkan</a>' in page
    assert 'Tema: <a href="/teman/droger/">Droger</a>' in page


def test_csv_lists_both_themes_in_one_column(two_themes):
    header, *rows = iter_csv_rows(published_periods(), published_reports(), base_url="https://example.se")

    column = header.index("themes")
    assert {row[column] for row in rows} == {"droger; grannsamverkan", "droger"}


def test_json_lists_both_themes(two_themes):
    text = "".join(
        iter_json(
            published_periods(),
            published_reports(),
            base_url="https://example.se",
            source_url="https://example.se/data.json",
            documentation_url="https://example.se/oppna-data/",
        )
    )

    (municipality,) = json.loads(text)["municipalities"]
    (period,) = municipality["periods"]
    assert [area["themes"] for area in period["focus_areas"]] == [["droger", "grannsamverkan"], ["droger"]]


def test_export_queries_do_not_grow_with_themes(two_themes, django_assert_num_queries):
    for n in range(3):
        make_focus_area(
            two_themes["period"], themes=[make_theme(name=f"Tema {n}", slug=f"tema-{n}"), two_themes["droger"]]
        )
    # The periods, then per chunk: focus areas with their themes (one join), their reports, activities,
    # responsible parties and the activities' reports.
    with django_assert_num_queries(6):
        list(iter_csv_rows(published_periods(), published_reports(), base_url="https://example.se"))


# --- The admin ---


def test_coordinator_sets_two_themes_on_own_focus_area(client, vasterbotten, coordinator_vindeln):
    droger = make_theme(name="Droger", slug="droger")
    grannsamverkan = make_theme(name="Grannsamverkan", slug="grannsamverkan")
    focus_area = vasterbotten["periods"]["vindeln"].focus_areas.first()
    url = reverse("admin:promises_focusarea_change", args=[focus_area.pk])
    client.force_login(coordinator_vindeln)
    page = client.get(url)
    # The themes are national: every coordinator chooses among all of them.
    assert set(page.context["adminform"].form.fields["themes"].queryset) == {droger, grannsamverkan}

    data = admin_form_data(page)
    data["themes"] = [droger.pk, grannsamverkan.pk]
    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert set(focus_area.themes.all()) == {droger, grannsamverkan}


def test_coordinator_cannot_set_themes_on_another_kommuns_focus_area(client, vasterbotten, coordinator_vindeln):
    droger = make_theme(name="Droger", slug="droger")
    focus_area = vasterbotten["periods"]["umea"].focus_areas.first()
    url = reverse("admin:promises_focusarea_change", args=[focus_area.pk])
    client.force_login(coordinator_vindeln)

    assert client.get(url).status_code == 404
    assert client.post(url, {"themes": [droger.pk], "title": "x", "period": focus_area.period_id}).status_code == 404
    assert not focus_area.themes.exists()


def test_coordinator_may_not_add_or_change_a_theme(client, vasterbotten, coordinator_vindeln):
    theme = make_theme(name="Droger", slug="droger")
    client.force_login(coordinator_vindeln)

    assert client.get(reverse("admin:promises_theme_add")).status_code == 403
    response = client.post(reverse("admin:promises_theme_change", args=[theme.pk]), {"name": "X", "slug": "x"})
    assert response.status_code == 403
    assert Theme.objects.get(pk=theme.pk).name == "Droger"


def test_period_page_inline_keeps_the_themes_of_its_focus_areas(client, vasterbotten, coordinator_vindeln):
    droger = make_theme(name="Droger", slug="droger")
    grannsamverkan = make_theme(name="Grannsamverkan", slug="grannsamverkan")
    period = vasterbotten["periods"]["vindeln"]
    focus_area = period.focus_areas.first()
    focus_area.themes.set([droger, grannsamverkan])
    url = reverse("admin:promises_promiseperiod_change", args=[period.pk])
    client.force_login(coordinator_vindeln)

    response = client.post(url, admin_form_data(client.get(url)))

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert set(focus_area.themes.all()) == {droger, grannsamverkan}


# --- Content versions ---


@pytest.fixture
def approved_draft(vasterbotten, coordinator_vindeln):
    period = make_period(municipality=vasterbotten["vindeln"], start_year=2028, end_year=2029, published=False)
    focus_area = make_focus_area(period, title="Trygghet")
    approval_record(obj=period, user=coordinator_vindeln, version=period.content_version)
    period.refresh_from_db()
    assert period.municipality_approval_counts
    return period, focus_area


def test_a_change_of_themes_is_a_new_version(approved_draft):
    period, focus_area = approved_draft
    version = period.content_version

    focus_area.themes.add(make_theme(name="Droger", slug="droger"))

    period.refresh_from_db()
    assert period.content_version == version + 1
    assert not period.municipality_approval_counts


def test_a_change_from_the_themes_side_is_a_new_version(approved_draft):
    period, focus_area = approved_draft
    theme = make_theme(name="Droger", slug="droger")

    theme.focus_areas.add(focus_area)

    period.refresh_from_db()
    assert not period.municipality_approval_counts


def test_an_admin_save_with_the_same_themes_is_no_new_version(client, approved_draft, coordinator_vindeln):
    period, focus_area = approved_draft
    from promises.versions import suspended

    with suspended():
        focus_area.themes.add(make_theme(name="Droger", slug="droger"))
    version = FocusArea.objects.get(pk=focus_area.pk).period.content_version
    url = reverse("admin:promises_focusarea_change", args=[focus_area.pk])
    client.force_login(coordinator_vindeln)

    assert client.post(url, admin_form_data(client.get(url))).status_code == 302

    period.refresh_from_db()
    assert period.content_version == version
    assert period.municipality_approval_counts


def test_the_snapshot_shows_the_themes(approved_draft):
    period, focus_area = approved_draft
    focus_area.themes.add(make_theme(name="Droger", slug="droger"), make_theme(name="Trafik", slug="trafik"))

    assert [f"area:{focus_area.pk}:themes", "Trygghet: teman", "Droger, Trafik"] in period_snapshot(period)
