"""/oppna-data/katalog.rdf: the DCAT-AP-SE catalogue that Sweden's data portal harvests.

Parsed as XML and checked for the classes and properties DCAT-AP-SE 2.x requires or recommends, and every
distribution's address is fetched: a catalogue that points at a 404 is worse than none.
"""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.core import checks
from django.test import override_settings
from django.urls import reverse

from promises.checks import open_data_publisher
from tests.factories import make_full_period, make_municipality, make_period

pytestmark = pytest.mark.django_db

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
}
ABOUT = f"{{{NS['rdf']}}}about"
RESOURCE = f"{{{NS['rdf']}}}resource"
DATATYPE = f"{{{NS['rdf']}}}datatype"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def catalogue(client):
    response = client.get(reverse("open_data_catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
    return ET.fromstring(response.content)


def by_about(root):
    return {element.get(ABOUT): element for element in root if element.get(ABOUT)}


def resources(element, prop):
    return [child.get(RESOURCE) for child in element.findall(prop, NS)]


def literals(element, prop):
    return {child.get(LANG): child.text for child in element.findall(prop, NS)}


def datasets(root):
    return root.findall("dcat:Dataset", NS)


def test_catalogue_is_rdf_xml_with_the_dcat_namespaces(resident, vasterbotten):
    response = resident.get(reverse("open_data_catalogue"))

    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['rdf']}}}RDF"
    for prefix in ("dcat", "dcterms", "foaf", "vcard"):
        assert f'xmlns:{prefix}="{NS[prefix]}"'.encode() in response.content


def test_the_catalogue_has_its_mandatory_and_recommended_properties(resident, vasterbotten):
    root = catalogue(resident)
    [catalog] = root.findall("dcat:Catalog", NS)
    nodes = by_about(root)

    assert set(literals(catalog, "dcterms:title")) == {"sv", "en"}
    assert set(literals(catalog, "dcterms:description")) == {"sv", "en"}
    assert resources(catalog, "dcterms:license") == [CC0]
    assert resources(catalog, "foaf:homepage") == ["http://testserver/"]
    [publisher] = resources(catalog, "dcterms:publisher")
    agent = nodes[publisher]
    assert agent.tag == f"{{{NS['foaf']}}}Agent"
    assert agent.find("foaf:name", NS).text
    assert set(resources(catalog, "dcat:dataset")) == {d.get(ABOUT) for d in datasets(root)}


def test_one_dataset_for_the_country_and_one_per_kommun_with_a_published_promise(resident, vasterbotten):
    draft_only = make_municipality(name="Bjurholm", official_name="Bjurholms kommun", slug="bjurholm")
    make_period(published=False, municipality=draft_only)
    make_municipality(name="Nordmaling", slug="nordmaling")

    root = catalogue(resident)

    ids = sorted(dataset.get(ABOUT) for dataset in datasets(root))
    assert ids == [
        "http://testserver/oppna-data/#alla-kommuner",
        "http://testserver/oppna-data/#kommun-umea",
        "http://testserver/oppna-data/#kommun-vindeln",
    ]
    assert b"bjurholm" not in ET.tostring(root).lower() and b"nordmaling" not in ET.tostring(root).lower()


