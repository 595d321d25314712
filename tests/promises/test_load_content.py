"""`manage.py load_content`: the official Västerbotten texts, word for word, loaded idempotently."""

import datetime
import io
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from portal.models import Municipality, PoliceArea
from promises import content_loader
from promises.content_loader import CONTENT_MODELS
from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    Party,
    PromisePeriod,
    Publication,
    Recurrence,
    ReportStatus,
    Theme,
)
from tests.factories import make_follow_up

pytestmark = pytest.mark.django_db

UMEA = "Umeå kommun"
POLICE = "Lokalpolisområde Umeå"

# (focus area, title, text, responsible parties, frequency, target): transcribed by hand from the source.
UMEA_PROMISES = [
    (
        "Mer tillgänglig polis",
        "Kontakt med medborgarna",
        "Polisen lovar att eftersträva att vid varje möjligt tillfälle arbeta förtroende och "
        "kontaktskapande med medborgarna i Umeå kommun.",
        {POLICE},
        "",
        "",
    ),
    (
        "Öka trygghet och minska brottslighet",
        "Grannsamverkan",
        "Polisen lovar att verka för att fler medborgare engagerar sig i Grannsamverkan och därigenom bidra "
        "till att öka tryggheten och minska brottsligheten i Umeå kommun.",
        {POLICE},
        "",
        "",
    ),
    (
        "Öka trygghet och minska brottslighet",
        "Våld i nära relationer",
        "Polisen och Umeå kommun lovar att verka för att öka medvetenheten hos våra medborgare gällande "
        "våld i nära relationer och på så sätt förhindra och förebygga brott.",
        {UMEA, POLICE},
        "",
        "",
    ),
    (
        "Öka trygghet och minska brottslighet",
        "Prostitution och människohandel",
        "Polisen och Umeå kommun lovar att vidta åtgärder mot prostitution samt motverka människohandel med "
        "sexuella ändamål i kommunen.",
        {UMEA, POLICE},
        "",
        "",
    ),
    (
        "Öka trygghet och minska brottslighet",
        "Unga och droger",
        "Polisen och Umeå kommun lovar att göra sitt yttersta för att skydda unga i Umeå från narkotika och "
        "andra droger. Fokus ska ligga på förebyggande arbete, tidig upptäckt och förstärkt stöd.",
        {UMEA, POLICE},
        "",
        "",
    ),
    (
        "Trygg trafikmiljö",
        "Säker trafikmiljö",
        "Polisen och Umeå kommun lovar att arbeta för en säker och trygg trafikmiljö för oskyddade trafikanter.",
        {UMEA, POLICE},
        "",
        "",
    ),
    (
        "Trygg trafikmiljö",
        "Cyklister och gångtrafikanter",
        "Polisen tillsammans med Umeå kommun lovar att vid minst två tillfällen under året, vår och höst, "
        "genomföra särskilda trafik- och informationsinsatser riktade till cyklister och gångtrafikanter. "
        "Inriktning under våren är trafikregler, förändringar i trafiklagstiftning och cykelhjälm. "
        "Inriktning under hösten är belysning och reflexer.",
        {UMEA, POLICE},
        "minst två tillfällen under året, vår och höst",
        "",
    ),
    (
        "Trygg trafikmiljö",
        "Mopeder och A-traktorer",
        "Polisen lovar att vid minst två tillfällen under året genomföra särskilda trafikinsatser utöver "
        "det dagliga trafiksäkerhetsarbetet. Insatserna inriktas mot trimmade mopeder samt A-traktorer.",
        {POLICE},
        "minst två tillfällen under året",
        "",
    ),
    (
        "Trygg trafikmiljö",
        "Kampanjer och trafikutbildning",
        "Umeå kommun lovar att genomföra särskilda kampanjer i syfte att förbättra trafikantbeteendet samt "
        "erbjuda varje elev i årskurs 4 trafikutbildning.",
        {UMEA},
        "",
        # The document gives no target in words of its own: none is made up (issue 16).
        "",
    ),
]

# The whole sentence of the news page, not the subordinate clause cut out of it (issue 16).
UMEA_ADDITION = (
    "Tillägget innefattar att Umeå kommun tillsammans med polisen aktivt också ska arbeta för att främja "
    "motorburna ungas möjlighet att utöva sitt motorintresse, och samtidigt vidta åtgärder för att motverka "
    "de problem som kan uppstå kring det."
)

