"""The evidence chain: a period's page shows the surveys, dialogues and places it rests on, and per activity the
dialogues it came from and the places it makes safer. The admin links them, within one kommun."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import Activity, PromisePeriod
from surveys.models import Moderation
from tests.admin_forms import admin_form_data
from tests.factories import make_activity, make_focus_area, make_full_period, make_municipality, make_period
from tests.factories.dialogues import make_dialogue, make_survey, make_unsafe_place, stockholm

pytestmark = pytest.mark.django_db


def page(client, period):
    response = client.get(period.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def evidence_section(content):
    return content.split('id="underlag-fran-invanarna"')[1].split("</section>\n\n")[0]


@pytest.fixture
def umea():
    return make_municipality(name="Umeå", official_name="Umeå kommun", slug="umea")


@pytest.fixture
def period(umea):
    return make_period(municipality=umea, start_year=2017, end_year=2018)


def test_period_page_lists_its_surveys_dialogues_and_places(resident, umea, period):
    survey = make_survey([umea], title="Trygghetsundersökningen 2016", results_published=True)
    dialogue = make_dialogue(municipality=umea, title="Medborgardialog om trygghet", place="Ikea")
    place = make_unsafe_place(municipality=umea, title="Gångtunneln vid Vasaplan")
    period.surveys.add(survey)
    period.dialogues.add(dialogue)
    period.unsafe_places.add(place)

    content = page(resident, period)
    section = evidence_section(content)

    assert "Underlag från invånarna</h2>" in content
    assert "Trygghetsundersökningen 2016" in section
    assert reverse("survey_results", kwargs={"slug": survey.slug}) in section
    assert "Medborgardialog om trygghet" in section
    assert dialogue.get_absolute_url() in section
    assert "Ikea" in section
    assert "27 februari 2016" in section
    assert "Gångtunneln vid Vasaplan" in section
    assert place.get_absolute_url() in section


def test_unpublished_dialogue_and_unapproved_places_do_not_appear(resident, umea, period):
    hidden = make_dialogue(municipality=umea, title="Opublicerad dialog", published=False)
    pending = make_unsafe_place(municipality=umea, title="Väntande plats", moderation=Moderation.PENDING)
    rejected = make_unsafe_place(municipality=umea, title="Avvisad plats", moderation=Moderation.REJECTED)
    period.dialogues.add(hidden)
    period.unsafe_places.add(pending, rejected)
    activity = make_activity(make_focus_area(period))
    activity.from_dialogues.add(hidden)
    activity.addresses_places.add(pending, rejected)

    content = page(resident, period)

    for text in ("Opublicerad dialog", "Väntande plats", "Avvisad plats"):
        assert text not in content
    assert hidden.get_absolute_url() not in content
    assert "Kom från dialog" not in content
    assert "Gör tryggare" not in content
    assert "Inga trygghetsundersökningar, medborgardialoger eller otrygga platser är kopplade" in content


def test_a_period_without_evidence_says_so(resident, period):
    content = page(resident, period)

    assert "Inga trygghetsundersökningar, medborgardialoger eller otrygga platser är kopplade" in content
    assert 'href="#underlag-fran-invanarna"' in content


def test_each_activity_shows_the_dialogue_it_came_from_and_the_places_it_makes_safer(resident, umea, period):
    dialogue = make_dialogue(municipality=umea, title="Medborgardialog om trygghet", place="Coop Forum")
    place = make_unsafe_place(municipality=umea, title="Parkeringen vid badhuset")
    focus_area = make_focus_area(period)
    linked = make_activity(focus_area, title="Belysning")
    plain = make_activity(focus_area, title="Grannsamverkan")
    linked.from_dialogues.add(dialogue)
    linked.addresses_places.add(place)

    content = page(resident, period)

    activity_html = content.split(f'id="activity-{linked.pk}"')[1].split(f'id="activity-{plain.pk}"')[0]
    assert "Kom från dialog:" in activity_html
    assert dialogue.get_absolute_url() in activity_html
    assert "Coop Forum, 27 februari 2016" in activity_html
    assert "Gör tryggare:" in activity_html
    assert place.get_absolute_url() in activity_html
    assert "Parkeringen vid badhuset" in activity_html
    assert content.count("Kom från dialog:") == 1
    assert content.count("Gör tryggare:") == 1


def test_the_kommun_page_and_documents_do_not_fetch_the_evidence(period):
    # They show none of it, so with_content() leaves it out unless asked.
    fetched = PromisePeriod.objects.with_content().get(pk=period.pk)
    assert not hasattr(fetched, "evidence_dialogues")
    assert hasattr(PromisePeriod.objects.with_content(evidence=True).get(pk=period.pk), "evidence_dialogues")


@pytest.mark.parametrize("size", [1, 8])
def test_period_page_query_count_with_evidence_does_not_grow(resident, django_assert_num_queries, size):
    period = make_full_period(focus_areas=size, activities=size, follow_up_years=(2023,))
    municipality = period.municipality
    activities = list(Activity.objects.filter(focus_area__period=period))
    for index in range(size):
        dialogue = make_dialogue(municipality=municipality, starts_at=stockholm(2022, 3, 1 + index, 12))
        place = make_unsafe_place(municipality=municipality)
        period.dialogues.add(dialogue)
        period.unsafe_places.add(place)
        period.surveys.add(make_survey([municipality]))
        for activity in activities:
            activity.from_dialogues.add(dialogue)
            activity.addresses_places.add(place)
    # The same 16 as without evidence (tests/promises/test_period_detail.py, where the focus areas' themes cost
    # one): the five evidence queries are always made, whatever is linked.
    with django_assert_num_queries(16):
        response = resident.get(period.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("Kom från dialog:") == len(activities) * size


# --- The admin ---


def period_change_url(period):
    return reverse("admin:promises_promiseperiod_change", args=[period.pk])


def activity_change_url(activity):
    return reverse("admin:promises_activity_change", args=[activity.pk])


def test_coordinator_links_dialogues_places_and_surveys_to_a_period(client, coordinator_vindeln, vasterbotten):
    vindeln = vasterbotten["vindeln"]
    period = vasterbotten["periods"]["vindeln"]
    dialogue = make_dialogue(municipality=vindeln)
    place = make_unsafe_place(municipality=vindeln)
    survey = make_survey([vindeln])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(period_change_url(period)))
    data.update(dialogues=[dialogue.pk], unsafe_places=[place.pk], surveys=[survey.pk])

    response = client.post(period_change_url(period), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(period.dialogues.all()) == [dialogue]
    assert list(period.unsafe_places.all()) == [place]
    assert list(period.surveys.all()) == [survey]


def test_period_form_offers_only_the_periods_own_kommuns_evidence(admin_client_for, vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    own = make_dialogue(municipality=vasterbotten["vindeln"], title="Dialog i Vindeln", place="Folkets hus")
    make_dialogue(municipality=vasterbotten["umea"], title="Dialog i Umeå")

    form = admin_client_for.get(period_change_url(period)).context["adminform"].form

    choices = list(form.fields["dialogues"].queryset)
    assert choices == [own]
    # Same titles are told apart by place and date.
    assert "Folkets hus, 2016-02-27" in form.fields["dialogues"].label_from_instance(own)


def test_another_kommuns_dialogue_cannot_be_linked_to_a_period(admin_client_for, vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    other = make_dialogue(municipality=vasterbotten["umea"])
    data = admin_form_data(admin_client_for.get(period_change_url(period)))
    data["dialogues"] = [other.pk]

    response = admin_client_for.post(period_change_url(period), data)

    assert response.status_code == 200
    assert not period.dialogues.exists()


def test_linking_evidence_to_an_approved_period_keeps_its_approvals(admin_client_for, vasterbotten, national_admin):
    period = make_period(municipality=vasterbotten["vindeln"], start_year=2027, end_year=2028, published=False)
    now = timezone.now()
    PromisePeriod.objects.filter(pk=period.pk).update(
        municipality_approved_at=now, municipality_approved_by=national_admin
    )
    dialogue = make_dialogue(municipality=vasterbotten["vindeln"])
    data = admin_form_data(admin_client_for.get(period_change_url(period)))
    data["dialogues"] = [dialogue.pk]

    assert admin_client_for.post(period_change_url(period), data).status_code == 302

    period.refresh_from_db()
    assert list(period.dialogues.all()) == [dialogue]
    assert period.municipality_approved_at == now
    assert period.content_updated_at is None


def test_coordinator_links_an_activity_to_a_dialogue_and_a_place(client, coordinator_vindeln, vasterbotten):
    vindeln = vasterbotten["vindeln"]
    period = vasterbotten["periods"]["vindeln"]
    period.municipality_approved_at = timezone.now() - datetime.timedelta(days=1)
    period.save()
    activity = Activity.objects.filter(focus_area__period=period).first()
    dialogue = make_dialogue(municipality=vindeln)
    place = make_unsafe_place(municipality=vindeln)
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(activity_change_url(activity)))
    data.update(from_dialogues=[dialogue.pk], addresses_places=[place.pk])

    response = client.post(activity_change_url(activity), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(activity.from_dialogues.all()) == [dialogue]
    assert list(activity.addresses_places.all()) == [place]
    assert list(dialogue.led_to_activities.all()) == [activity]
    # Not a change to the promise's text: the published period is not marked as changed.
    period.refresh_from_db()
    assert period.content_updated_at is None


def test_another_kommuns_place_cannot_be_linked_to_an_activity(client, coordinator_vindeln, vasterbotten):
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    other = make_unsafe_place(municipality=vasterbotten["umea"])
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(activity_change_url(activity)))
    data["addresses_places"] = [other.pk]

    response = client.post(activity_change_url(activity), data)

    assert response.status_code == 200
    assert not activity.addresses_places.exists()


def test_changing_the_promise_text_still_counts_as_a_change(admin_client_for, vasterbotten):
    period = vasterbotten["periods"]["vindeln"]
    activity = Activity.objects.filter(focus_area__period=period).first()
    dialogue = make_dialogue(municipality=vasterbotten["vindeln"])
    data = admin_form_data(admin_client_for.get(activity_change_url(activity)))
    data.update(from_dialogues=[dialogue.pk], text="Polisen lovar något nytt.")

    assert admin_client_for.post(activity_change_url(activity), data).status_code == 302

    period.refresh_from_db()
    assert period.content_updated_at is not None


def test_admin_unsafe_place_choices_say_when_a_place_is_not_shown(admin_client_for, vasterbotten):
    activity = Activity.objects.filter(focus_area__period=vasterbotten["periods"]["vindeln"]).first()
    pending = make_unsafe_place(municipality=vasterbotten["vindeln"], moderation=Moderation.PENDING)

    form = admin_client_for.get(activity_change_url(activity)).context["adminform"].form

    assert "visas inte" in form.fields["addresses_places"].label_from_instance(pending)


def test_a_survey_without_public_results_links_to_its_page_which_says_when_they_come(resident, umea, period):
    today = timezone.localdate()
    expected = today + datetime.timedelta(days=30)
    survey = make_survey(
        [umea],
        title="Trygghetsundersökningen 2026",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=10),
        results_expected_on=expected,
    )
    period.surveys.add(survey)

    section = evidence_section(page(resident, period))

    assert f'href="{survey.get_absolute_url()}"' in section
    assert "resultaten publiceras" in section
    closed_page = resident.get(survey.get_absolute_url()).content.decode()
    assert "Resultaten publiceras" in closed_page
