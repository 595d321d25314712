"""Finding a kommun from what a resident types: the home page's and the 404 page's field (/sok/kommun/).

Residents type a kommun's name as they say it: without å, ä and ö on a foreign keyboard, in any case, with or
without "kommun", sometimes the kommunkod, often with a typo. So every kommun is known by a few keys (its name,
its official name with and without "kommun", its address name and its code), each compared folded: lower case,
without diacritics, hyphens as spaces. 290 kommuner fit in memory; no index is needed.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

# A longer text is no kommun's name (the longest official name is well under 40 characters).
MAX_QUERY_LENGTH = 100
# A one-letter query matches half the country by substring; it only matches the start of a name.
MIN_SUBSTRING_LENGTH = 2
# More than this is not an answer but the list, which the home page already has.
MAX_MATCHES = 30
# How alike a typo must be to be offered ("Vindel", "Robertfors", "Umea kommun" all pass; "Ume" vs "Åre" does not).
CLOSE_CUTOFF = 0.75


def name_key(text):
    """`text` folded for comparison: "Vännäs kommun" and "vannas  KOMMUN" give the same key."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[-_/.,]+", " ", text).split())


def municipality_keys(municipality):
    official = name_key(municipality.official_name)
    keys = {name_key(municipality.name), official, name_key(municipality.slug), municipality.code}
    # "Vindelns kommun" is also found as "Vindelns"; "Region Gotland" (no "kommun") is found as itself.
    if official.endswith(" kommun"):
        keys.add(official.removesuffix(" kommun"))
    keys.discard("")
    return keys


@dataclass
class Found:
    """What a query found: the one kommun it names, or the kommuner it may mean."""

    query: str
    municipality: object = None  # the kommun to go to
    matches: list = field(default_factory=list)  # kommuner whose name contains the query
    total: int = 0  # how many matched, before the cut at MAX_MATCHES
    close: list = field(default_factory=list)  # none contains it; these are spelt alike


def municipality_find(*, query, municipalities):
    """The kommun `query` names exactly or uniquely, else the kommuner it may mean, in `municipalities`' order."""
    key = name_key(query)
    found = Found(query=query)
    if not key:
        return found
    keyed = [(municipality, municipality_keys(municipality)) for municipality in municipalities]
    exact = [municipality for municipality, keys in keyed if key in keys]
    if len(exact) == 1:
        found.municipality = exact[0]
        return found
    starts = [m for m, keys in keyed if any(k.startswith(key) or f" {key}" in k for k in keys)]
    contains = []
    if len(key) >= MIN_SUBSTRING_LENGTH:
        contains = [m for m, keys in keyed if m not in starts and any(key in k for k in keys)]
    matches = exact or starts + contains
    if len(matches) == 1:
        found.municipality = matches[0]
        return found
    found.matches, found.total = matches[:MAX_MATCHES], len(matches)
    if not matches:
        by_key = {}
        for municipality, keys in keyed:
            for k in keys:
                by_key.setdefault(k, municipality)
        close = difflib.get_close_matches(key, list(by_key), n=10, cutoff=CLOSE_CUTOFF)
        found.close = list(dict.fromkeys(by_key[k] for k in close))[:5]
    return found
