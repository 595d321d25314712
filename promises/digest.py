"""The promises' part of the weekly digest to coordinators (portal/digest.py): the to-do list's items, by mail.

The same items as the admin start page's to-do list (promises.services.coordinator_todo), with the deadline
of a year's follow-up (31 March the year after, promises.overview.follow_up_deadline) said in words: due by it
until then, late after it. A follow-up that has ended but has not been started is something to do; a draft is
listed when it waits for the person's own organisation's approval, not when it waits only for the other's.
"""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.digest import APPROVALS, FOLLOW_UPS, DigestItem
from promises.services import coordinators_todo


def _deadline(item, today):
    if item.deadline is None:
        return ""
    day = date_format(item.deadline, "j F Y")
    if today <= item.deadline:
        return _("Den ska vara publicerad senast %(date)s.") % {"date": day}
    return _("Den skulle ha varit publicerad senast %(date)s.") % {"date": day}


def _digest_item(item, today):
    period = item.period
    label = _("Medborgarlöftet %(years)s") % {"years": period.years_label}
    text = " ".join(part for part in (f"{label}: {item.text}", _deadline(item, today)) if part)
    if item.start:
        path = reverse("admin:promises_followup_add") + f"?period={period.pk}&year={item.year}"
        link_text = _("Starta uppföljningen för %(year)s") % {"year": item.year}
        return DigestItem(period.municipality_id, FOLLOW_UPS, text, link_text, path)
    obj = item.follow_up or period
    path = reverse(f"admin:promises_{obj._meta.model_name}_approve", args=[obj.pk])
    # Links named for what they open: a screen reader's list of links shows them without the text around them.
    if item.follow_up is not None:
        link_text = _("Granska och godkänn uppföljningen för %(year)s") % {"year": item.year}
    else:
        link_text = _("Granska och godkänn medborgarlöftet %(years)s") % {"years": period.years_label}
    return DigestItem(period.municipality_id, APPROVALS, text, link_text, path)


def digest_items(*, recipients, today):
    todos = coordinators_todo(coordinators=recipients, today=today)
    return {
        pk: [_digest_item(item, today) for group in groups for item in group.items if item.start or item.yours]
        for pk, groups in todos.items()
    }
