"""/: what medborgarlöften are, the find-your-kommun field, every kommun grouped by län (folded), the latest
published follow-ups."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_follow_up,
    make_full_period,
    make_municipality,
    make_period,
    make_police_area,
)
from tests.factories.dialogues import make_dialogue

pytestmark = pytest.mark.django_db


def test_home_explains_the_yearly_cycle(resident):
    content = resident.get(reverse("home")).content.decode()
    assert "Så fungerar medborgarlöften" in content
    for step in ("Lyssna.", "Lova.", "Göra.", "Följa upp.", "Återkoppla."):
        assert step in content
    assert "112" in content and "114 14" in content


def test_home_groups_kommuner_by_county_including_those_without_promises(resident):
    area = make_police_area(name="Lokalpolisområde Umeå")
    vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", police_area=area)
    make_municipality(name="Bjurholm", official_name="Bjurholms kommun", police_area=area)
    make_period(municipality=vindeln, start_year=2023, end_year=2025)

    content = resident.get(reverse("home")).content.decode()

    assert '<span class="county-name">Västerbottens län</span> <span class="county-count">2 kommuner</span>' in content
    assert "Vindelns kommun" in content
    assert "Senaste löfte: 2023–2025" in content
    assert "Bjurholms kommun" in content
    assert "Inget medborgarlöfte publicerat här ännu" in content


def test_home_names_each_kommuns_latest_published_period(resident):
    area = make_police_area()
    vindeln = make_municipality(name="Vindeln", official_name="Vindelns kommun", police_area=area)
    umea = make_municipality(name="Umeå", official_name="Umeå kommun", police_area=area)
    make_period(municipality=vindeln, start_year=2019, end_year=2020)
    make_period(municipality=vindeln, start_year=2021, end_year=2022)
    make_period(municipality=vindeln, start_year=2023, end_year=2025, published=False)
    make_period(municipality=umea, start_year=2024, end_year=2024)

    content = resident.get(reverse("home")).content.decode()

    assert "Senaste löfte: 2021–2022" in content
    assert "Senaste löfte: 2024" in content
    assert "2019–2020" not in content and "2023–2025" not in content


def test_home_lists_only_published_follow_ups_and_labels_examples(resident):
    period = make_period(start_year=2023, end_year=2025)
    make_follow_up(period, year=2023, is_example=True)
    make_follow_up(period, year=2024, published=False)
    draft_period = make_period(published=False)
    make_follow_up(draft_period, year=2023)

    content = resident.get(reverse("home")).content.decode()

    assert f"{period.municipality.name}: uppföljning 2023" in content
    assert "uppföljning 2024" not in content
    assert f"{draft_period.municipality.name}: uppföljning" not in content
    assert "Exempel" in content


@pytest.mark.parametrize("kommuner", [1, 12])
def test_home_query_count_does_not_grow_with_data(resident, django_assert_num_queries, kommuner):
    for _ in range(2):
        area = make_police_area()
        for _ in range(kommuner):
            make_full_period(municipality=make_municipality(police_area=area), follow_up_years=(2023,))
    for _ in range(kommuner):
        make_dialogue(starts_at=timezone.now() + datetime.timedelta(days=2), ends_at=None)
    # Kommuner, each kommun's latest published period, upcoming dialogues, latest follow-ups. (Five while the list
    # was grouped by police area, which took a query of its own; grouped by län it needs none.)
    with django_assert_num_queries(4):
        response = resident.get(reverse("home"))
    assert response.status_code == 200


def test_home_lists_upcoming_dialogues_but_not_past_or_unpublished_ones(resident):
    soon = timezone.now() + datetime.timedelta(days=2)
    make_dialogue(title="Dialog på torget", starts_at=soon, ends_at=None)
    make_dialogue(title="Dialog som varit", starts_at=timezone.now() - datetime.timedelta(days=2), ends_at=None)
    make_dialogue(title="Hemlig dialog", starts_at=soon, ends_at=None, published=False)
    content = resident.get(reverse("home")).content.decode()
    assert "Dialog på torget" in content
    assert "Dialog som varit" not in content
    assert "Hemlig dialog" not in content


def _county_blocks(content):
    return re.findall(r'<details class="county"( open)?>\s*<summary><span class="county-name">([^<]*)</span>', content)


def test_each_county_is_folded_and_lists_its_kommuner_in_swedish_order(resident):
    for name, county in [
        ("Örnsköldsvik", "Västernorrlands län"),
        ("Åre", "Jämtlands län"),
        ("Östersund", "Jämtlands län"),
        ("Älvdalen", "Dalarnas län"),
        ("Avesta", "Dalarnas län"),
    ]:
        make_municipality(name=name, official_name=f"{name}s kommun", county=county)

    content = resident.get(reverse("home")).content.decode()

    # Folded: a phone user sees one line per län, not every kommun in the country.
    assert _county_blocks(content) == [
        ("", "Dalarnas län"),
        ("", "Jämtlands län"),
        ("", "Västernorrlands län"),
    ]
    # Å, Ä and Ö after Z, as in Swedish.
    assert content.index("Avestas kommun") < content.index("Älvdalens kommun")
    assert content.index("Åres kommun") < content.index("Östersunds kommun")


def test_a_single_county_is_shown_open(resident):
    make_municipality(name="Vindeln", official_name="Vindelns kommun", county="Västerbottens län")
    make_municipality(name="Umeå", official_name="Umeå kommun", county="Västerbottens län")
    content = resident.get(reverse("home")).content.decode()
    assert _county_blocks(content) == [(" open", "Västerbottens län")]


def test_home_leads_with_a_field_to_find_your_kommun_that_works_without_scripts(resident):
    make_municipality(name="Vindeln", official_name="Vindelns kommun")
    make_municipality(name="Umeå", official_name="Umeå kommun")

    content = resident.get(reverse("home")).content.decode()

    form = content[content.index('<form method="get" action="/sok/kommun/"') :]
    form = form[: form.index("</form>")]
    assert '<label for="home-find-municipality"' in form
    assert 'name="namn"' in form and 'list="home-find-municipality-names"' in form
    # Suggestions where the browser offers them: every kommun's name, alphabetically.
    assert '<option value="Umeå"><option value="Vindeln">' in form
    # Before the list of kommuner and everything else on the page.
    assert content.index("home-find-municipality") < content.index('id="kommuner"')
    assert content.index("home-find-municipality") < content.index('id="jamfor"')
