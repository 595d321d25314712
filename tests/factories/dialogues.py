"""make_<model>() helpers for the dialogue, suggestion and evidence-chain tests (see tests/factories/__init__.py)."""

import datetime
import itertools
from zoneinfo import ZoneInfo

from surveys.models import Dialogue, Moderation, Suggestion, Survey, UnsafePlace
from tests.factories.portal import make_municipality

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_numbers = itertools.count(1)


def stockholm(*args):
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def make_dialogue(**fields):
    n = next(_numbers)
    if "municipality" not in fields:
        fields["municipality"] = make_municipality()
    fields.setdefault("title", f"Medborgardialog {n}")
    fields.setdefault("starts_at", stockholm(2016, 2, 27, 12))
    fields.setdefault("ends_at", fields["starts_at"] + datetime.timedelta(hours=3))
    fields.setdefault("place", f"Torget {n}")
    fields.setdefault("description", "Kom och berätta hur du upplever tryggheten.")
    return Dialogue.objects.create(**fields)


def make_suggestion(**fields):
    if "municipality" not in fields:
        fields["municipality"] = make_municipality()
    fields.setdefault("text", "Mer belysning i gångtunneln vid stationen.")
    return Suggestion.objects.create(**fields)


def make_unsafe_place(**fields):
    n = next(_numbers)
    if "municipality" not in fields:
        fields["municipality"] = make_municipality()
    fields.setdefault("title", f"Gångtunneln {n}")
    fields.setdefault("moderation", Moderation.APPROVED)
    return UnsafePlace.objects.create(**fields)


def make_survey(municipalities, **fields):
    n = next(_numbers)
    fields.setdefault("title", f"Trygghetsundersökning {n}")
    fields.setdefault("slug", f"trygghetsundersokning-{n}")
    fields.setdefault("opens_on", datetime.date(2022, 3, 1))
    fields.setdefault("closes_on", datetime.date(2022, 4, 30))
    survey = Survey.objects.create(**fields)
    survey.municipalities.set(municipalities)
    return survey