def test_every_dataset_has_what_dcat_ap_se_asks_for(resident, vasterbotten):
    root = catalogue(resident)
    nodes = by_about(root)

    for dataset in datasets(root):
        name = dataset.get(ABOUT)
        assert set(literals(dataset, "dcterms:title")) == {"sv", "en"}, name
        assert set(literals(dataset, "dcterms:description")) == {"sv", "en"}, name
        [publisher] = resources(dataset, "dcterms:publisher")
        assert nodes[publisher].tag == f"{{{NS['foaf']}}}Agent"
        [contact] = resources(dataset, "dcat:contactPoint")
        card = nodes[contact]
        assert card.tag == f"{{{NS['vcard']}}}Organization"
        assert card.find("vcard:fn", NS).text
        assert resources(card, "vcard:hasURL")
        assert resources(dataset, "dcat:theme") == ["http://publications.europa.eu/resource/authority/data-theme/JUST"]
        assert resources(dataset, "dcterms:accrualPeriodicity") == [
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
        ]
        assert resources(dataset, "dcterms:spatial") == ["http://sws.geonames.org/2661886"]
        keywords = dataset.findall("dcat:keyword", NS)
        assert {k.get(LANG) for k in keywords} == {"sv", "en"}
        assert "medborgarlöften" in {k.text for k in keywords}
        period = dataset.find("dcterms:temporal/dcterms:PeriodOfTime", NS)
        assert period.find("dcat:startDate", NS).text == "2023-01-01"
        assert period.find("dcat:endDate", NS).text == "2025-12-31"
        assert dataset.find("dcterms:issued", NS).get(DATATYPE) == "http://www.w3.org/2001/XMLSchema#date"
        assert len(resources(dataset, "dcat:distribution")) == 2


def test_a_kommuns_dataset_names_the_kommun_and_its_contact_is_its_suggestion_form(resident, vasterbotten):
    root = catalogue(resident)
    nodes = by_about(root)
    dataset = nodes["http://testserver/oppna-data/#kommun-vindeln"]

    assert literals(dataset, "dcterms:title")["sv"] == "Medborgarlöften i Vindelns kommun"
    assert resources(dataset, "dcat:landingPage") == ["http://testserver/vindeln/"]
    card = nodes[resources(dataset, "dcat:contactPoint")[0]]
    assert resources(card, "vcard:hasURL") == ["http://testserver/vindeln/synpunkt/"]


def test_every_distribution_is_complete_and_its_address_answers_200(resident, vasterbotten):
    root = catalogue(resident)
    nodes = by_about(root)
    formats = {
        "http://publications.europa.eu/resource/authority/file-type/CSV": ("text/csv; charset=utf-8", "text/csv"),
        "http://publications.europa.eu/resource/authority/file-type/JSON": ("application/json", "application/json"),
    }

    distributions = [nodes[uri] for d in datasets(root) for uri in resources(d, "dcat:distribution")]
    assert len(distributions) == 6
    for distribution in distributions:
        assert distribution.tag == f"{{{NS['dcat']}}}Distribution"
        [access] = resources(distribution, "dcat:accessURL")
        [download] = resources(distribution, "dcat:downloadURL")
        assert access == download
        [file_type] = resources(distribution, "dcterms:format")
        content_type, media_type = formats[file_type]
        assert resources(distribution, "dcat:mediaType") == [
            f"https://www.iana.org/assignments/media-types/{media_type}"
        ]
        assert resources(distribution, "dcterms:license") == [CC0]
        assert set(literals(distribution, "dcterms:title")) == {"sv", "en"}

        url = urlsplit(download)
        assert url.netloc == "testserver"
        response = resident.get(url.path)
        assert response.status_code == 200, download
        assert response["Content-Type"] == content_type
        b"".join(response.streaming_content)


def test_every_resource_referred_to_within_the_site_is_described_or_resolves(resident, vasterbotten):
    root = catalogue(resident)
    described = set(by_about(root))
    for element in root.iter():
        target = element.get(RESOURCE)
        if target and "#" in target and target.startswith("http://testserver/"):
            assert target in described, target


def test_kommun_names_are_escaped(resident, db):
    municipality = make_municipality(name="A & B <x>", official_name='"A & B" <kommun>', slug="a-och-b")
    make_full_period(municipality=municipality, focus_areas=1, activities=1)

    root = catalogue(resident)

    titles = [literals(dataset, "dcterms:title")["sv"] for dataset in datasets(root)]
    assert 'Medborgarlöften i "A & B" <kommun>' in titles


def test_catalogue_with_nothing_published_is_still_valid(resident, db):
    root = catalogue(resident)
    [catalog] = root.findall("dcat:Catalog", NS)
    assert resources(catalog, "dcat:dataset") == ["http://testserver/oppna-data/#alla-kommuner"]


