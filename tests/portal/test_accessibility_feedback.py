"""/tillganglighet/synpunkt/: report an accessibility problem; stored once for national administrators, never public."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from portal.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db

FORM_URL = "/tillganglighet/synpunkt/"
THANKS_URL = "/tillganglighet/synpunkt/tack/"
CHANGELIST = "/admin/portal/accessibilityfeedback/"


@pytest.fixture(autouse=True)
def _clean_slate():
    # Rate-limit counters and used form tokens live in the cache; every test starts without them. A request to
    # /en/… leaves English active in this thread; the next test's reverse() must not inherit it.
    cache.clear()
    yield
    cache.clear()
    translation.deactivate()


def token_from(response):
    return re.search(r'name="token" value="([0-9a-f-]+)"', response.content.decode()).group(1)


def post(client, url=FORM_URL, token=None, **fields):
    data = {
        "page": "/umea/",
        "problem": "Knappen Skicka går inte att nå med tangentbordet.",
        "email": "",
        "phone": "",
        "website": "",
        "token": str(uuid.uuid4()) if token is None else token,
    }
    data.update(fields)
    extra = {key: data.pop(key) for key in list(data) if key.isupper()}
    return client.post(url, data, **extra)


def test_urls():
    assert reverse("accessibility_feedback") == FORM_URL
    assert reverse("accessibility_feedback_thanks") == THANKS_URL


def test_form_asks_which_page_what_the_problem_is_and_how_to_answer(resident):
    response = resident.get(FORM_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Rapportera ett tillgänglighetsproblem</h1>" in content
    assert "Vilken sida gäller det?" in content
    assert "Vad är problemet?" in content
    assert 'name="problem"' in content and 'maxlength="4000"' in content and "required" in content
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', content)
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"', content)
    assert "publiceras aldrig" in content
    assert "Vi raderar det du skickat efter 365 dagar." in content


def test_form_is_never_cached(resident):
    # Each visitor's form carries its own double-submit token.
    assert "no-store" in resident.get(FORM_URL)["Cache-Control"]


def test_honeypot_is_labelled_hidden_and_out_of_the_tab_order(resident):
    content = resident.get(FORM_URL).content.decode()

    honeypot = re.search(r'<div[^>]*class="[^"]*form-honeypot[^"]*"[^>]*>.*?</div>\s*</div>', content, re.S)
    assert honeypot, "the honeypot field must sit in a .form-honeypot wrapper (hidden by site.css)"
    assert "Lämna det här fältet tomt" in honeypot.group(0)
    field = re.search(r"<input[^>]*name=\"website\"[^>]*>", content).group(0)
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


@pytest.mark.parametrize(
    ("sida", "prefilled"),
    [
        ("/umea/", "/umea/"),
        ("/en/umea/2023-2024/?visa=alla", "/en/umea/2023-2024/?visa=alla"),
        ("http://testserver/vindeln/", "/vindeln/"),
        ("https://evil.example/umea/", ""),
        ("//evil.example/umea/", ""),
        ("javascript:alert(1)", ""),
        ("umea", ""),
        ("/\\evil.example", ""),
        ("/" + "a" * 600, ""),
    ],
)
def test_page_is_filled_in_from_the_link_only_when_it_is_on_this_site(resident, sida, prefilled):
    content = resident.get(FORM_URL, {"sida": sida}).content.decode()

    field = re.search(r'<input type="text" name="page"[^>]*>', content).group(0)
    if prefilled:
        assert f'value="{prefilled.replace("&", "&amp;")}"' in field
    else:
        assert "value=" not in field
    assert "evil.example" not in field and "javascript" not in field


def test_a_valid_report_is_stored_and_the_sender_is_thanked(resident):
    response = post(resident, email="anna@example.se", phone="070-123 45 67")

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page == "/umea/"
    assert feedback.problem == "Knappen Skicka går inte att nå med tangentbordet."
    assert feedback.email == "anna@example.se"
    assert feedback.phone == "070-123 45 67"
    assert feedback.language == "sv"
    assert feedback.handled is False


def test_page_and_contact_are_optional(resident):
    assert post(resident, page="").status_code == 302

    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.page, feedback.email, feedback.phone) == ("", "", "")


def test_an_address_copied_from_the_address_bar_is_stored_as_its_path(resident):
    post(resident, page="  http://testserver/vindeln/2023-2025/?a=1  ")

    assert AccessibilityFeedback.objects.get().page == "/vindeln/2023-2025/?a=1"


def test_a_report_from_the_english_form_is_marked_english(resident):
    response = post(resident, url="/en" + FORM_URL)

    assert response["Location"] == "/en" + THANKS_URL
    assert AccessibilityFeedback.objects.get().language == "en"


def test_thanks_page(resident):
    content = resident.get(THANKS_URL).content.decode()

    assert "Tack för att du berättade" in content
    assert "publiceras aldrig" in content
    assert "Vi raderar det du skickat efter 365 dagar." in content
    assert 'href="/tillganglighet/"' in content


def test_empty_problem_is_refused_in_swedish_and_what_was_typed_is_kept(resident):
    response = post(resident, problem="   ", page="/vindeln/", email="anna@example.se")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Beskriv problemet innan du skickar." in content
    assert "<title>Fel i formuläret:" in content
    # The summary at the top links to the field.
    assert '<a href="#id_problem">Vad är problemet?: Beskriv problemet innan du skickar.</a>' in content
    assert 'value="/vindeln/"' in content and 'value="anna@example.se"' in content
    assert not AccessibilityFeedback.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("page", "https://evil.example/", "Skriv adressen till en sida på den här webbplatsen"),
        ("page", "javascript:alert(1)", "Skriv adressen till en sida på den här webbplatsen"),
        ("email", "anna@", "Skriv en hel e-postadress, till exempel namn@exempel.se"),
        ("phone", "ring mig", "Skriv telefonnumret med siffror, till exempel 070-123 45 67"),
        ("phone", "12", "Skriv telefonnumret med siffror"),
    ],
)
def test_bad_page_or_contact_is_refused_with_a_message(resident, field, value, message):
    response = post(resident, **{field: value})

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Knappen Skicka går inte att nå med tangentbordet." in content
    assert not AccessibilityFeedback.objects.exists()


def test_too_long_problem_is_refused_and_what_was_typed_is_kept(resident):
    problem = "Kontrasten är för låg. " * 200  # 4 600 characters

    response = post(resident, problem=problem)

    assert response.status_code == 200
    content = response.content.decode()
    assert "högst 4000 tecken" in content
    assert problem.strip() in content
    assert not AccessibilityFeedback.objects.exists()


def test_hostile_text_is_stored_as_written_and_escaped_when_shown_again(resident):
    hostile = '<script>alert("x")</script>'

    response = post(resident, problem=hostile, email="inte-en-adress<script>")

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert post(resident, problem=hostile).status_code == 302
    assert AccessibilityFeedback.objects.get().problem == hostile


def test_a_huge_post_is_refused_before_it_is_read(resident):
    response = post(resident, problem="x" * (3 * 1024 * 1024))

    # 413 Content Too Large with the portal's Swedish page (templates/413.html), not Django's generic 400.
    assert response.status_code == 413
    assert "Det du skickade var för stort" in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()


def test_a_filled_in_honeypot_is_thanked_but_nothing_is_stored(resident):
    response = post(resident, website="https://spam.example")

    assert response.status_code == 302
    assert response["Location"] == THANKS_URL
    assert not AccessibilityFeedback.objects.exists()


def test_a_double_submit_of_one_form_stores_one_report(resident):
    token = token_from(resident.get(FORM_URL))

    first = post(resident, token=token)
    second = post(resident, token=token)

    assert first.status_code == second.status_code == 302
    assert AccessibilityFeedback.objects.count() == 1


def test_the_token_does_not_clash_with_another_forms_token(resident):
    token = str(uuid.uuid4())
    cache.add(f"suggestion-token:{token}", True)

    assert post(resident, token=token).status_code == 302
    assert AccessibilityFeedback.objects.count() == 1


@pytest.mark.parametrize("token", ["", "inte-en-nyckel"])
def test_a_missing_or_broken_token_is_refused_and_a_fresh_one_given(resident, token):
    response = post(resident, token=token)

    assert response.status_code == 200
    assert "Formuläret gick inte att skicka. Försök igen." in response.content.decode()
    assert not AccessibilityFeedback.objects.exists()
    assert post(resident, token=token_from(response)).status_code == 302
    assert AccessibilityFeedback.objects.count() == 1


def test_too_many_reports_from_one_address_are_answered_with_429(resident):
    for _ in range(5):
        assert post(resident, REMOTE_ADDR="198.51.100.4").status_code == 302

    response = post(resident, REMOTE_ADDR="198.51.100.4")

    assert response.status_code == 429
    assert response["Retry-After"]
    assert AccessibilityFeedback.objects.count() == 5
    # Another address is not held back, and reading the form is never limited.
    assert post(resident, REMOTE_ADDR="198.51.100.5").status_code == 302
    assert resident.get(FORM_URL, REMOTE_ADDR="198.51.100.4").status_code == 200


def test_nothing_about_the_sender_is_stored_but_what_they_wrote(resident):
    post(resident, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Testläsare/1.0")

    feedback = AccessibilityFeedback.objects.values().get()
    assert not any("203.0.113.7" in str(value) or "Testläsare" in str(value) for value in feedback.values())
    assert set(feedback) == {"id", "page", "problem", "email", "phone", "language", "submitted_on", "handled", "note"}


def test_feedback_is_never_shown_on_a_public_page(resident):
    secret = "HEMLIG synpunkt om kontrasten, svara på hemlig@example.se"
    post(resident, problem=secret, email="hemlig@example.se")
    assert AccessibilityFeedback.objects.exists()

    for url in ["/", "/tillganglighet/", FORM_URL, THANKS_URL, "/en/tillganglighet/", "/sitemap.xml", "/flode/"]:
        response = resident.get(url)
        assert response.status_code == 200, url
        assert "HEMLIG" not in response.content.decode(), url
        assert "hemlig@example.se" not in response.content.decode(), url
    assert resident.get(CHANGELIST).status_code == 302  # to the admin's login


@pytest.mark.parametrize("count", [0, 5])
def test_form_page_query_count(resident, django_assert_num_queries, count):
    for _ in range(count):
        AccessibilityFeedback.objects.create(problem="Något.")

    with django_assert_num_queries(0):
        assert resident.get(FORM_URL).status_code == 200
    with django_assert_num_queries(1):
        assert post(resident).status_code == 302


@pytest.fixture
def feedback(db):
    return AccessibilityFeedback.objects.create(
        page="/umea/", problem="Fokusramen syns inte på länkarna.", email="anna@example.se"
    )


def test_national_admin_reads_and_handles_feedback(admin_client_for, feedback):
    content = admin_client_for.get(CHANGELIST).content.decode()
    assert "Fokusramen syns inte på länkarna." in content
    assert "Synpunkter om tillgänglighet" in admin_client_for.get("/admin/").content.decode()

    page = admin_client_for.get(f"{CHANGELIST}{feedback.pk}/change/")
    assert page.status_code == 200
    assert "anna@example.se" in page.content.decode()

    response = admin_client_for.post(
        CHANGELIST, {"action": "mark_handled", "_selected_action": [feedback.pk]}, follow=True
    )
    assert response.status_code == 200
    feedback.refresh_from_db()
    assert feedback.handled is True


def test_national_admin_cannot_add_feedback_by_hand(admin_client_for):
    assert admin_client_for.get(f"{CHANGELIST}add/").status_code == 403


@pytest.mark.parametrize("persona", ["coordinator_vindeln", "police_coordinator_umea", "staff_without_kommun"])
def test_coordinators_never_see_feedback(client, request, feedback, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{feedback.pk}/change/").status_code == 403
    assert client.post(f"{CHANGELIST}{feedback.pk}/change/", {"handled": "on"}).status_code == 403
    assert client.post(f"{CHANGELIST}{feedback.pk}/delete/", {"post": "yes"}).status_code == 403
    assert "tillgänglighet" not in client.get("/admin/").content.decode().lower()
    feedback.refresh_from_db()
    assert feedback.handled is False


def test_a_coordinator_given_the_permission_by_mistake_still_does_not_see_it(client, coordinator_vindeln, feedback):
    from django.contrib.auth.models import Permission

    coordinator_vindeln.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__endswith="accessibilityfeedback")
    )
    client.force_login(coordinator_vindeln)

    assert client.get(CHANGELIST).status_code == 403
