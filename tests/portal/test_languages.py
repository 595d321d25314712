"""English at /en/…: every public page kind answers in English; Swedish stays the default at /…; the .po is complete.

The language of a page is in its address only. Swedish (the portal's language, and the language of the signed
texts) is served at /…, whatever the browser's Accept-Language says, so that one address always gives one
page and shared caches need not vary on the header; English is at /en/…, reached with the language switcher.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from portal.models import Municipality, PoliceArea
from promises.models import Party, PromisePeriod, Signatory
from surveys.models import Dialogue
from tests.html_language import document_language, swedish_words_outside_swedish

BASE = Path(settings.BASE_DIR)
PO_FILE = BASE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# (Swedish address, words the English page must say): one of every kind of public page, with the real content.
PAGES = [
    ("/", "Citizen promises: what the police and the municipality promise you"),
    ("/om/", "About citizen promises"),
    ("/lattlast/", "Citizen promises: easy to read"),
    ("/vindeln/", "Citizen promises in Vindelns kommun"),
    ("/bjurholm/", "No citizen promise published yet"),
    ("/vindeln/2023-2025/", "Citizen promises 2023–2025"),
    ("/umea/2021-2022/", "Parties and signatures"),
    ("/umea/2023-2024/", "Extends the citizen promises 2021–2022."),
    ("/umea/2021-2022/uppfoljning/2021/", "Follow-up 2021 of the citizen promises 2021–2022"),
    ("/vindeln/2023-2025/dokument/", "The document is the Swedish original."),
    ("/umea/2021-2022/uppfoljning/2021/rapport/", "The report is the Swedish original."),
    ("/platser/", "Unsafe places"),
    ("/platser/rapportera/", "Report a place"),
    ("/platser/rapportera/tack/", "Thank you for your report"),
    ("/dialoger/", "Dialogues and safety walks"),
    ("/dialoger/{dialogue}/", "You said – we did"),
    ("/umea/synpunkt/", "What do you think could be done to make people safer in Umeå kommun?"),
    ("/umea/synpunkt/tack/", "Thank you for your suggestion"),
    ("/enkater/", "Safety surveys you can answer now"),
    ("/enkater/exempel-trygghetsundersokning-vindeln/", "Send your answers"),
    ("/sok/?q=trafik", "Search"),
    ("/teman/", "Themes in the citizen promises"),
    ("/teman/droger/", "Theme: Drugs"),
    ("/oversikt/", "Citizen promises across Sweden"),
    ("/flode/", "News feeds"),
    ("/oppna-data/", "Open data"),
    ("/tillganglighet/", "Accessibility statement"),
    ("/tillganglighet/synpunkt/", "Report an accessibility problem"),
]
PAGE_IDS = [path.split("?")[0].strip("/").replace("/", "_").replace("{dialogue}", "n") or "home" for path, _ in PAGES]

# Where Swedish words on an English page are the content itself rather than text of the portal's own:
# - the survey's questions and answers are written in Swedish by the kommun (its title and sections are marked
#   lang="sv"; the questions come from crispy-forms' field templates and are not);
# - open data documents the Swedish status words that the CSV files contain.
LEAKS_ALLOWED = {
    "/enkater/exempel-trygghetsundersokning-vindeln/": None,
    "/oppna-data/": [
        "Ej påbörjad Pågår Löpande Genomförd Delvis genomförd Försenad Omförhandlad Avbruten",
    ],
}


def proper_names():
    """Names of places, organisations and people: the same in both languages (WCAG 3.1.2 exempts them)."""
    names = [settings.SITE_NAME]
    for municipality in Municipality.objects.all():
        names += [municipality.name, municipality.official_name, municipality.county]
    for area in PoliceArea.objects.all():
        names += [area.name, area.region]
    names += [name for party in Party.objects.all() for name in (party.name, party.short_name)]
    names += list(Signatory.objects.values_list("name", flat=True))
    names += list(PromisePeriod.objects.values_list("signed_place", flat=True))
    return names


def resolve(path):
    if "{dialogue}" in path:
        dialogue = Dialogue.objects.published().order_by("starts_at").first()
        path = path.format(dialogue=dialogue.pk)
    return path


@pytest.mark.parametrize(("path", "english"), PAGES, ids=PAGE_IDS)
def test_every_public_page_answers_in_english_at_en(resident, content_and_example_survey, path, english):
    path = resolve(path)

    response = resident.get("/en" + path)

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert document_language(html) == "en"
    assert english in html
    # The page's frame: skip link, menu, footer.
    for frame in ("Skip to main content", 'aria-label="Main menu"', "How citizen promises work", "Contact the police"):
        assert frame in html
    allowed = LEAKS_ALLOWED.get(path.split("?")[0], [])
    if allowed is not None:
        leaks = swedish_words_outside_swedish(html, allowed=[*proper_names(), *allowed])
        assert leaks == [], f'Swedish outside lang="sv" on /en{path}: {sorted(set(leaks))}'


def test_not_found_page_answers_in_english_at_en(resident, content_and_example_survey):
    response = resident.get("/en/finns-inte/")

    assert response.status_code == 404
    html = response.content.decode()
    assert document_language(html) == "en"
    assert "Page not found" in html and "/en/vindeln/2023-2025/" in html
    assert '<a href="/finns-inte/" hreflang="sv" lang="sv">Svenska</a>' in html


def test_language_switcher_falls_back_to_the_home_page_for_an_address_no_page_has(resident, content_and_example_survey):
    html = resident.get("/en/a/b/c/d/").content.decode()

    assert '<a href="/" hreflang="sv" lang="sv">Svenska</a>' in html


@pytest.mark.parametrize(("path", "english"), PAGES, ids=PAGE_IDS)
def test_every_public_page_stays_swedish_at_its_swedish_address(resident, content_and_example_survey, path, english):
    path = resolve(path)

    response = resident.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert document_language(html) == "sv"
    assert "Till huvudinnehållet" in html
    assert english not in html


def test_language_switcher_links_to_the_same_page_in_the_other_language(resident, content_and_example_survey):
    swedish = resident.get("/vindeln/2023-2025/").content.decode()
    english = resident.get("/en/vindeln/2023-2025/").content.decode()

    assert '<a href="/en/vindeln/2023-2025/" hreflang="en" lang="en">English</a>' in swedish
    assert '<a href="/vindeln/2023-2025/" hreflang="sv" lang="sv">Svenska</a>' in english
    # Only the other language is offered.
    assert ">English</a>" not in english and ">Svenska</a>" not in swedish


def test_language_switcher_keeps_the_query_string(resident, content_and_example_survey):
    html = resident.get("/sok/?q=trafik").content.decode()

    assert '<a href="/en/sok/?q=trafik" hreflang="en" lang="en">English</a>' in html


def test_pages_name_both_language_versions_with_hreflang(resident, content_and_example_survey):
    html = resident.get("/en/umea/2021-2022/uppfoljning/2021/").content.decode()

    assert '<link rel="alternate" hreflang="sv" href="http://testserver/umea/2021-2022/uppfoljning/2021/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/umea/2021-2022/uppfoljning/2021/">' in html
    # Swedish is the version for a reader whose language is neither (and the site name stays Swedish on /en/).
    swedish = "http://testserver/umea/2021-2022/uppfoljning/2021/"
    assert f'<link rel="alternate" hreflang="x-default" href="{swedish}">' in html
    assert 'class="site-name" href="/en/" lang="sv">' in html


def test_swedish_stays_the_default_whatever_the_browser_asks_for(resident, content_and_example_survey):
    response = resident.get("/vindeln/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert response.status_code == 200  # no redirect to /en/
    assert document_language(response.content.decode()) == "sv"
    assert response["Content-Language"] == "sv"


def test_a_language_cookie_does_not_change_the_swedish_address_either(resident, content_and_example_survey):
    resident.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = resident.get("/")

    assert document_language(response.content.decode()) == "sv"


@pytest.mark.parametrize("path", ["/", "/en/", "/vindeln/2023-2025/", "/en/vindeln/2023-2025/", "/sitemap.xml"])
def test_responses_do_not_vary_on_accept_language(resident, content_and_example_survey, path):
    # One address is one page, so a shared cache keeps one copy per address, not one per browser language.
    response = resident.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "accept-language" not in response.get("Vary", "").lower()


def test_admin_stays_swedish_with_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert document_language(response.content.decode()) == "sv"


def test_simple_history_strings_are_still_swedish_in_the_admin():
    # locale/sv translates django-simple-history, which ships no Swedish; makemessages for en must not touch it.
    with translation.override("sv"):
        assert translation.gettext("Change history: %s") == "Ändringshistorik: %s"
        assert translation.gettext("Revert %s") == "Återställ %s"


# --- The translation itself (locale/en/LC_MESSAGES/django.po) ---


def read_po(path):
    """A small .po reader: [{"msgctxt", "msgid", "msgid_plural", "msgstr": [..], "flags"}] without obsolete entries."""
    entries, entry, field = [], None, None

    def unquote(text):
        return ast.literal_eval(text)

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry and entry["msgid"] is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#~"):
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
            continue
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            field = (keyword, int(index or 0))
            if keyword == "msgstr":
                entry["msgstr"][field[1]] = unquote(value)
            else:
                entry[keyword] = unquote(value)
        else:
            keyword, index = field
            if keyword == "msgstr":
                entry["msgstr"][index] += unquote(line)
            else:
                entry[keyword] += unquote(line)
    return [entry for entry in entries if entry["msgid"]]


def test_english_translation_has_no_untranslated_or_fuzzy_entries():
    entries = read_po(PO_FILE)

    assert len(entries) > 1000
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"].values()) or not entry["msgstr"]]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated in {PO_FILE}: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {PO_FILE}: {fuzzy[:10]}"


def test_english_translation_keeps_every_placeholder():
    placeholder = re.compile(r"%\((\w+)\)[sd]|%[sd]")
    wrong = []
    for entry in read_po(PO_FILE):
        expected = sorted(placeholder.findall(entry["msgid_plural"] or entry["msgid"]))
        for msgstr in entry["msgstr"].values():
            found = sorted(placeholder.findall(msgstr))
            # A singular may leave out the count (”one …”), never invent or lose a name.
            if found != expected and not (entry["msgid_plural"] and set(found) <= set(expected)):
                wrong.append((entry["msgid"], msgstr))
    assert wrong == []


def test_compiled_translation_is_up_to_date_with_the_po_file():
    with MO_FILE.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = []
    for entry in read_po(PO_FILE):
        if entry["msgid_plural"]:
            got = catalog.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            expected = entry["msgstr"][0]
        elif entry["msgctxt"] is not None:
            got = catalog.pgettext(entry["msgctxt"], entry["msgid"])
            expected = entry["msgstr"][0]
        else:
            got = catalog.gettext(entry["msgid"])
            expected = entry["msgstr"][0]
        if got != expected:
            stale.append(entry["msgid"])
    assert stale == [], f"{MO_FILE} is older than the .po: run `make messages` (compilemessages). {stale[:5]}"


TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?[^%]*%}""")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}