def test_catalogue_has_one_address_whatever_the_language(resident, vasterbotten):
    assert reverse("open_data_catalogue") == "/oppna-data/katalog.rdf"
    assert resident.get("/en/oppna-data/katalog.rdf").status_code == 404


@pytest.mark.parametrize("kommuner", [3, 12])
def test_catalogue_takes_one_query_however_many_kommuner(resident, django_assert_num_queries, kommuner):
    for n in range(kommuner):
        municipality = make_municipality(slug=f"kommun-{n}")
        make_full_period(municipality=municipality, focus_areas=1, activities=1, follow_up_years=[2023])
        make_period(municipality=municipality, start_year=2026, end_year=2027)
    with django_assert_num_queries(1):
        root = catalogue(resident)
    assert len(datasets(root)) == kommuner + 1


# --- Against the specification ---

# DCAT-AP-SE 2.2.0, https://docs.dataportal.se/dcat/2.2.0/sv/ (its RDForms bundle, 2.2.0/bundle.json in
# github.com/diggsweden/DCAT-AP-SE): per class, the properties with cardinality min 1 (obligatorisk) and those
# with pref 1 (rekommenderad). Where a property is one of several alternatives, the one the portal uses is named.
SPEC = {
    "dcat:Catalog": {
        "mandatory": ["dcterms:title", "dcterms:description", "dcterms:publisher", "dcterms:license", "dcat:dataset"],
        "recommended": [
            "dcterms:issued",
            "dcterms:language",
            "dcterms:modified",
            "foaf:homepage",
            "dcterms:spatial",
            "dcat:themeTaxonomy",
        ],
    },
    "dcat:Dataset": {
        "mandatory": ["dcterms:title", "dcterms:description", "dcterms:publisher"],
        "recommended": [
            "dcat:contactPoint",
            "dcat:keyword",
            "dcat:theme",
            "dcterms:issued",
            "dcterms:spatial",
            "dcterms:temporal",
            "dcterms:accessRights",
        ],
    },
    "dcat:Distribution": {
        "mandatory": ["dcat:accessURL", "dcterms:format"],
        "recommended": ["dcterms:description", "dcatap:availability", "dcterms:license"],
    },
    # The publisher (dcat:foaf:Agent): foaf:name, and dcterms:type from the ADMS publisher types.
    "foaf:Agent": {"mandatory": ["foaf:name"], "recommended": ["dcterms:type"]},
    # The contact point (dcat:contactPoint): vcard:hasTelephone and vcard:hasAddress are recommended too, but the
    # portal holds neither for its data and does not invent them; vcard:hasURL leads to where questions go.
    "vcard:Organization": {"mandatory": ["vcard:fn", "vcard:hasEmail"], "recommended": []},
}
# Cardinality max 1 in the same bundle.
AT_MOST_ONE = {
    "dcat:Catalog": ["dcterms:publisher", "dcterms:license", "dcterms:issued", "dcterms:modified", "foaf:homepage"],
    "dcat:Dataset": ["dcterms:publisher", "dcterms:issued", "dcterms:accessRights"],
    "dcat:Distribution": ["dcat:accessURL", "dcterms:format", "dcatap:availability", "dcterms:license"],
    "foaf:Agent": ["dcterms:type"],
}
PUBLISHER = {
    "OPEN_DATA_PUBLISHER_NAME": "Umeå kommun",
    "OPEN_DATA_PUBLISHER_URL": "https://www.umea.se/",
    "OPEN_DATA_PUBLISHER_TYPE": "LocalAuthority",
    "OPEN_DATA_CONTACT_EMAIL": "oppna-data@umea.example.se",
    "OPEN_DATA_CONTACT_NAME": "Öppna data, Umeå kommun",
}


def _qname(tag):
    namespace, local = tag[1:].split("}")
    prefix = next(prefix for prefix, uri in NS.items() if uri == namespace)
    return f"{prefix}:{local}"


