"""The DCAT-AP-SE catalogue of the portal's open data, for Sweden's data portal (dataportal.se) to harvest.

DCAT-AP-SE 2.x (https://docs.dataportal.se/dcat/) says a distribution is the same data in another format, so
each kommun with a published promise is its own dataset (dcat:Dataset) with a CSV and a JSON distribution,
and the whole country is one more dataset with the same two. The per-period files are subsets of a kommun's
dataset and are linked from the documentation page, not catalogued.

The catalogue carries Swedish and English at once (xml:lang), whatever the visitor's language, so both
languages are written here rather than taken from the interface's translations. User text (kommun names)
goes through ElementTree, which escapes it.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Municipality
from promises.models import Publication
from promises.open_data import export

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCATAP = "http://data.europa.eu/r5r/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAMESPACES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "dcatap": DCATAP,
}

EU = "http://publications.europa.eu/resource/authority/"
THEME_JUSTICE = EU + "data-theme/JUST"  # Justice, legal system and public safety
THEME_TAXONOMY = EU + "data-theme"
FREQUENCY_ANNUAL = EU + "frequency/ANNUAL"  # a yearly follow-up per period; the files are built on request
LANGUAGE_SWEDISH = EU + "language/SWE"
ACCESS_PUBLIC = EU + "access-right/PUBLIC"
SWEDEN = "http://sws.geonames.org/2661886"  # DCAT-AP-SE recommends Geonames for dcterms:spatial
# The files are made from the database on request and stay at their addresses (DCAT-AP's planned availability).
AVAILABILITY_STABLE = EU + "planned-availability/STABLE"
# The EU vocabulary for the kind of organisation that publishes (ADMS publisher types).
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
# Its terms, as DCAT-AP-SE 2.2.0 lists them (the choices of adms:publishertype).
PUBLISHER_TYPE_TERMS = (
    "Academia-ScientificOrganisation",
    "Company",
    "IndustryConsortium",
    "LocalAuthority",
    "NationalAuthority",
    "NonGovernmentalOrganisation",
    "NonProfitOrganisation",
    "PrivateIndividual(s)",
    "RegionalAuthority",
    "StandardisationBody",
    "SupraNationalAuthority",
)
FORMATS = {
    "csv": (EU + "file-type/CSV", "https://www.iana.org/assignments/media-types/text/csv"),
    "json": (EU + "file-type/JSON", "https://www.iana.org/assignments/media-types/application/json"),
}
KEYWORDS = {
    "sv": ["medborgarlöften", "trygghet", "brottsförebyggande arbete", "polisen", "kommun"],
    "en": ["citizen promises", "public safety", "crime prevention", "police", "municipality"],
}


@dataclass
class Texts:
    sv: str
    en: str


SCHEMA_TITLE = Texts(
    "Table Schema för CSV-filerna (Frictionless Data)", "Table Schema of the CSV files (Frictionless Data)"
)
CATALOGUE_TITLE = Texts("Medborgarlöften – öppna data", "Citizen promises – open data")
CATALOGUE_DESCRIPTION = Texts(
    "Medborgarlöften som kommuner och polisen har undertecknat, med fokusområden, aktiviteter och den årliga "
    "uppföljningen av varje fokusområde och aktivitet. Bara publicerat innehåll.",
    "Citizen promises signed by Swedish municipalities and the police: focus areas, activities and the yearly "
    "follow-up of each focus area and activity. Published content only.",
)
ALL_TITLE = Texts("Medborgarlöften i alla kommuner", "Citizen promises in all municipalities")
ALL_DESCRIPTION = Texts(
    "Alla publicerade medborgarlöften i portalen: en rad per fokusområde och år och en per aktivitet och år, med "
    "status, vad som gjordes och skälet när något är försenat, omförhandlat eller avbrutet.",
    "Every published citizen promise in the portal: one row per focus area and year and one per activity and "
    "year, with the status, what was done, and the reason when something was delayed, renegotiated or stopped.",
)
DISTRIBUTION_TITLE = {
    "csv": Texts("CSV-fil (semikolonavgränsad, UTF-8)", "CSV file (semicolon-separated, UTF-8)"),
    "json": Texts("JSON-fil", "JSON file"),
}
DISTRIBUTION_DESCRIPTION = {
    "csv": Texts(
        "En rad per fokusområde eller aktivitet och årlig rapport. Fälten beskrivs på dokumentationssidan.",
        "One row per focus area or activity and yearly report. The fields are described on the documentation page.",
    ),
    "json": Texts(
        "Kommun, perioder, fokusområden, aktiviteter och rapporter per år, nästlade. Samma fält som CSV-filen.",
        "Municipality, periods, focus areas, activities and reports per year, nested. The same fields as the CSV file.",
    ),
}


def _q(prefix, name):
    return f"{{{NAMESPACES[prefix]}}}{name}"


class Builder:
    def __init__(self):
        for prefix, uri in NAMESPACES.items():
            ET.register_namespace(prefix, uri)
        self.root = ET.Element(_q("rdf", "RDF"))

    def resource(self, kind, about):
        return ET.SubElement(self.root, _q(*kind.split(":")), {_q("rdf", "about"): about})

    @staticmethod
    def literal(parent, prop, text, *, lang=None, datatype=None):
        attributes = {}
        if lang:
            attributes[XML_LANG] = lang
        if datatype:
            attributes[_q("rdf", "datatype")] = XSD + datatype
        element = ET.SubElement(parent, _q(*prop.split(":")), attributes)
        element.text = str(text)
        return element

    def texts(self, parent, prop, texts):
        self.literal(parent, prop, texts.sv, lang="sv")
        self.literal(parent, prop, texts.en, lang="en")

    @staticmethod
    def link(parent, prop, uri):
        return ET.SubElement(parent, _q(*prop.split(":")), {_q("rdf", "resource"): uri})

    def to_bytes(self):
        ET.indent(self.root)
        return ET.tostring(self.root, encoding="utf-8", xml_declaration=True)


def municipalities_with_data():
    """Kommuner with at least one published period, with the years and dates their dataset covers."""
    published = Q(promise_periods__publication=Publication.PUBLISHED)
    return (
        Municipality.objects.filter(published)
        .select_related("police_area")
        .annotate(
            first_year=Min("promise_periods__start_year"),
            last_year=Max("promise_periods__end_year"),
            issued=Min("promise_periods__published_at"),
            period_modified=Max("promise_periods__updated_at"),
            follow_up_modified=Max(
                "promise_periods__follow_ups__updated_at",
                filter=Q(promise_periods__follow_ups__publication=Publication.PUBLISHED),
            ),
        )
        .order_by("name", "pk")
    )


def _modified(municipality):
    dates = [d for d in (municipality.period_modified, municipality.follow_up_modified) if d is not None]
    return max(dates) if dates else None


def _date(value):
    return timezone.localdate(value).isoformat()


def catalogue_rdf(*, base_url):
    """The catalogue as RDF/XML bytes; `base_url` is the site's absolute root, e.g. https://example.se/."""
    base_url = base_url.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        doc = base_url + reverse("open_data")
        home = base_url + reverse("home")
        all_files = {kind: base_url + reverse(f"open_data_all_{kind}") for kind in FORMATS}
        schema_url = base_url + reverse("open_data_datapackage")
        municipalities = list(municipalities_with_data())
        kommun_files = {
            m.pk: {kind: base_url + reverse(f"open_data_municipality_{kind}", args=[m.slug]) for kind in FORMATS}
            for m in municipalities
        }
        kommun_pages = {m.pk: base_url + m.get_absolute_url() for m in municipalities}
        suggestion_pages = {
            m.pk: base_url + reverse("suggestion_create", kwargs={"municipality_slug": m.slug}) for m in municipalities
        }

    b = Builder()
    publisher = f"{doc}#utgivare"
    contact = f"{doc}#kontakt"
    national_id = f"{doc}#alla-kommuner"
    dataset_ids = [national_id] + [f"{doc}#kommun-{m.slug}" for m in municipalities]
    modified = [d for d in (_modified(m) for m in municipalities) if d is not None]

    catalogue = b.resource("dcat:Catalog", f"{doc}#katalog")
    b.texts(catalogue, "dcterms:title", CATALOGUE_TITLE)
    b.texts(catalogue, "dcterms:description", CATALOGUE_DESCRIPTION)
    b.link(catalogue, "dcterms:publisher", publisher)
    b.link(catalogue, "dcterms:license", export.LICENSE_URL)
    b.link(catalogue, "dcterms:language", LANGUAGE_SWEDISH)
    b.link(catalogue, "foaf:homepage", home)
    b.link(catalogue, "dcat:themeTaxonomy", THEME_TAXONOMY)
    if modified:
        b.literal(catalogue, "dcterms:modified", _date(max(modified)), datatype="date")
    issued_dates = [m.issued for m in municipalities if m.issued]
    if issued_dates:
        b.literal(catalogue, "dcterms:issued", _date(min(issued_dates)), datatype="date")
    b.link(catalogue, "dcterms:spatial", SWEDEN)
    for dataset_id in dataset_ids:
        b.link(catalogue, "dcat:dataset", dataset_id)

    # The organisation that runs this deployment (settings.OPEN_DATA_PUBLISHER_*). Unset, nothing is invented:
    # the portal's name stands in and `manage.py check --deploy` says what to set (promises/checks.py).
    agent = b.resource("foaf:Agent", publisher)
    b.literal(agent, "foaf:name", settings.OPEN_DATA_PUBLISHER_NAME or settings.SITE_NAME)
    if settings.OPEN_DATA_PUBLISHER_NAME and settings.OPEN_DATA_PUBLISHER_TYPE:
        b.link(agent, "dcterms:type", PUBLISHER_TYPES + settings.OPEN_DATA_PUBLISHER_TYPE)
    b.link(agent, "foaf:homepage", settings.OPEN_DATA_PUBLISHER_URL or home)

    # One contact for the data, and the same with the kommun's suggestion form for each kommun's dataset: the
    # coordinators who correct a kommun's data read that form (the page's "Kontakt och fel i uppgifterna").
    _contact_card(b, contact, url=doc)

    sweden = b.resource("dcterms:Location", SWEDEN)
    b.literal(sweden, "rdfs:label", "Sverige", lang="sv")
    b.literal(sweden, "rdfs:label", "Sweden", lang="en")

    national = _dataset(
        b,
        national_id,
        title=ALL_TITLE,
        description=ALL_DESCRIPTION,
        publisher=publisher,
        contact=contact,
        keywords=KEYWORDS,
        landing_page=doc,
        documentation=doc,
        first_year=min((m.first_year for m in municipalities), default=None),
        last_year=max((m.last_year for m in municipalities), default=None),
        issued=min((m.issued for m in municipalities if m.issued), default=None),
        modified=max(modified) if modified else None,
    )
    _distributions(b, national, national_id, all_files, doc, schema_url)

    standard = b.resource("dcterms:Standard", schema_url)
    b.texts(standard, "dcterms:title", SCHEMA_TITLE)

    for municipality in municipalities:
        dataset_id = f"{doc}#kommun-{municipality.slug}"
        kommun_contact = f"{doc}#kontakt-{municipality.slug}"
        _contact_card(b, kommun_contact, url=suggestion_pages[municipality.pk])
        name = municipality.official_name
        dataset = _dataset(
            b,
            dataset_id,
            title=Texts(f"Medborgarlöften i {name}", f"Citizen promises in {name}"),
            description=Texts(
                f"Medborgarlöften som {name} och {municipality.police_area.name} har undertecknat: fokusområden, "
                "aktiviteter och den årliga uppföljningen av varje fokusområde och aktivitet.",
                f"Citizen promises signed by {name} and the police ({municipality.police_area.name}): focus "
                "areas, activities and the yearly follow-up of each focus area and activity.",
            ),
            publisher=publisher,
            contact=kommun_contact,
            keywords={language: [*words, municipality.name] for language, words in KEYWORDS.items()},
            landing_page=kommun_pages[municipality.pk],
            documentation=doc,
            first_year=municipality.first_year,
            last_year=municipality.last_year,
            issued=municipality.issued,
            modified=_modified(municipality),
        )
        _distributions(b, dataset, dataset_id, kommun_files[municipality.pk], doc, schema_url)
    return b.to_bytes()


