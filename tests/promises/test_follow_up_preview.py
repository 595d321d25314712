"""The preview (admin:…_preview): the draft on the public template, marked, uncached, unindexed, and scoped."""

import pytest
from django.urls import reverse

from promises.models import FollowUp
from tests.promises.test_follow_up_workflow import approve, fill_in

pytestmark = pytest.mark.django_db


def preview_url(obj):
    return reverse(f"admin:promises_{obj._meta.model_name}_preview", args=[obj.pk])


@pytest.fixture
def draft(vasterbotten):
    return fill_in(FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024))


def test_the_police_preview_the_draft_as_it_will_be_published(client, draft, police_coordinator_vindeln):
    client.force_login(police_coordinator_vindeln)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    assert "promises/follow_up_detail.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "Förhandsvisning: inte publicerad" in content
    assert "Utkast för Vindeln." in content
    for report in draft.area_reports.select_related("focus_area"):
        assert report.focus_area.title in content
        assert report.done in content
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in content


def test_view_on_site_of_a_draft_is_the_preview(client, draft, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(reverse("admin:promises_followup_change", args=[draft.pk]))
    assert preview_url(draft) in page.content.decode()
    assert page.context["adminform"].form.instance.pk == draft.pk


def test_only_that_kommuns_coordinators_see_the_preview(client, resident, draft, police_coordinator_umea):
    client.force_login(police_coordinator_umea)
    assert client.get(preview_url(draft)).status_code == 404
    response = resident.get(preview_url(draft))
    assert response.status_code in (302, 404)  # the login page, or the admin's hidden 404
    assert "Utkast för Vindeln." not in response.content.decode()


def test_the_preview_of_a_published_follow_up_shows_what_changed(
    client, draft, coordinator_vindeln, police_coordinator_vindeln
):
    for user in (coordinator_vindeln, police_coordinator_vindeln):
        client.force_login(user)
        approve(client, draft)
    report = draft.area_reports.select_related("focus_area").first()
    report.done = "Tre trygghetsvandringar i stället för två."
    report.save()

    response = client.get(preview_url(draft))

    content = response.content.decode()
    assert "Ändringar sedan den publicerade versionen" in content
    assert "<ins>Tre trygghetsvandringar i stället för två.</ins>" in content
    assert f"<del>Arbete inom {report.focus_area.title}.</del>" in content


def test_the_period_preview_renders_a_draft_period(client, vasterbotten, coordinator_vindeln):
    from tests.factories import make_activity, make_focus_area, make_period

    period = make_period(municipality=vasterbotten["vindeln"], start_year=2026, end_year=2028, published=False)
    make_activity(make_focus_area(period, title="Trygga vägar"), text="Kommunen lovar bättre belysning.")
    client.force_login(coordinator_vindeln)
    response = client.get(preview_url(period))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Förhandsvisning: inte publicerad" in content
    assert "Kommunen lovar bättre belysning." in content