def graph(root):
    """The RDF/XML as {subject: (class, {property: [objects]})}: the parts of RDF/XML the catalogue uses (typed
    nodes with rdf:about, properties with rdf:resource, a literal or one nested typed node), read with the
    standard library rather than adding rdflib for one test."""
    nodes = {}
    for element in root:
        properties = {}
        for child in element:
            value = child.get(RESOURCE) or child.text
            if len(child):
                value = _qname(child[0].tag)
            properties.setdefault(_qname(child.tag), []).append(value)
        nodes[element.get(ABOUT)] = (_qname(element.tag), properties)
    return nodes


@override_settings(**PUBLISHER)
def test_every_resource_has_the_mandatory_and_recommended_properties_of_dcat_ap_se(resident, vasterbotten):
    nodes = graph(catalogue(resident))

    counted = dict.fromkeys(SPEC, 0)
    missing = []
    for about, (kind, properties) in nodes.items():
        if kind not in SPEC:
            continue
        counted[kind] += 1
        for level in ("mandatory", "recommended"):
            missing += [(about, level, prop) for prop in SPEC[kind][level] if not properties.get(prop)]
        for prop in AT_MOST_ONE.get(kind, []):
            assert len(properties.get(prop, [])) <= 1, (about, prop)
    assert missing == []
    assert counted == {
        "dcat:Catalog": 1,
        "dcat:Dataset": 3,
        "dcat:Distribution": 6,
        "foaf:Agent": 1,
        "vcard:Organization": 3,
    }


@override_settings(**PUBLISHER)
def test_the_publisher_is_the_configured_organisation_with_its_eu_publisher_type(resident, vasterbotten):
    nodes = graph(catalogue(resident))
    [properties] = [p for kind, p in nodes.values() if kind == "dcat:Catalog"]
    [publisher] = properties["dcterms:publisher"]
    kind, agent = nodes[publisher]

    assert agent["foaf:name"] == ["Umeå kommun"]
    assert agent["dcterms:type"] == ["http://purl.org/adms/publishertype/LocalAuthority"]
    assert agent["foaf:homepage"] == ["https://www.umea.se/"]
    for kind, properties in nodes.values():
        if kind == "dcat:Dataset":
            assert properties["dcterms:publisher"] == [publisher]
            [contact] = properties["dcat:contactPoint"]
            card = nodes[contact][1]
            assert card["vcard:hasEmail"] == ["mailto:oppna-data@umea.example.se"]
            assert card["vcard:fn"] == ["Öppna data, Umeå kommun"]


def test_every_csv_distribution_conforms_to_the_table_schema(resident, vasterbotten):
    nodes = graph(catalogue(resident))
    schema = "http://testserver/oppna-data/datapackage.json"

    csv_distributions = [
        properties
        for kind, properties in nodes.values()
        if kind == "dcat:Distribution"
        and properties["dcterms:format"] == ["http://publications.europa.eu/resource/authority/file-type/CSV"]
    ]
    assert len(csv_distributions) == 3
    assert all(properties["dcterms:conformsTo"] == [schema] for properties in csv_distributions)
    assert nodes[schema][0] == "dcterms:Standard"
    assert resident.get(urlsplit(schema).path).status_code == 200


@override_settings(OPEN_DATA_PUBLISHER_NAME="", OPEN_DATA_CONTACT_EMAIL="")
def test_without_a_configured_publisher_nothing_is_invented_and_the_deploy_check_says_so(resident, vasterbotten):
    nodes = graph(catalogue(resident))
    agent = next(properties for kind, properties in nodes.values() if kind == "foaf:Agent")
    cards = [properties for kind, properties in nodes.values() if kind == "vcard:Organization"]

    assert "dcterms:type" not in agent
    assert all("vcard:hasEmail" not in card for card in cards)
    assert {problem.id for problem in open_data_publisher()} == {"promises.W001", "promises.W002"}


@override_settings(**{**PUBLISHER, "OPEN_DATA_PUBLISHER_TYPE": "Kommun"})
def test_a_publisher_type_outside_the_eu_vocabulary_is_an_error():
    [problem] = open_data_publisher()
    assert problem.id == "promises.E001" and problem.level == checks.ERROR


@override_settings(**PUBLISHER)
def test_a_configured_deployment_passes_the_check():
    assert open_data_publisher() == []
