"""Every admin page names who is logged in: name, organisation and kommuner."""

import pytest
from django.urls import reverse

from portal.models import Organisation
from tests.factories import make_coordinator

pytestmark = pytest.mark.django_db


def identity(response):
    page = response.content.decode()
    start = page.index('<span class="admin-identity">')
    return " ".join(page[start : page.index("</span>", start)].split())


def test_coordinator_sees_name_organisation_and_kommun_on_the_start_page(client, coordinator_vindeln):
    client.force_login(coordinator_vindeln)

    text = identity(client.get(reverse("admin:index")))

    assert text.endswith("Inloggad som <strong>Kim</strong>, Kommunen. Din kommun: Vindeln.")


def test_identity_is_on_every_admin_page(client, police_coordinator_vindeln, vasterbotten):
    client.force_login(police_coordinator_vindeln)
    follow_up = vasterbotten["periods"]["vindeln"].follow_ups.first()

    for url in [
        reverse("admin:promises_followup_changelist"),
        reverse("admin:promises_followup_change", args=[follow_up.pk]),
        reverse("admin:surveys_unsafeplace_changelist"),
        reverse("admin:password_change"),
    ]:
        assert "Inloggad som <strong>Pia</strong>, Polisen. Din kommun: Vindeln." in identity(client.get(url)), url


def test_full_name_and_every_kommun(client, vasterbotten):
    user = make_coordinator(
        [vasterbotten["vindeln"], vasterbotten["umea"]],
        Organisation.POLICE,
        username="polis-umea-lpo",
        first_name="Per",
        last_name="Lind",
    ).user
    client.force_login(user)

    text = identity(client.get(reverse("admin:index")))

    assert "<strong>Per Lind</strong>, Polisen. Dina kommuner: Umeå, Vindeln." in text


def test_national_admin_is_named_as_such(admin_client_for):
    text = identity(admin_client_for.get(reverse("admin:index")))

    assert "<strong>riks-admin</strong>, Nationell administratör. Alla kommuner." in text


def test_staff_without_kommun_is_told_so(client, staff_without_kommun):
    client.force_login(staff_without_kommun)

    assert "Du är inte samordnare för någon kommun." in identity(client.get(reverse("admin:index")))
