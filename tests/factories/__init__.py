"""Plain make_<model>() helpers: every argument has a sensible default and can be overridden by keyword.

One module per area: portal.py, promises.py, surveys.py, dialogues.py (dialogues, suggestions and unsafe places)
and compare.py (kommuner with themed periods, for the pages across kommuner). The portal's and promises' helpers,
which nearly every test uses, are also importable from tests.factories itself.
"""

from tests.factories.portal import make_coordinator, make_municipality, make_police_area, make_user
from tests.factories.promises import (
    blank_pdf,
    make_activity,
    make_area_report,
    make_focus_area,
    make_follow_up,
    make_full_period,
    make_party,
    make_period,
    make_report,
    make_signatory,
    make_theme,
)

__all__ = [
    "blank_pdf",
    "make_activity",
    "make_area_report",
    "make_coordinator",
    "make_focus_area",
    "make_follow_up",
    "make_full_period",
    "make_municipality",
    "make_party",
    "make_period",
    "make_police_area",
    "make_report",
    "make_signatory",
    "make_theme",
    "make_user",
]
