"""Admin change forms with errors: a summary at the top linking to each field, and each error still at its field."""

import re

import pytest
from django import forms
from django.urls import reverse

from portal.templatetags.admin_workspace import admin_error_summary
from tests.admin_forms import admin_form_data, inline_prefix
from tests.surveys.test_unsafe_place_admin import add_form

pytestmark = pytest.mark.django_db

PLACE_ADD = reverse("admin:surveys_unsafeplace_add")


def summary_links(page):
    box = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert box, "no error summary"
    assert "Det finns fel i formuläret" in box.group(0)
    return re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0), re.S)


def element_ids(page):
    return set(re.findall(r'\sid="([^"]+)"', page))


def test_invalid_field_is_listed_in_the_summary_with_a_link_to_its_input(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    response = client.post(PLACE_ADD, add_form(vasterbotten, latitude="63.8", longitude="norr"))

    page = response.content.decode()
    links = summary_links(page)
    assert [href for href, _text in links] == ["id_longitude"]
    assert "Longitud: Skriv positionen som ett decimaltal i grader" in links[0][1]
    assert re.search(r'<input[^>]+name="longitude"[^>]+id="id_longitude"', page)
    # The error also stays at its field, not only at the top.
    row = page[page.index('class="flex-container fieldBox field-longitude') - 400 :]
    assert "Skriv positionen som ett decimaltal" in row[:600]
    # The summary is focused by a static script (no inline script under the CSP).
    assert "js/admin-error-summary" in page and 'tabindex="-1"' in page


def test_a_valid_form_has_no_summary(client, coordinator_vindeln, vasterbotten):
    client.force_login(coordinator_vindeln)

    page = client.get(PLACE_ADD).content.decode()

    assert "error-summary" not in page.split("</head>")[1]


def test_inline_field_errors_link_to_the_inline_input(client, coordinator_vindeln, vasterbotten):
    follow_up = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2024)
    url = reverse("admin:promises_followup_change", args=[follow_up.pk])
    client.force_login(coordinator_vindeln)
    opened = client.get(url)
    data = admin_form_data(opened)
    prefix = inline_prefix(opened, 0)
    data[f"{prefix}-status"] = "inget-sådant"

    response = client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200
    hrefs = [href for href, _text in summary_links(page)]
    assert any(href.startswith(f"id_{prefix}-status") for href in hrefs), hrefs
    assert set(hrefs) <= element_ids(page), "every link goes to an element on the page"
    assert any("rad 1" in text for _href, text in summary_links(page))


class _Form(forms.Form):
    title = forms.CharField(label="Rubrik")
    kind = forms.ChoiceField(label="Sort", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    def clean(self):
        raise forms.ValidationError("Någon annan har sparat ändringar medan du skrev.")


class _AdminForm:
    def __init__(self, form):
        self.form = form


def test_non_field_and_radio_errors_are_linked_too():
    form = _Form(data={"title": "", "kind": "x"})
    form.is_valid()

    items = admin_error_summary(_AdminForm(form), [], "thing_form")["items"]

    assert [(item["label"], item["href"]) for item in items] == [
        ("", "#thing_form"),
        ("Rubrik", "#id_title"),
        ("Sort", "#id_kind_0"),
    ]
    assert items[0]["message"] == "Någon annan har sparat ändringar medan du skrev."