def source_strings():
    """(context, msgid, where) of every literal {% translate %} in templates and gettext call in Python code."""
    found = []
    for path in sorted((BASE / "templates").rglob("*.html")):
        if path.is_relative_to(BASE / "templates" / "simple_history"):
            # Copies of django-simple-history's templates, made only to drop inline styles (CSP): they keep the
            # library's own English msgids, which the library's catalogue and locale/sv translate.
            continue
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.append((match.group(4), match.group(2), str(path.relative_to(BASE))))
    for app in ("portal", "promises", "surveys"):
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in GETTEXT_NAMES:
                    continue
                arguments = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
                context = arguments.pop(0) if node.func.id.startswith("pgettext") and arguments else None
                if arguments and isinstance(arguments[0], str):
                    found.append((context, arguments[0], str(path.relative_to(BASE))))
    return found


def test_every_string_in_the_code_is_in_the_english_translation():
    known = {(entry["msgctxt"], entry["msgid"]) for entry in read_po(PO_FILE)}

    missing = sorted({(msgid, where) for context, msgid, where in source_strings() if (context, msgid) not in known})

    assert missing == [], f"Not in {PO_FILE.name}; run `make messages` and translate: {missing[:10]}"


def test_server_error_page_is_static_and_says_it_in_both_languages():
    # Shown when the portal itself fails, so it cannot depend on templates, the database or the language.
    html = (BASE / "templates" / "500.html").read_text(encoding="utf-8")

    assert "{%" not in html and "{{" not in html
    assert document_language(html) == "sv"
    assert "Något gick fel hos oss" in html
    assert '<section lang="en">' in html and "Something went wrong on our side" in html
    assert swedish_words_outside_swedish(html.split('<section lang="en">', 1)[1], allowed=["Medborgarlöften"]) == []