KAPABLA_VAKTARE = (
    "Vindelns kommun kommer i samverkan med Länsstyrelsen och polisen att jobba med projektet Kapabla "
    "väktare på landsbygden. Genom att utbilda lokala aktörer som traditionellt inte brukar framhållas som "
    "brottspreventiva önskar vi göra framsteg i att förebygga och upptäcka våld som sker i nära relationer. "
    "Projektet kommer att följas och utvärderas av forskare från Umeå universitet."
)

VINDELN_FOCUS_AREAS = [
    (
        "Droger",
        "droger",
        "Droger är vanligt förekommande i dagens samhälle och användning av droger påverkar såväl individen "
        "som samhället negativt. Polisen och kommunen ska verka aktivt för att förebygga och begränsa "
        "tillgängligheten till och användningen av droger. Polisen o kommunen ska arbeta för att tidigt "
        "upptäcka personer som riskerar att hamna i missbruk samt erbjuda dem erforderlig hjälp. Ett extra "
        "fokus ska ligga på tidig upptäckt hos unga personer.",
    ),
    (
        "Trafik",
        "trafik",
        "Nollvisionen är det långsiktiga målet vilket innebär att ingen ska dödas eller skadas allvarligt "
        "till följd av trafikolyckor i Sverige. Trafikmiljön berör i stort sett alla medborgare och är en "
        "miljö som upplevs otrygg och kan innebära fara för olyckor med allvarliga konsekvenser. Polisen "
        "och kommunen ska tillsammans med andra aktörer och ur flera olika perspektiv arbeta aktivt för att "
        "trafikmiljön ska vara trygg och säker för alla som vistas där.",
    ),
    (
        "Kapabla väktare på landsbygden",
        "vald-i-nara-relationer",
        "Att förebygga och upptäcka våld i nära relationer vilket inkluderar barn som bevittnar våld är ett "
        "prioriterat samverkansområde.",
    ),
    (
        "Ekonomisk brottslighet",
        "ekonomisk-brottslighet",
        "Bedrägerier är en brottstyp som många medborgare känner oro för och uttrycker önskan att få mer "
        "information om. Polisen och kommunen vill öka medborgarnas medvetenhet kring ekonomisk "
        "brottslighet samt stärka deras förmåga att stå emot denna typ av brott. Genom att belysa och "
        "diskutera frågan önskar polisen och kommunen att färre medborgare ska utsättas för brott samt "
        "minska känslan av skam och rädsla för utsatthet.",
    ),
    (
        "Otrygga platser",
        "otrygga-platser",
        "Under våren 2022 genomförde polisen och kommunen en trygghetsenkät i Vindelns kommun. Medborgarna "
        "har identifierat platser i kommunen som av olika anledningar och vid olika tider på dygnet upplevs "
        "som otrygga. Polisen och kommunen ska verka för att åtgärda platser som upplevs otrygga samt "
        "förhindra att nya platser som kan upplevas otrygga etableras.",
    ),
]

