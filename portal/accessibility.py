"""The facts of the accessibility statement (/tillganglighet/) that change over time, in one place.

Lag (2018:1937) om tillgänglighet till digital offentlig service requires the statement to say when it was
last reviewed and how and when the site was assessed. Update these dates whenever the site is assessed again
(run the browser tests, walk the pages with the keyboard, read the statement through) and change the statement's
text (templates/portal/accessibility_statement.html) if what you found differs. A test checks that no date lies
in the future.
"""

import datetime

# The last self-assessment: axe-core on every public page in Chromium at 1280 and 390 px wide, in Swedish and
# English (tests/browser/), keyboard tests, and a read-through of the pages against WCAG 2.1 AA.
ASSESSED_ON = datetime.date(2026, 11, 22)

# When the statement's text was last read through and brought up to date.
REVIEWED_ON = datetime.date(2026, 11, 22)

# When the site was first published for the public. None until it is: the statement then says so, rather than
# give a date that is not true. Set it on the day of the launch.
PUBLISHED_ON = None

# How long feedback about accessibility is kept (manage.py delete_old_accessibility_feedback), stated on the page.
FEEDBACK_RETENTION_DAYS = 365

# Digg's service for reporting a public-sector website that is not accessible (the enforcement procedure).
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
