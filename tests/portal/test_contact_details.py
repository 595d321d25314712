"""Contact details of kommuner and police areas: validated, edited in the admin within the coordinators' scope,
and shown on the kommun, period, dialogue and suggestion pages only where they are known.

Shipped content holds only facts: none of the seed documents names a kommun's or the police's web address,
phone, e-mail or visiting address, so the content loads with every detail empty and no page shows a contact
section for it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.models import Municipality, PoliceArea
from tests.admin_forms import admin_form_data
from tests.factories import make_municipality, make_period, make_police_area
from tests.factories.dialogues import make_dialogue

pytestmark = pytest.mark.django_db

VINDELN_CONTACTS = {
    "website": "https://www.example.se/vindeln/",
    "phone": "0933-140 00",
    "email": "kommun@example.se",
    "visiting_address": "Kommunhuset, Exempelgatan 1, Vindeln",
}


def page_paths(municipality):
    """Every page that names whom to contact about a kommun's promises."""
    period = make_period(municipality=municipality, start_year=2023, end_year=2025)
    dialogue = make_dialogue(municipality=municipality)
    return {
        "kommun": municipality.get_absolute_url(),
        "period": period.get_absolute_url(),
        "dialogue": dialogue.get_absolute_url(),
        "suggestion": reverse("suggestion_create", args=[municipality.slug]),
        "suggestion_thanks": reverse("suggestion_thanks", args=[municipality.slug]),
    }


@pytest.fixture
def vindeln_with_contacts(db):
    area = make_police_area(name="Lokalpolisområde Umeå", phone="114 14", website="https://polisen.example.se/umea")
    return make_municipality(
        name="Vindeln", official_name="Vindelns kommun", slug="vindeln", police_area=area, **VINDELN_CONTACTS
    )


@pytest.mark.parametrize("page", ["kommun", "period", "dialogue", "suggestion", "suggestion_thanks"])
def test_known_contact_details_are_shown_on_the_kommuns_pages(resident, vindeln_with_contacts, page):
    content = resident.get(page_paths(vindeln_with_contacts)[page]).content.decode()

    assert '<h2 id="kontakta">Kontakt</h2>' in content
    assert '<a href="https://www.example.se/vindeln/">www.example.se/vindeln/</a>' in content
    assert '<a href="tel:093314000">0933-140 00</a>' in content
    assert '<a href="mailto:kommun@example.se">kommun@example.se</a>' in content
    assert "Kommunhuset, Exempelgatan 1, Vindeln" in content
    # The police area's, beside the kommun's: only what is known of it.
    police = content[content.index('<h3 class="h5">Lokalpolisområde Umeå</h3>') :]
    police = police[: police.index("</dl>")]
    assert '<a href="tel:11414">114 14</a>' in police
    assert "E-post" not in police and "Besöksadress" not in police


@pytest.mark.parametrize("page", ["kommun", "period", "dialogue", "suggestion", "suggestion_thanks"])
def test_a_kommun_without_contact_details_shows_no_contact_section(resident, page):
    municipality = make_municipality(name="Bjurholm", slug="bjurholm")
    content = resident.get(page_paths(municipality)[page]).content.decode()
    assert 'id="kontakta"' not in content
    assert "Webbplats" not in content and "Besöksadress" not in content


def test_only_the_known_details_are_shown(resident):
    municipality = make_municipality(email="info@example.se")
    content = resident.get(municipality.get_absolute_url()).content.decode()
    card = content[content.index('id="kontakta"') : content.index("</section>", content.index('id="kontakta"'))]
    assert "info@example.se" in card
    for label in ("Webbplats", "Telefon", "Besöksadress"):
        assert label not in card
    # The police area has none: no empty card for it.
    assert municipality.police_area.name not in card


def test_contact_details_are_escaped(resident):
    municipality = make_municipality(visiting_address='<script>alert("x")</script> & Storgatan 1')
    content = resident.get(municipality.get_absolute_url()).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Storgatan 1" in content


