"""Turning the weekly digest off and on: the link in every digest (no login), and Mina inställningar in the admin.

URLs: admin:digest_off (/admin/veckobrev/av/<token>/) and admin:my_settings (/admin/mina-installningar/), views
in portal/digest_views.py.
"""

import pytest
from django.test import Client
from django.urls import reverse

from portal.digest import off_token
from portal.models import Coordinator

pytestmark = pytest.mark.django_db


def digest_enabled(user):
    return Coordinator.objects.get(user=user).digest_enabled


def off_path(user):
    return reverse("admin:digest_off", kwargs={"token": off_token(user)})


def test_the_off_link_asks_first_without_a_login(resident, coordinator_vindeln):
    response = resident.get(off_path(coordinator_vindeln))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Stäng av veckobrevet" in content
    assert '<form method="post">' in content
    # Following the link (a mail scanner does) turns nothing off.
    assert digest_enabled(coordinator_vindeln)
    assert "no-cache" in response["Cache-Control"]


def test_the_one_click_post_turns_it_off_without_a_login_or_csrf_token(coordinator_vindeln):
    # RFC 8058: the mail program posts this body to the List-Unsubscribe address, with no cookie or token.
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(off_path(coordinator_vindeln), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "Veckobrevet är avstängt." in response.content.decode()
    assert not digest_enabled(coordinator_vindeln)


def test_the_off_link_turns_off_only_its_own_persons_digest(coordinator_vindeln, police_coordinator_vindeln):
    Client().post(off_path(coordinator_vindeln))

    assert not digest_enabled(coordinator_vindeln)
    assert digest_enabled(police_coordinator_vindeln)


@pytest.mark.parametrize("token", ["nonsense", "MQ:1tAAAA:forged-signature", "x" * 300])
def test_a_broken_or_forged_link_says_so_in_swedish(resident, coordinator_vindeln, token):
    response = resident.post(reverse("admin:digest_off", kwargs={"token": token}))

    assert response.status_code == 400
    assert "Länken fungerar inte." in response.content.decode()
    assert digest_enabled(coordinator_vindeln)


def test_a_token_signed_for_something_else_does_not_work(resident, coordinator_vindeln):
    from django.core import signing

    token = signing.dumps(coordinator_vindeln.pk, salt="something.else")

    assert resident.post(reverse("admin:digest_off", kwargs={"token": token})).status_code == 400
    assert digest_enabled(coordinator_vindeln)


def test_other_methods_are_refused(resident, coordinator_vindeln):
    assert resident.put(off_path(coordinator_vindeln)).status_code == 405


# --- Mina inställningar ---


def test_a_coordinator_turns_it_off_and_on_in_their_settings(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:my_settings")}"' in page  # linked beside the password link

    response = client.get(reverse("admin:my_settings"))
    assert response.status_code == 200
    assert "Skicka mig veckobrevet" in response.content.decode()

    response = client.post(reverse("admin:my_settings"), {}, follow=True)
    assert "Veckobrevet är avstängt." in response.content.decode()
    assert not digest_enabled(coordinator_vindeln)

    response = client.post(reverse("admin:my_settings"), {"digest_enabled": "on"}, follow=True)
    assert "Veckobrevet är påslaget." in response.content.decode()
    assert digest_enabled(coordinator_vindeln)


def test_staff_who_coordinate_no_kommun_are_told_they_get_none(client, staff_without_kommun):
    client.force_login(staff_without_kommun)

    response = client.get(reverse("admin:my_settings"))

    assert response.status_code == 200
    assert "Du är inte samordnare för någon kommun, så du får inget." in response.content.decode()
    assert client.post(reverse("admin:my_settings"), {}).status_code == 200


def test_the_settings_page_needs_a_login(resident):
    response = resident.get(reverse("admin:my_settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_national_administrator_sees_the_setting_on_the_coordinators_page(admin_client_for, coordinator_vindeln):
    coordinator = Coordinator.objects.get(user=coordinator_vindeln)

    response = admin_client_for.get(reverse("admin:portal_coordinator_change", args=[coordinator.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="digest_enabled"' in content
    assert "veckobrev senast skickat" in content.lower()