ROBERTSFORS_FOCUS_AREAS = [
    (
        "Droger",
        "droger",
        "Droger är vanligt förkommande i dagens samhälle och användning av droger påverkar såväl individen "
        "som samhället negativt. Polisen och kommunen ska aktivt verka för att förebygga och begränsa "
        "användning av droger. Polisen och kommunen ska arbeta för att tidigt upptäcka personer som "
        "riskerar att hamna i missbruk samt erbjuda dem erforderlig hjälp. Ett extra fokus ska ligga på "
        "tidig upptäckt hos unga personer.",
    ),
    (
        "Trafik",
        "trafik",
        "Nollvisionen är det långsiktiga målet vilket innebär att ingen ska dödas eller skadas allvarligt "
        "till följd av trafikolyckor i Sverige. Trafikmiljön berör i stort sett alla medborgare och är en "
        "miljö som ofta upplevs otrygg och kan innebära fara för olyckor med allvarliga konsekvenser. "
        "Polisen och kommunen ska tillsammans med andra aktörer och ur flera olika perspektiv arbeta aktivt "
        "för att trafikmiljön ska vara trygg och säker för alla som vistas där, både på vägar med högre "
        "hastigheter och inne i kommunens samhällen.",
    ),
    (
        "Hemmet ska vara en trygg plats",
        "vald-i-nara-relationer",
        "Brott mot särskilt utsatta brottsoffer exempelvis barn och brott som begås i nära relationer är "
        "ett prioriterat område i samverkan. Brotten sker inte sällan i hemmet som ska vara en trygg plats. "
        "Då detta område innefattar ett stort antal ej anmälda brott så behövs ett aktivt jobb med att "
        "minska mörkertalen, sprida information för att öka anmälningsbenägenheten.\n\nPolisen och kommunen "
        "ska samverka för att förhindra att våld i hemmet och/eller mot särskilt utsatta personer sker samt "
        "utveckla arbetet gällande hjälp till brottsutövaren i syfte att förhindra att ytterligare brott "
        "begås.",
    ),
    (
        "Ekonomisk brottslighet",
        "ekonomisk-brottslighet",
        "Bedrägerier är en brottstyp som många medborgare känner oro för och uttrycker önskan att få mer "
        "information om. Polisen och kommunen vill öka medborgarnas medvetenhet kring ekonomisk "
        "brottslighet samt stärka deras förmåga att stå emot denna typ av brott. Tillvägagångssätt för "
        "dessa brott förändras och kunskap behöver spridas löpande. Genom att belysa och diskutera frågan "
        "önskar polisen och kommunen även minska känslan av skam när man blivit utsatt för brott och oro "
        "för utsatthet.",
    ),
    (
        "Otrygga platser",
        "otrygga-platser",
        "I årets medborgarenkät så har medborgarna identifierat platser i kommunen som av olika anledningar "
        "och vid olika tider på dygnet upplevs som otrygga. Polisen och kommunen ska verka för att åtgärda "
        "platser som upplevs otrygga eller är särskilt utsatta för brott. Polisen och kommunen ska även "
        "vara aktiva i arbetet med att förebygga att nya otrygga platser etableras i takt med att kommunen "
        "växer samt får en tågförbindelse.",
    ),
]


def load(*args):
    out = io.StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def period(slug, start_year):
    return PromisePeriod.objects.get(municipality__slug=slug, start_year=start_year)


def activities_of(a_period):
    return list(
        Activity.objects.filter(focus_area__period=a_period)
        .select_related("focus_area")
        .prefetch_related("responsible")
        .order_by("focus_area__order", "order")
    )


