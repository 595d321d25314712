"""Every public form, posted with generated hostile bodies: never a 500.

Fields with wrong types, missing, repeated, huge; invalid CSRF and submission tokens; coordinates, choices and
kommuner that do not exist; hundreds of extra fields; bodies that are not form data at all. Rate limits answer 429
after a few posts from one address, which is a 4xx and fine, but each example posts from an address of its own so
that the forms themselves are what is tested.

test_every_public_post_form_is_fuzzed renders every public page and fails on a POST form that is not in FORMS
below, so a new form cannot go unfuzzed.
"""

import json
import re
import uuid
from urllib.parse import unquote_to_bytes, urlsplit

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from portal.models import Municipality
from surveys.forms.survey import HONEYPOT_FIELD, field_name
from surveys.models import Question, Response, Survey, TimeOfDay
from tests.fuzzing import (
    any_value,
    assert_no_server_error,
    encode,
    fill_route,
    fuzz_settings,
    load_fuzz_content,
    public_patterns,
    store_signed_original,
    text,
)

# The URL names of the public forms this module posts to, one test each below.
FORMS = {"survey_answer", "unsafe_place_report", "suggestion_create", "accessibility_feedback", "subscribe"}

# Enough pages of each pattern to meet its forms: an open survey among the closed ones, a published period.
MAX_PAGES_PER_PATTERN = 12
CSRF_SECRET = "a" * 32  # a well-formed CSRF secret: the cookie and the posted token agree when both are this
COORDINATES = [
    "63,8258",
    "63.8258",
    "20,2630",
    "-63.8258",
    "0",
    "90",
    "-91",
    "181",
    "69,1",
    "55",
    "1e30",
    "-1e30",
    "1e-30",
    "9" * 40,
    "6" * 500,
    "NaN",
    "sNaN",
    "-sNaN",
    "Infinity",
    "-inf",
    "63,82,58",
    "63.82.58",
    "63 8258",
    "1 000",
    "٦٣٫٨٢",
    "６３．８",
    "0x3F",
    "63,8258e2",
]
EMAILS = ["namn@exempel.se", "å@ä.se", "a@[127.0.0.1]", "a@b", "@", "a" * 300 + "@x.se", "a@xn--", "a@-.se"]
PHONES = ["070-123 45 67", "+46 70 123 45 67", "(090) 12 34 56", "12345", "1" * 40, "+", "070–123"]
PAGES = ["/umea/", "http://testserver/umea/", "https://evil.example/", "//evil.example/", "javascript:alert(1)", "/"]


def many_fields():
    """Extra fields: usually none or a few, now and then more than DATA_UPLOAD_MAX_NUMBER_FIELDS allows."""
    few = st.lists(st.tuples(text(), any_value()), max_size=5)
    many = st.sampled_from([300, 2500]).map(lambda count: [(f"extra{n}", "x") for n in range(count)])
    return st.one_of(few, few, few, many)


def field_values(valid):
    """What one field gets: missing, once, or repeated; real values half of the time."""
    return st.one_of(
        st.lists(any_value(valid), min_size=1, max_size=1),
        st.lists(any_value(valid), min_size=1, max_size=1),
        st.lists(any_value(valid), max_size=3),
    )


class PublicFormFuzzTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.valid = load_fuzz_content()
        cls.municipalities = list(Municipality.objects.order_by("name"))
        cls.surveys = {
            survey.slug: survey
            for survey in Survey.objects.prefetch_related("questions__choices", "municipalities").order_by("slug")
        }
        example = Survey.objects.get(slug="exempel-trygghetsundersokning-vindeln")
        # A token already used, so that some posts are repeats of a stored response.
        cls.used_token = Response.objects.create(
            survey=example, municipality=example.municipalities.first(), submission_token=uuid.uuid4()
        ).submission_token

    def setup_example(self):
        super().setup_example()
        # Rate-limit counters and double-submit tokens live in the cache, which the rollback leaves alone.
        cache.clear()
        translation.activate("sv")
        store_signed_original()

    # --- Sending ------------------------------------------------------------------------------------------------

    def post(self, data, path, fields):
        """Post the fields (name, [values]) to the path in one of several encodings, with or without CSRF."""
        language_prefix = data.draw(st.sampled_from(["", "/en"]), label="language")
        path = language_prefix + path
        pairs = [(name, value) for name, values in fields for value in values]
        pairs += data.draw(many_fields(), label="extra fields")
        # Mostly without CSRF checks, like Django's test client, so that most posts reach the form itself.
        enforce_csrf = data.draw(st.integers(0, 5), label="csrf") == 0
        client = Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=False)
        extra = {
            "REMOTE_ADDR": data.draw(st.ip_addresses().map(str), label="address"),
            # What a WSGI server hands Django: the path percent-decoded into latin-1.
            "PATH_INFO": unquote_to_bytes(path).decode("iso-8859-1"),
        }
        if enforce_csrf:
            if data.draw(st.booleans(), label="csrf cookie"):
                client.cookies["csrftoken"] = CSRF_SECRET
            token = data.draw(st.sampled_from([CSRF_SECRET, "b" * 32, "", "a" * 64, "ä" * 32]) | text())
            pairs.append(("csrfmiddlewaretoken", token))
        encoding = data.draw(st.sampled_from(["urlencoded", "urlencoded", "multipart", "json", "charset", "raw"]))
        if encoding == "multipart":
            body = {}
            for name, value in pairs:
                body.setdefault(_text(name), []).append(_text(value))
            if data.draw(st.booleans(), label="file"):
                # A file where a text field is expected.
                body["bilaga"] = [_upload(data.draw(st.binary(max_size=200)))]
            send = lambda: client.post("/", data=body, **extra)  # noqa: E731
        else:
            charsets = st.sampled_from(["latin-1", "utf-16", "x-okänd", ""])
            others = st.sampled_from(["text/plain", "multipart/form-data", "multipart/form-data; boundary=x"])
            content_type = {
                "urlencoded": "application/x-www-form-urlencoded",
                "json": "application/json",
                "charset": "application/x-www-form-urlencoded; charset=" + data.draw(charsets),
                "raw": data.draw(others),
            }[encoding]
            if encoding == "json":
                raw = json.dumps({_text(name): _text(value) for name, value in pairs}).encode()
            elif encoding == "raw":
                raw = data.draw(st.binary(max_size=300), label="raw body")
            else:
                raw = "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs).encode()
            # generic(), not post(): post() re-encodes a body to the charset its content type names.
            send = lambda: client.generic("POST", "/", data=raw, content_type=content_type, **extra)  # noqa: E731
        description = f"POST {path} ({encoding}, csrf {enforce_csrf}) {pairs[:40]}"
        try:
            response = send()
        except Exception as error:
            raise AssertionError(f"{description} raised {error!r}") from error
        assert_no_server_error(response, description)
        return response

    def common_fields(self, data, honeypot, token_name, tokens):
        # The honeypot mostly empty: a filled one ends the request before the form is validated.
        filled = data.draw(st.integers(0, 4), label="honeypot filled") == 0
        return [
            (honeypot, data.draw(field_values(()) if filled else st.sampled_from([[], [""]]), label=honeypot)),
            (token_name, data.draw(field_values(tokens), label=token_name)),
        ]

    # --- The forms ------------------------------------------------------------------------------------------------

    @fuzz_settings(80)
    @given(data=st.data())
    def test_survey_answer_form_never_answers_500(self, data):
        slug = data.draw(st.sampled_from([*self.surveys, "finns-inte"]), label="survey")
        survey = self.surveys.get(slug)
        fields = []
        if survey is not None:
            choices = [str(choice.pk) for question in survey.questions.all() for choice in question.choices.all()]
            for question in survey.questions.all():
                own = [str(choice.pk) for choice in question.choices.all()]
                if question.kind == Question.Kind.PLACE:
                    fields.append((field_name(question, "plats"), data.draw(field_values(["Torget", "x" * 301]))))
                    fields.append((field_name(question, "tid"), data.draw(field_values(TimeOfDay.values))))
                    continue
                valid = {
                    Question.Kind.SINGLE: own + choices[:2],
                    Question.Kind.MULTIPLE: own + choices[:2],
                    Question.Kind.SCALE: ["1", "2", "3", "4", "5", "0", "6"],
                    Question.Kind.TEXT: ["Mer belysning vid skolan.", "x" * 4001],
                }.get(question.kind, [])
                fields.append((field_name(question), data.draw(field_values(valid), label=field_name(question))))
            municipality_ids = [str(m.pk) for m in self.municipalities]
            fields.append(("municipality", data.draw(field_values(municipality_ids), label="municipality")))
        tokens = [str(uuid.uuid4()), str(self.used_token), uuid.uuid4().hex, "{" + str(uuid.uuid4()) + "}"]
        fields += self.common_fields(data, HONEYPOT_FIELD, "submission_token", tokens)
        self.post(data, f"/enkater/{slug}/", fields)

    @fuzz_settings(80)
    @given(data=st.data())
    def test_unsafe_place_report_form_never_answers_500(self, data):
        municipalities = [str(m.pk) for m in self.municipalities] + self.valid.municipality_slugs[:1]
        fields = [
            ("municipality", data.draw(field_values(municipalities), label="municipality")),
            ("title", data.draw(field_values(["Gångtunneln", "x" * 201]), label="title")),
            ("description", data.draw(field_values(["Mörkt."]), label="description")),
            ("why", data.draw(field_values(["Dålig belysning."]), label="why")),
            ("time_of_day", data.draw(field_values(["", *TimeOfDay.values]), label="time_of_day")),
            ("latitude", data.draw(field_values(COORDINATES), label="latitude")),
            ("longitude", data.draw(field_values(COORDINATES), label="longitude")),
        ]
        fields += self.common_fields(data, "hemsida", "token", [uuid.uuid4().hex, "0" * 32, "A" * 32])
        self.post(data, "/platser/rapportera/", fields)

    @fuzz_settings(40)
    @given(data=st.data())
    def test_suggestion_form_never_answers_500(self, data):
        slug = data.draw(any_value(self.valid.municipality_slugs), label="kommun")
        fields = [("text", data.draw(field_values(["Fler vuxna ute på kvällarna.", "x" * 4001]), label="text"))]
        fields += self.common_fields(data, "website", "token", [str(uuid.uuid4()), "not-a-uuid"])
        self.post(data, fill_route("/<slug:s>/synpunkt/", {"s": slug}), fields)

    @fuzz_settings(40)
    @given(data=st.data())
    def test_accessibility_feedback_form_never_answers_500(self, data):
        fields = [
            ("page", data.draw(field_values(PAGES), label="page")),
            ("problem", data.draw(field_values(["Knappen går inte att nå med tangentbordet.", "x" * 4001]))),
            ("email", data.draw(field_values(EMAILS), label="email")),
            ("phone", data.draw(field_values(PHONES), label="phone")),
        ]
        fields += self.common_fields(data, "website", "token", [str(uuid.uuid4()), "not-a-uuid"])
        self.post(data, "/tillganglighet/synpunkt/", fields)

    @fuzz_settings(40)
    @given(data=st.data())
    def test_subscription_form_never_answers_500(self, data):
        slug = data.draw(any_value(self.valid.municipality_slugs), label="kommun")
        fields = [("email", data.draw(field_values(EMAILS), label="email"))]
        fields += self.common_fields(data, "website", "token", [str(uuid.uuid4()), "not-a-uuid"])
        self.post(data, fill_route("/<slug:s>/prenumerera/", {"s": slug}), fields)

    # --- Every form is here -----------------------------------------------------------------------------------

    def test_every_public_post_form_is_fuzzed(self):
        client = Client()
        posted_to = {}
        pages = (page for pattern in public_patterns().values() for page in self._render_pages(client, pattern))
        for path, html in pages:
            for form in re.finditer(r"<form\b[^>]*>", html):
                tag = form.group(0)
                if not re.search(r"method=[\"']?post", tag, re.IGNORECASE):
                    continue
                action = re.search(r"action=[\"']([^\"']*)[\"']", tag)
                target = urlsplit(action.group(1)).path if action and action.group(1) else path
                try:
                    posted_to[resolve(target).url_name] = path
                except Resolver404:
                    posted_to[target] = path
        assert set(public_patterns()) >= FORMS, "FORMS names a URL that no longer exists"
        assert set(posted_to) >= {"survey_answer", "unsafe_place_report", "suggestion_create"}, posted_to
        unfuzzed = {name: page for name, page in posted_to.items() if name not in FORMS}
        assert not unfuzzed, f"Public POST forms without a fuzz test in {__name__} (form → a page with it): {unfuzzed}"

    def _render_pages(self, client, pattern):
        """Pages of this pattern with real content (HTML only: PDFs and data files hold no forms)."""
        _language, route = pattern.routes[0]
        if not route.endswith("/"):
            return
        candidates = self.valid.for_arguments(pattern.argument_names) or [
            dict.fromkeys(pattern.argument_names, value)
            for value in dict.fromkeys(
                value for name in pattern.argument_names for value in self.valid.for_argument(name)
            )
        ]
        for values in (candidates or [{}])[:MAX_PAGES_PER_PATTERN]:
            path = "/" + fill_route(route, values)
            response = client.get(path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                yield path, response.content.decode()


def _text(value):
    return value.text if hasattr(value, "text") else str(value)


def _upload(content):
    return SimpleUploadedFile("bilaga.pdf", content, content_type="application/pdf")