def _contact_card(b, about, *, url):
    card = b.resource("vcard:Organization", about)
    b.literal(
        card,
        "vcard:fn",
        settings.OPEN_DATA_CONTACT_NAME or settings.OPEN_DATA_PUBLISHER_NAME or settings.SITE_NAME,
    )
    if settings.OPEN_DATA_CONTACT_EMAIL:
        b.link(card, "vcard:hasEmail", f"mailto:{settings.OPEN_DATA_CONTACT_EMAIL}")
    b.link(card, "vcard:hasURL", url)


def _dataset(
    b,
    about,
    *,
    title,
    description,
    publisher,
    contact,
    keywords,
    landing_page,
    documentation,
    first_year,
    last_year,
    issued,
    modified,
):
    dataset = b.resource("dcat:Dataset", about)
    b.texts(dataset, "dcterms:title", title)
    b.texts(dataset, "dcterms:description", description)
    b.link(dataset, "dcterms:publisher", publisher)
    b.link(dataset, "dcat:contactPoint", contact)
    for language, words in keywords.items():
        for word in words:
            b.literal(dataset, "dcat:keyword", word, lang=language)
    b.link(dataset, "dcat:theme", THEME_JUSTICE)
    b.link(dataset, "dcterms:accrualPeriodicity", FREQUENCY_ANNUAL)
    b.link(dataset, "dcterms:spatial", SWEDEN)
    b.link(dataset, "dcterms:language", LANGUAGE_SWEDISH)
    b.link(dataset, "dcterms:accessRights", ACCESS_PUBLIC)
    b.link(dataset, "dcat:landingPage", landing_page)
    b.link(dataset, "foaf:page", documentation)
    if first_year and last_year:
        temporal = ET.SubElement(dataset, _q("dcterms", "temporal"))
        period = ET.SubElement(temporal, _q("dcterms", "PeriodOfTime"))
        b.literal(period, "dcat:startDate", f"{first_year}-01-01", datatype="date")
        b.literal(period, "dcat:endDate", f"{last_year}-12-31", datatype="date")
    if issued:
        b.literal(dataset, "dcterms:issued", _date(issued), datatype="date")
    if modified:
        b.literal(dataset, "dcterms:modified", _date(modified), datatype="date")
    return dataset


def _distributions(b, dataset, dataset_id, files, documentation, schema_url):
    for kind, url in files.items():
        distribution_id = f"{dataset_id}-{kind}"
        b.link(dataset, "dcat:distribution", distribution_id)
        distribution = b.resource("dcat:Distribution", distribution_id)
        b.texts(distribution, "dcterms:title", DISTRIBUTION_TITLE[kind])
        b.texts(distribution, "dcterms:description", DISTRIBUTION_DESCRIPTION[kind])
        b.link(distribution, "dcat:accessURL", url)
        b.link(distribution, "dcat:downloadURL", url)
        file_type, media_type = FORMATS[kind]
        b.link(distribution, "dcterms:format", file_type)
        b.link(distribution, "dcat:mediaType", media_type)
        b.link(distribution, "dcterms:license", export.LICENSE_URL)
        b.link(distribution, "dcatap:availability", AVAILABILITY_STABLE)
        b.link(distribution, "foaf:page", documentation)
        if kind == "csv":
            # Its fields and their types, for a program to check or read the file by (promises/open_data/schema.py).
            b.link(distribution, "dcterms:conformsTo", schema_url)