def snapshot():
    """Every row of every content model, every value included, plus who is responsible for what."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in CONTENT_MODELS}
    rows["Activity.responsible"] = list(Activity.responsible.through.objects.order_by("pk").values())
    rows["FocusArea.themes"] = list(FocusArea.themes.through.objects.order_by("pk").values())
    return rows


def text_values():
    """(model, field, value) for every text stored by the loader."""
    for model in CONTENT_MODELS:
        text_fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values(*text_fields):
            for name, value in row.items():
                yield model.__name__, name, value


@pytest.fixture
def loaded():
    load("--with-examples")


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """A writable copy of the content files that the loader reads instead of the real ones."""
    directory = tmp_path / "content"
    shutil.copytree(content_loader.CONTENT_DIR, directory)
    monkeypatch.setattr(content_loader, "CONTENT_DIR", directory)
    return directory


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- Idempotence ---


def test_loading_twice_changes_nothing(loaded):
    before = snapshot()

    output = load("--with-examples")

    assert snapshot() == before
    assert "Ingenting ändrades." in output


def test_loading_twice_with_update_changes_nothing():
    load("--with-examples", "--update")
    before = snapshot()

    output = load("--with-examples", "--update")

    assert snapshot() == before
    assert "Ingenting ändrades." in output


def test_first_load_prints_a_swedish_summary_of_what_was_created():
    output = load()

    assert "Kommuner: 6 nya" in output
    assert "Medborgarlöften (perioder): 4 nya" in output
    assert "Aktiviteter: 20 nya" in output
    assert "--with-examples" in output


# --- Places and themes ---


def test_police_area_and_kommunkoder_are_the_official_ones(loaded):
    police_area = PoliceArea.objects.get()
    assert (police_area.name, police_area.region) == ("Lokalpolisområde Umeå", "Polisregion Nord")
    assert {
        (m.code, m.name, m.official_name, m.slug, m.county, m.police_area_id) for m in Municipality.objects.all()
    } == {
        ("2480", "Umeå", "Umeå kommun", "umea", "Västerbottens län", police_area.pk),
        ("2404", "Vindeln", "Vindelns kommun", "vindeln", "Västerbottens län", police_area.pk),
        ("2409", "Robertsfors", "Robertsfors kommun", "robertsfors", "Västerbottens län", police_area.pk),
        ("2401", "Nordmaling", "Nordmalings kommun", "nordmaling", "Västerbottens län", police_area.pk),
        ("2403", "Bjurholm", "Bjurholms kommun", "bjurholm", "Västerbottens län", police_area.pk),
        ("2460", "Vännäs", "Vännäs kommun", "vannas", "Västerbottens län", police_area.pk),
    }


def test_kommuner_whose_texts_are_missing_exist_without_a_period(loaded):
    for slug in ("bjurholm", "nordmaling", "vannas"):
        assert Municipality.objects.filter(slug=slug).exists()
        assert not PromisePeriod.objects.filter(municipality__slug=slug).exists()


def test_the_national_themes_exist_with_a_description(loaded):
    assert set(Theme.objects.values_list("slug", flat=True)) == {
        "droger",
        "trafik",
        "vald-i-nara-relationer",
        "ekonomisk-brottslighet",
        "otrygga-platser",
        "tillganglighet-och-fortroende",
        "prostitution-och-manniskohandel",
        "grannsamverkan",
        "unga-och-brott",
        "kriminella-natverk",
        "skadegorelse-och-klotter",
        "inbrott-och-stolder",
        "alkohol-och-ordningsstorningar",
        "hedersrelaterat-vald-och-fortryck",
    }
    assert all(Theme.objects.values_list("description", flat=True))


# --- The promises, word for word ---


def test_every_umea_promise_is_present_word_for_word():
    load()
    umea_2021 = period("umea", 2021)

    activities = activities_of(umea_2021)

    assert [a.focus_area.title for a in activities] == [p[0] for p in UMEA_PROMISES]
    for activity, (_focus, title, text, responsible, frequency, target) in zip(activities, UMEA_PROMISES, strict=True):
        assert activity.title == title
        assert activity.text == text
        assert {party.name for party in activity.responsible.all()} == responsible
        assert activity.frequency == frequency
        assert activity.target == target
        # The document never names a type of effort, so none is stored (and none is shown).
        assert activity.recurrence == Recurrence.NOT_STATED
        assert not activity.added_in_extension


def test_umea_focus_areas_have_no_description_because_every_promise_is_an_activity():
    load()

    focus_areas = FocusArea.objects.filter(period=period("umea", 2021)).order_by("order")

    assert [(f.title, f.description) for f in focus_areas] == [
        ("Mer tillgänglig polis", ""),
        ("Öka trygghet och minska brottslighet", ""),
        ("Trygg trafikmiljö", ""),
    ]


def theme_slugs(focus_area):
    return sorted(focus_area.themes.values_list("slug", flat=True))


def test_umea_focus_areas_count_in_every_theme_their_activities_address():
    load()

    focus_areas = FocusArea.objects.filter(period__municipality__slug="umea").order_by("period__start_year", "order")

    assert [(f.period.start_year, f.title, theme_slugs(f)) for f in focus_areas] == [
        (2021, "Mer tillgänglig polis", ["tillganglighet-och-fortroende"]),
        # Its activities: Grannsamverkan, Våld i nära relationer, Prostitution och människohandel, Unga och droger.
        (
            2021,
            "Öka trygghet och minska brottslighet",
            ["droger", "grannsamverkan", "prostitution-och-manniskohandel", "vald-i-nara-relationer"],
        ),
        (2021, "Trygg trafikmiljö", ["trafik"]),
        # Carried over with their themes.
        (2023, "Mer tillgänglig polis", ["tillganglighet-och-fortroende"]),
        (
            2023,
            "Öka trygghet och minska brottslighet",
            ["droger", "grannsamverkan", "prostitution-och-manniskohandel", "vald-i-nara-relationer"],
        ),
        (2023, "Trygg trafikmiljö", ["trafik"]),
        (2023, "Tillägg 2023–2024: motorburna unga", ["trafik"]),
    ]


def test_every_focus_area_in_the_files_has_a_theme():
    load()

    assert not FocusArea.objects.filter(themes=None).exists()


def test_update_sets_the_files_themes_over_the_admins():
    load()
    focus_area = FocusArea.objects.get(period=period("vindeln", 2023), title="Droger")
    focus_area.themes.set(Theme.objects.filter(slug="trafik"))

    load()
    assert theme_slugs(focus_area) == ["trafik"]  # kept: the default mode leaves existing rows alone

    output = load("--update")
    assert theme_slugs(focus_area) == ["droger"]
    assert "Fokusområden: 0 nya, 1 uppdaterade" in output


def test_umea_2021_preamble_is_the_first_paragraph_of_the_document():
    load()

    assert period("umea", 2021).preamble == (
        "Medborgarlöften syftar till ett effektivare brottsförebyggande och trygghetsskapande arbete genom "
        "att vi bygger förtroende samt engagerar och involverar medborgare tillsammans med lokalsamhällets "
        "aktörer. Umeå kommun har i samverkan med polisen arbetat fram medborgarlöften."
    )


def test_umea_2023_extends_2021_carries_over_nine_promises_and_adds_one():
    load()
    umea_2021, umea_2023 = period("umea", 2021), period("umea", 2023)
    earlier = activities_of(umea_2021)

    activities = activities_of(umea_2023)

    assert umea_2023.extends == umea_2021
    assert umea_2023.end_year == 2024
    assert umea_2023.preamble == umea_2021.preamble
    carried = [a for a in activities if a.carried_over_from_id]
    assert len(carried) == 9
    assert [a.carried_over_from for a in carried] == earlier
    for activity in carried:
        origin = activity.carried_over_from
        assert (activity.focus_area.title, activity.title, activity.text) == (
            origin.focus_area.title,
            origin.title,
            origin.text,
        )
        assert {p.name for p in activity.responsible.all()} == {p.name for p in origin.responsible.all()}
        assert all(party.period_id == umea_2023.pk for party in activity.responsible.all())
    added = [a for a in activities if a.added_in_extension]
    assert len(added) == 1
    (addition,) = added
    assert addition is activities[-1]
    assert addition.text == UMEA_ADDITION
    assert addition.carried_over_from is None
    assert addition.focus_area.title == "Tillägg 2023–2024: motorburna unga"
    assert addition.focus_area.order == FocusArea.objects.filter(period=umea_2023).count()
    assert {p.name for p in addition.responsible.all()} == {UMEA, POLICE}


def test_umea_2023_extension_note_basis_and_signatories_come_from_the_news_page():
    load()
    umea_2023 = period("umea", 2023)

    assert umea_2023.extension_note == (
        "Arbetsgruppen för nya medborgarlöften 2023–2024 gjorde bedömningen att tidigare formulerade löften "
        "(2021–2022) fortfarande är aktuella och förlängs med två år med ett tillägg. " + UMEA_ADDITION
    )
    assert umea_2023.basis == (
        "Medborgarlöftena baseras på områden som polisen och respektive kommun ser som prioriterade utifrån "
        "en lokal lägesbild."
    )
    assert [(s.name, s.title, s.party.name, s.order) for s in umea_2023.signatories.all()] == [
        ("Hans Lindberg", "Kommunstyrelsens ordförande", UMEA, 1),
        ("Michael Rystedt", "Lokalpolisområdeschef", POLICE, 2),
    ]
    # The news only says "förra veckan": no date or place is invented.
    assert umea_2023.signed_on is None
    assert umea_2023.signed_place == ""


def test_kapabla_vaktare_paragraph_is_present_word_for_word():
    load()

    (activity,) = activities_of(period("vindeln", 2023))

    assert activity.text == KAPABLA_VAKTARE
    assert activity.title == "Kapabla väktare på landsbygden"
    assert activity.focus_area.title == "Kapabla väktare på landsbygden"
    # Länsstyrelsen works with the kommun on the project but neither promised nor signed (issue 16).
    assert {p.name for p in activity.responsible.all()} == {"Vindelns kommun", POLICE}


@pytest.mark.parametrize(
    ("slug", "expected"), [("vindeln", VINDELN_FOCUS_AREAS), ("robertsfors", ROBERTSFORS_FOCUS_AREAS)]
)
def test_focus_area_descriptions_are_word_for_word(slug, expected):
    load()

    focus_areas = FocusArea.objects.filter(period=period(slug, 2023)).prefetch_related("themes").order_by("order")

    assert [(f.title, *(theme.slug for theme in f.themes.all()), f.description) for f in focus_areas] == expected


def test_only_kapabla_vaktare_has_an_activity_where_the_documents_name_no_activities():
    load()

    assert Activity.objects.filter(focus_area__period=period("vindeln", 2023)).count() == 1
    assert not Activity.objects.filter(focus_area__period=period("robertsfors", 2023)).exists()


def test_vindeln_place_date_signatories_and_partners():
    load()
    vindeln = period("vindeln", 2023)

    assert (vindeln.title, vindeln.start_year, vindeln.end_year) == ("Medborgarlöften 2023–2025", 2023, 2025)
    assert vindeln.signed_place == "Umeå"
    assert vindeln.signed_on == datetime.date(2023, 3, 3)
    assert [(s.name, s.title, s.party.name) for s in vindeln.signatories.all()] == [
        ("Mathias Haglund", "Kommunstyrelsens ordförande", "Vindelns kommun"),
        ("Michael Rystedt", "Lokalpolisområdeschef Umeå", POLICE),
    ]
    assert [(p.name, p.short_name, p.kind, p.role, p.contribution) for p in vindeln.parties.all()] == [
        ("Vindelns kommun", "", Party.Kind.MUNICIPALITY, Party.Role.SIGNATORY, ""),
        (POLICE, "Polisen", Party.Kind.POLICE, Party.Role.SIGNATORY, ""),
        (
            "Länsstyrelsen",
            "",
            Party.Kind.OTHER,
            Party.Role.PARTNER,
            "Vindelns kommun jobbar med projektet Kapabla väktare på landsbygden i samverkan med Länsstyrelsen "
            "och polisen.",
        ),
        (
            "Umeå universitet",
            "",
            Party.Kind.OTHER,
            Party.Role.PARTNER,
            "Forskare från Umeå universitet följer och utvärderar projektet Kapabla väktare på landsbygden.",
        ),
    ]


def test_vindeln_preamble_basis_and_feedback_are_word_for_word():
    load()
    vindeln = period("vindeln", 2023)

    assert vindeln.preamble == (
        "För att nå framgång i det trygghetsskapande och brottsförebyggande arbetet är samverkan mellan "
        "olika aktörer en framgångsfaktor.\n\nPolisen och kommunen kommer under åren 2023-2025 fokusera på "
        "fem områden. Till varje område kommer det kopplas aktiviteter som polisen och kommunen till stor "
        "del kommer genomföra i samverkan i syfte att minska brottsligheten och öka tryggheten."
    )
    assert vindeln.basis.startswith("Under våren 2022 fick ni möjlighet att svara på en trygghetsundersökning")
    assert vindeln.feedback == (
        "Återkoppling och resultatet av det arbete som bedrivs kring de prioriterade områdena sker via "
        "polisens och kommunens webbplatser, i sociala medier samt via massmedia.\n\nMedborgarlöftena följs "
        "gemensamt upp av kommunen och polisen årsvis."
    )


@pytest.mark.parametrize(("slug", "start_year"), [("robertsfors", 2023), ("umea", 2021)])
def test_periods_whose_sources_name_no_signing_have_no_signatories_and_no_date(slug, start_year):
    load()
    a_period = period(slug, start_year)

    assert not a_period.signatories.exists()
    assert a_period.signed_on is None
    assert a_period.signed_place == ""
    assert [(p.name, p.kind, p.role) for p in a_period.parties.all()] == [
        (a_period.municipality.official_name, Party.Kind.MUNICIPALITY, Party.Role.SIGNATORY),
        (POLICE, Party.Kind.POLICE, Party.Role.SIGNATORY),
    ]


def test_every_period_is_published_and_says_where_its_text_came_from():
    load()

    periods = PromisePeriod.objects.all()

    assert periods.count() == 4
    for a_period in periods:
        assert a_period.publication == Publication.PUBLISHED
        assert a_period.published_at is not None
        assert a_period.source


def test_no_pdf_or_web_page_artefacts_remain_in_any_text(loaded):
    texts = list(text_values())
    assert texts

    for model, name, value in texts:
        where = f"{model}.{name}: {value[:60]!r}"
        assert value == value.strip(), where
        assert "  " not in value, where
        for character in ("\u2011", "\u00ad", "\u00a0", "\u2022", "\t", "**"):
            assert character not in value, where
        assert all(p and "\n" not in p for p in value.split("\n\n")) or not value, where
        for noise in ("Stäng Meny", "Sidan publicerades", "Länk till annan webbplats"):
            assert noise not in value, where
        assert not re.search(r"\bSök\b", value), where
        # A hyphen followed by a space is only real before a conjunction ("trafik- och informationsinsatser");
        # anywhere else it is a word broken at the end of a PDF line.
        for match in re.finditer(r"\w- (\w+)", value):
            assert match.group(1) in ("och", "eller"), where


def test_line_break_hyphenation_is_undone_and_real_hyphens_are_kept():
    load()
    all_text = " ".join(value for _model, _name, value in text_values())

    for joined in ("trygghetsskapande", "minska brottsligheten i Umeå kommun", "trafiklagstiftning"):
        assert joined in all_text
    for broken in ("trygghets-", "brottslig-", "trafiklag-"):
        assert broken not in all_text
    for kept in ("trafik- och informationsinsatser", "A-traktorer"):
        assert kept in all_text


# --- Examples ---


def test_examples_are_loaded_only_with_the_flag():
    load()
    assert not FollowUp.objects.exists()
    assert not ActivityReport.objects.exists()

    load("--with-examples")

    assert FollowUp.objects.exists()
    assert all(FollowUp.objects.values_list("is_example", flat=True))


def test_example_follow_ups_are_labelled_published_and_leave_the_intended_years_missing(loaded):
    years = defaultdict(list)
    for follow_up in FollowUp.objects.select_related("period__municipality").order_by("year"):
        years[(follow_up.period.municipality.slug, follow_up.period.start_year)].append(follow_up.year)
        assert follow_up.is_example
        assert follow_up.summary.startswith("Exempel:")
        assert "påhittad" in follow_up.summary
        assert follow_up.publication == Publication.PUBLISHED
        assert follow_up.published_on == datetime.date(follow_up.year + 1, 2, 1)

    assert years == {("umea", 2021): [2021, 2022], ("umea", 2023): [2023], ("vindeln", 2023): [2023, 2024]}


def test_example_follow_ups_report_on_every_activity_with_a_variety_of_statuses(loaded):
    for follow_up in FollowUp.objects.all():
        reported = set(follow_up.reports.values_list("activity", flat=True))
        assert reported == set(
            Activity.objects.filter(focus_area__period=follow_up.period).values_list("pk", flat=True)
        )

    reports = ActivityReport.objects.all()
    statuses = set(reports.values_list("status", flat=True))
    assert {
        ReportStatus.DELAYED,
        ReportStatus.DONE,
        ReportStatus.CONTINUOUS,
        ReportStatus.IN_PROGRESS,
    } <= statuses
    assert all(r.reason for r in reports if r.status in ReportStatus.needing_reason())
    assert reports.filter(count__isnull=False).exclude(count_label="").exists()


def test_example_follow_ups_report_on_every_focus_area_of_their_period(loaded):
    for follow_up in FollowUp.objects.all():
        reported = list(follow_up.area_reports.values_list("focus_area", flat=True))
        assert sorted(reported) == sorted(follow_up.period.focus_areas.values_list("pk", flat=True))

    reports = FocusAreaReport.objects.all()
    assert all(report.done.strip() for report in reports)
    assert all(report.reason for report in reports if report.needs_reason)
    assert reports.filter(count__isnull=False).exclude(count_label="").exists()
    assert len(set(reports.values_list("status", flat=True))) >= 5
    # Vindeln 2023–2025: all five areas, the four without enumerated activities included.
    vindeln = FollowUp.objects.get(period__municipality__code="2404", year=2023)
    assert vindeln.area_reports.count() == 5


def test_an_example_is_never_mixed_into_a_real_follow_up():
    load()
    real = make_follow_up(period("umea", 2021), year=2021, summary="Den riktiga uppföljningen.")

    output = load("--with-examples")

    real.refresh_from_db()
    assert not real.is_example
    assert real.summary == "Den riktiga uppföljningen."
    assert not real.reports.exists()
    assert not real.area_reports.exists()
    assert "Hoppade över" in output


# --- Admin edits and --update ---


def test_default_mode_keeps_admin_edits_and_update_overwrites_them(loaded):
    activity = Activity.objects.get(title="Grannsamverkan", focus_area__period__start_year=2021)
    original_text = activity.text
    activity.text = "Ändrad av samordnaren."
    activity.save()
    activity.responsible.clear()
    umea = Municipality.objects.get(code="2480")
    umea.county = "Ändrat län"
    umea.save()
    published_at = period("umea", 2021).published_at

    load("--with-examples")

    activity.refresh_from_db()
    umea.refresh_from_db()
    assert activity.text == "Ändrad av samordnaren."
    assert not activity.responsible.exists()
    assert umea.county == "Ändrat län"

    output = load("--with-examples", "--update")

    activity.refresh_from_db()
    umea.refresh_from_db()
    assert activity.text == original_text
    assert [p.name for p in activity.responsible.all()] == [POLICE]
    assert umea.county == "Västerbottens län"
    assert period("umea", 2021).published_at == published_at
    assert "Aktiviteter: 0 nya, 1 uppdaterade" in output


def test_default_mode_recreates_what_was_deleted():
    load()
    Activity.objects.get(title="Grannsamverkan", focus_area__period__start_year=2021).delete()

    load()

    restored = Activity.objects.get(title="Grannsamverkan", focus_area__period__start_year=2021)
    assert [p.name for p in restored.responsible.all()] == [POLICE]


# --- Malformed content ---


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("umea.toml", 'responsible = ["Umeå kommun"]', 'responsible = ["Kommunen"]', "responsible"),
        ("vindeln.toml", 'themes = ["droger"]', 'themes = ["narkotika"]', "themes[0]"),
        ("vindeln.toml", 'themes = ["droger"]', 'themes = ["droger", "droger"]', "themes[1]"),
        ("vindeln.toml", 'themes = ["droger"]', 'theme = "droger"', "theme"),
        ("robertsfors.toml", 'title = "Medborgarlöfte 2023–2025"', 'titel = "Medborgarlöfte"', "titel"),
        ("vindeln.toml", 'party = "Vindelns kommun"', 'party = "Vindeln"', "party"),
        ("vindeln.toml", 'kind = "other"', 'kind = "annan"', "kind"),
        ("umea.toml", "extends = 2021", "extends = 2019", "extends"),
        ("umea.toml", 'municipality_code = "2480"', 'municipality_code = "9999"', "municipality_code"),
        ("vindeln.toml", "signed_on = 2023-03-03", 'signed_on = "3 mars 2023"', "signed_on"),
        ("robertsfors.toml", "trafikolyckor i Sverige", "trafik\u2011olyckor i Sverige", "description"),
        ("robertsfors.toml", "trafikolyckor i Sverige", "trafikolyckor  i Sverige", "description"),
        ("examples.toml", 'activity = "Grannsamverkan"', 'activity = "Grannar"', "activity"),
        ("examples.toml", 'status = "delayed"', 'status = "late"', "status"),
        ("examples.toml", 'focus_area = "Trafik"', 'focus_area = "Vägar"', "follow_ups[3].area_reports[1].focus_area"),
        ("examples.toml", 'focus_area = "Trafik"', 'focus_area = "Droger"', "follow_ups[3].area_reports[0].focus_area"),
        ("examples.toml", "count = 24\n", "count = -24\n", "follow_ups[0].area_reports[0]"),
        ("umea.toml", 'title = "Trygg trafikmiljö"', 'title = "Trygg trafikmiljö"\ntitle = "x"', "umea.toml"),
    ],
)
def test_malformed_content_fails_naming_the_file_and_key_and_changes_nothing(content_copy, file, old, new, key):
    replace_in(content_copy / file, old, new)

    with pytest.raises(CommandError) as error:
        load("--with-examples")

    assert file in str(error.value)
    assert key in str(error.value)
    assert not Municipality.objects.exists()


def test_a_rule_of_the_models_broken_in_a_file_fails_and_rolls_back(content_copy):
    replace_in(content_copy / "vasterbotten.toml", 'slug = "umea"', 'slug = "admin"')

    with pytest.raises(CommandError, match=r"vasterbotten\.toml: police_area\.municipalities\[0\].*slug"):
        load()

    assert not PoliceArea.objects.exists()


def test_content_is_read_from_inside_the_promises_package():
    assert Path(content_loader.__file__).parent / "content" == content_loader.CONTENT_DIR
    assert {path.name for path in content_loader.CONTENT_DIR.glob("*.toml")} == {
        "vasterbotten.toml",
        "umea.toml",
        "vindeln.toml",
        "robertsfors.toml",
        "examples.toml",
    }
