"""Work that spans models: starting a yearly follow-up, approving and publishing, and what needs doing."""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Municipality, Organisation
from portal.scoping import coordinator_for, may_touch_municipality, municipality_ids
from promises.models import Activity, ActivityReport, FollowUp, PromisePeriod, ReportStatus


@transaction.atomic
def follow_up_start(*, period, year, user=None, summary=""):
    """Create the year's follow-up with one report per activity, ready to be filled in."""
    follow_up = FollowUp(period=period, year=year, summary=summary)
    follow_up.full_clean()
    if user is not None:
        follow_up._history_user = user
    follow_up.save()
    follow_up_add_missing_reports(follow_up=follow_up, user=user)
    return follow_up


def follow_up_add_missing_reports(*, follow_up, user=None):
    """Add a report for every activity of the period that has none yet (activities added later)."""
    existing = set(follow_up.reports.values_list("activity_id", flat=True))
    missing = Activity.objects.filter(focus_area__period=follow_up.period).exclude(pk__in=existing)
    created = 0
    for activity in missing.order_by("focus_area__order", "order", "pk"):
        report = ActivityReport(follow_up=follow_up, activity=activity, status=ReportStatus.NOT_STARTED)
        if user is not None:
            report._history_user = user
        report.save()
        created += 1
    return created


def _approval_side(user, obj):
    coordinator = coordinator_for(user)
    if coordinator is None:
        raise PermissionDenied(_("Bara kommunens och polisens samordnare kan godkänna."))
    if not may_touch_municipality(user, obj.municipality_for_scope.pk):
        raise PermissionDenied(_("Du är inte samordnare för den här kommunen."))
    return coordinator.organisation


@transaction.atomic
def approval_record(*, obj, user, now=None):
    """Record the user's organisation's approval of a period or follow-up; the second approval publishes.

    Returns True when this approval published the record.
    """
    now = now or timezone.now()
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    side = _approval_side(user, obj)
    if obj.is_published:
        raise ValidationError(_("Den är redan publicerad."))
    if obj.approved_at(side):
        raise ValidationError(_("Din organisation har redan godkänt den."))
    if side == Organisation.MUNICIPALITY:
        obj.municipality_approved_at, obj.municipality_approved_by = now, user
    else:
        obj.police_approved_at, obj.police_approved_by = now, user
    published = bool(obj.municipality_approved_at and obj.police_approved_at)
    if published:
        obj.publish(now)
    obj._history_user = user
    obj.save()
    return published


def content_changed(*, obj, user=None, now=None, save=True):
    """Called after a coordinator changed what the public would read.

    Before publication the approvals are withdrawn: both sides must approve what is actually published.
    After publication the record stays public and the change is shown as an update. Returns True when
    approvals were withdrawn. With save=False the caller saves (one history row for the whole change).
    """
    now = now or timezone.now()
    withdrawn = False
    obj.content_updated_at = now
    if not obj.is_published and (obj.municipality_approved_at or obj.police_approved_at):
        obj.municipality_approved_at = obj.municipality_approved_by = None
        obj.police_approved_at = obj.police_approved_by = None
        withdrawn = True
    if user is not None:
        obj._history_user = user
    if save:
        obj.save()
    return withdrawn


def signed_original_record(*, period, user=None, now=None):
    """Note when the signed original was uploaded, its checksum and the promise text it was signed with.

    The text is kept so that the public page can say when, and how, the live text has since changed.
    """
    from promises.documents import period_document_text

    if not period.signed_original:
        period.signed_original_uploaded_at = None
        period.signed_original_sha256 = ""
        period.signed_original_size = None
        period.signed_text = ""
    else:
        digest = hashlib.sha256()
        with period.signed_original.open("rb") as original:
            for chunk in iter(lambda: original.read(1024 * 1024), b""):
                digest.update(chunk)
        period.signed_original_uploaded_at = now or timezone.now()
        period.signed_original_sha256 = digest.hexdigest()
        period.signed_original_size = period.signed_original.size
        fresh = PromisePeriod.objects.prefetch_related("focus_areas__activities").get(pk=period.pk)
        period.signed_text = period_document_text(fresh)
    if user is not None:
        period._history_user = user
    period.save()


@dataclass
class TodoItem:
    municipality: Municipality
    period: PromisePeriod
    year: int | None
    text: str
    follow_up: FollowUp | None = None
    start: bool = False
    yours: bool = False  # waiting for the user's own organisation


@dataclass
class MunicipalityTodo:
    municipality: Municipality
    items: list = field(default_factory=list)


def coordinator_todo(*, user, today=None):
    """What needs doing, per kommun: follow-ups that are due but missing, and anything awaiting approval."""
    today = today or timezone.localdate()
    ids = municipality_ids(user)
    coordinator = coordinator_for(user)
    organisation = coordinator.organisation if coordinator else None
    periods = PromisePeriod.objects.select_related("municipality").prefetch_related("follow_ups")
    if ids is not None:
        periods = periods.filter(municipality__in=ids)
    periods = periods.filter(start_year__lt=today.year + 1).order_by("municipality__name", "-start_year")

    by_municipality = {}
    for period in periods:
        todo = by_municipality.setdefault(period.municipality_id, MunicipalityTodo(period.municipality))
        if not period.is_published:
            todo.items.append(_awaiting(period, None, period, organisation))
        follow_ups = {follow_up.year: follow_up for follow_up in period.follow_ups.all()}
        for year in period.years:
            if year >= today.year:
                continue  # a year's follow-up is due once the year is over
            follow_up = follow_ups.get(year)
            if follow_up is None:
                todo.items.append(
                    TodoItem(
                        municipality=period.municipality,
                        period=period,
                        year=year,
                        text=_("Uppföljningen för %(year)s saknas.") % {"year": year},
                        start=True,
                    )
                )
            elif not follow_up.is_published:
                todo.items.append(_awaiting(follow_up, year, period, organisation))
    return [todo for todo in by_municipality.values() if todo.items]


def _awaiting(obj, year, period, organisation):
    municipality_ok = obj.municipality_approved_at is not None
    police_ok = obj.police_approved_at is not None
    if municipality_ok and not police_ok:
        text = _("Godkänd av kommunen, väntar på polisens godkännande.")
        yours = organisation == Organisation.POLICE
    elif police_ok and not municipality_ok:
        text = _("Godkänd av polisen, väntar på kommunens godkännande.")
        yours = organisation == Organisation.MUNICIPALITY
    else:
        text = _("Utkast: ingen har godkänt ännu.")
        yours = organisation is not None
    if year is None:
        text = _("Medborgarlöftet %(years)s är inte publicerat. %(state)s") % {
            "years": period.years_label,
            "state": text,
        }
    else:
        text = _("Uppföljningen för %(year)s är inte publicerad. %(state)s") % {"year": year, "state": text}
    return TodoItem(
        municipality=period.municipality,
        period=period,
        year=year,
        text=text,
        follow_up=obj if year is not None else None,
        yours=yours,
    )
