"""<link rel="canonical"> on every public page: its own absolute address, in its own language, without query noise.

A search engine that finds a page under several addresses (a filter, a tracking parameter, another host name)
indexes the canonical one. It comes from SITE_URL when that is set, so that it does not depend on the Host a
request came with.
"""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.portal.test_languages import PAGE_IDS, PAGES, resolve

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')


def canonical(response):
    found = CANONICAL.findall(response.content.decode())
    assert len(found) <= 1, "one canonical link at most"
    return found[0] if found else None


@pytest.mark.parametrize(("path", "_english"), PAGES, ids=PAGE_IDS)
def test_every_public_page_names_its_own_address_in_each_language(resident, content_and_example_survey, path, _english):
    path = resolve(path)
    bare = path.split("?")[0]
    for prefix in ("", "/en"):
        response = resident.get(prefix + path)
        assert response.status_code == 200
        assert canonical(response) == f"http://testserver{prefix}{bare}", prefix + path


def test_query_noise_is_left_out_but_a_kommun_and_a_page_number_are_kept(resident, content_and_example_survey):
    response = resident.get("/dialoger/?kommun=umea&utm_source=nyhetsbrev&fbclid=abc")
    assert canonical(response) == "http://testserver/dialoger/?kommun=umea"

    response = resident.get("/platser/?sida=1&status=reported")
    assert canonical(response) == "http://testserver/platser/"

    response = resident.get("/sok/?q=trafik&sida=2")
    assert canonical(response) == "http://testserver/sok/?sida=2"


@override_settings(SITE_URL="https://medborgarloften.example.se")
def test_the_configured_site_address_is_used_whatever_the_host(resident, content_and_example_survey):
    response = resident.get("/en/vindeln/", HTTP_HOST="localhost")

    assert canonical(response) == "https://medborgarloften.example.se/en/vindeln/"
    # The language alternatives stand on the same root, or a search engine would see two sites.
    html = response.content.decode()
    assert 'hreflang="sv" href="https://medborgarloften.example.se/vindeln/"' in html
    assert 'hreflang="en" href="https://medborgarloften.example.se/en/vindeln/"' in html
    assert "http://localhost" not in html


def test_a_page_that_does_not_exist_has_none(resident, content_and_example_survey):
    response = resident.get("/finns-inte/ingenstans/")

    assert response.status_code == 404
    assert canonical(response) is None


def test_a_draft_in_preview_has_none(client, vasterbotten, police_coordinator_vindeln):
    # The preview is noindex: a canonical address there would point search engines at a draft.
    draft = vasterbotten["periods"]["vindeln"].follow_ups.get(year=2024)
    client.force_login(police_coordinator_vindeln)

    response = client.get(reverse("admin:promises_followup_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert 'name="robots" content="noindex' in response.content.decode()
    assert canonical(response) is None