def test_contact_section_is_translated(resident, vindeln_with_contacts):
    content = resident.get("/en" + vindeln_with_contacts.get_absolute_url()).content.decode()
    assert '<h2 id="kontakta">Contact</h2>' in content
    for label in ("Website", "Phone", "Email", "Visiting address"):
        assert f"<dt>{label}</dt>" in content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "ftp://example.se/"),
        ("website", "www example se"),
        ("email", "inte-en-adress"),
        ("email", "a@b"),
        ("phone", "ring mig"),
        ("phone", "0933-140 00 eller 112"),
        ("phone", "12"),
    ],
)
@pytest.mark.parametrize("model", [Municipality, PoliceArea])
def test_invalid_contact_details_are_refused_with_a_message(model, field, value):
    obj = make_municipality() if model is Municipality else make_police_area()
    setattr(obj, field, value)
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "http://www.example.se"), ("phone", "+46 933 140 00"), ("phone", "090-16 10 00"), ("email", "")],
)
def test_valid_contact_details_are_accepted(field, value):
    municipality = make_municipality()
    setattr(municipality, field, value)
    municipality.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "javascript:alert(1)"), ("phone", "ring mig"), ("email", "ingen-snabel-a")],
)
@pytest.mark.parametrize("model", [Municipality, PoliceArea])
def test_the_database_refuses_what_the_form_would(model, field, value):
    obj = make_municipality() if model is Municipality else make_police_area()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**{field: value})


def test_shipped_content_holds_no_contact_details(content):
    # None of the seed documents states one; an unknown detail stays empty.
    for model in (Municipality, PoliceArea):
        for obj in model.objects.all():
            assert not obj.has_contact_details, obj


# --- The admin ---


def change_url(obj):
    return reverse(f"admin:portal_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_coordinator_edits_their_own_kommuns_contact_details(client, vasterbotten, coordinator_vindeln):
    vindeln = vasterbotten["vindeln"]
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(vindeln))
    assert page.status_code == 200
    data = admin_form_data(page)
    # Only the contact details are fields; the kommun's name, address and code are the national administrators'.
    assert set(data) == {"website", "phone", "email", "visiting_address"}

    data.update(VINDELN_CONTACTS, name="Kapat namn", slug="kapad")
    response = client.post(change_url(vindeln), data)

    assert response.status_code == 302
    vindeln.refresh_from_db()
    assert vindeln.email == "kommun@example.se" and vindeln.phone == "0933-140 00"
    assert vindeln.name == "Vindeln" and vindeln.slug == "vindeln"


def test_a_coordinator_is_told_what_is_wrong_in_a_contact_detail(client, vasterbotten, coordinator_vindeln):
    vindeln = vasterbotten["vindeln"]
    client.force_login(coordinator_vindeln)
    data = admin_form_data(client.get(change_url(vindeln)))
    data.update(website="javascript:alert(1)", email="inte-en-adress")
    response = client.post(change_url(vindeln), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"website", "email"}
    vindeln.refresh_from_db()
    assert vindeln.website == "" and vindeln.email == ""


def test_a_coordinator_cannot_change_another_kommuns_contact_details(client, vasterbotten, police_coordinator_umea):
    vindeln = vasterbotten["vindeln"]
    client.force_login(police_coordinator_umea)
    assert client.get(change_url(vindeln)).status_code == 404
    response = client.post(change_url(vindeln), {"email": "kapad@example.se"})
    assert response.status_code == 404
    vindeln.refresh_from_db()
    assert vindeln.email == ""


def test_a_coordinator_may_only_view_the_police_area(client, vasterbotten, coordinator_vindeln):
    area = vasterbotten["area"]
    client.force_login(coordinator_vindeln)
    page = client.get(change_url(area))
    assert page.status_code == 200
    # Read-only, its kommuner too: a police area serves several kommuner; national administrators keep it.
    assert not page.context["has_change_permission"]
    assert all(not inline.has_change_permission for inline in page.context["inline_admin_formsets"])
    response = client.post(change_url(area), {"name": area.name, "phone": "010-123 45 67"})
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.phone == ""


def test_a_national_administrator_edits_a_police_areas_contact_details(admin_client_for, vasterbotten):
    area = vasterbotten["area"]
    data = admin_form_data(admin_client_for.get(change_url(area)))
    data.update(phone="114 14", website="https://polisen.example.se/umea")
    response = admin_client_for.post(change_url(area), data)
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.phone == "114 14" and area.website == "https://polisen.example.se/umea"


def test_a_national_administrator_still_edits_every_field_of_a_kommun(admin_client_for, vasterbotten):
    page = admin_client_for.get(change_url(vasterbotten["vindeln"]))
    fields = set(page.context["adminform"].form.fields)
    assert {"name", "slug", "code", "county", "police_area", "website", "phone", "email", "visiting_address"} <= fields
