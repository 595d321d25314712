"""make_<model>() helpers for the portal's models: police areas, kommuner, users and coordinators."""

import itertools

from django.contrib.auth import get_user_model

from portal.models import Coordinator, Municipality, Organisation, PoliceArea

_numbers = itertools.count(1)


def make_police_area(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Lokalpolisområde Test {n}")
    fields.setdefault("region", "Polisregion Nord")
    return PoliceArea.objects.create(**fields)


def make_municipality(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"Testby {n}")
    fields.setdefault("official_name", f"{fields['name']} kommun")
    fields.setdefault("slug", f"testby-{n}")
    fields.setdefault("code", f"{9000 + n % 1000:04d}")
    fields.setdefault("county", "Västerbottens län")
    if "police_area" not in fields:
        fields["police_area"] = make_police_area()
    return Municipality.objects.create(**fields)


def make_user(**fields):
    n = next(_numbers)
    fields.setdefault("username", f"person-{n}")
    password = fields.pop("password", "ett-långt-lösenord-123")
    user = get_user_model().objects.create_user(**fields)
    user.set_password(password)
    user.save()
    return user


def make_coordinator(municipalities, organisation=Organisation.MUNICIPALITY, **user_fields):
    coordinator = Coordinator.objects.create(user=make_user(**user_fields), organisation=organisation)
    coordinator.municipalities.set(municipalities)
    return coordinator
