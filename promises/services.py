"""Work that spans models: starting a yearly follow-up, approving and publishing, and what needs doing."""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Municipality, Organisation
from portal.scoping import coordinator_for, may_touch_municipality, municipality_ids
from promises import signals
from promises.models import (
    APPROVAL_FIELDS,
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    PromisePeriod,
    ReportStatus,
)
from promises.overview import follow_up_deadline
from promises.snapshots import content_snapshot
from promises.versions import content_changed, suspended

__all__ = ["content_changed"]  # re-exported: the CSV import and the admin call it from here


@transaction.atomic
def follow_up_start(*, period, year, user=None, summary=""):
    """Create the year's follow-up with one report per focus area and per activity, ready to be filled in."""
    follow_up = FollowUp(period=period, year=year, summary=summary)
    follow_up.full_clean()
    if user is not None:
        follow_up._history_user = user
    follow_up.save()
    # Its first reports are part of the new record, not changes to it: it starts at version 1.
    with suspended():
        _add_missing_reports(follow_up, user)
    return follow_up


@transaction.atomic
def follow_up_add_missing_reports(*, follow_up, user=None):
    """Add a report for every focus area and activity of the period that has none yet (those added later).

    Reports added to an existing follow-up make one new content version between them, not one each.
    """
    with suspended():
        created = _add_missing_reports(follow_up, user)
    if created:
        content_changed(obj=follow_up, user=user)
    return created


def _add_missing_reports(follow_up, user):
    created = 0
    existing = set(follow_up.area_reports.values_list("focus_area_id", flat=True))
    missing = FocusArea.objects.filter(period=follow_up.period).exclude(pk__in=existing)
    for focus_area in missing.order_by("order", "pk"):
        report = FocusAreaReport(follow_up=follow_up, focus_area=focus_area, status=ReportStatus.NOT_STARTED)
        if user is not None:
            report._history_user = user
        report.save()
        created += 1
    existing = set(follow_up.reports.values_list("activity_id", flat=True))
    missing = Activity.objects.filter(focus_area__period=follow_up.period).exclude(pk__in=existing)
    for activity in missing.order_by("focus_area__order", "order", "pk"):
        report = ActivityReport(follow_up=follow_up, activity=activity, status=ReportStatus.NOT_STARTED)
        if user is not None:
            report._history_user = user
        report.save()
        created += 1
    return created


def activity_added_during_period(*, activity, today=None):
    """Mark an activity added to a signed promise as added after signing, so it is never read as signed text."""
    period = activity.focus_area.period
    if activity.pk is None and (period.signed_on or period.is_published or period.signed_original):
        activity.added_after_signing = True
        activity.added_on = activity.added_on or today or timezone.localdate()
    return activity


def _approval_side(user, obj):
    coordinator = coordinator_for(user)
    if coordinator is None:
        raise PermissionDenied(_("Bara kommunens och polisens samordnare kan godkänna."))
    if not may_touch_municipality(user, obj.municipality_for_scope.pk):
        raise PermissionDenied(_("Du är inte samordnare för den här kommunen."))
    return coordinator.organisation


def approval_blockers(obj):
    """What must be written before the record can be approved: one Swedish sentence per gap."""
    if isinstance(obj, FollowUp):
        reports = {r.focus_area_id: r for r in obj.area_reports.all()}
        blockers = []
        for focus_area in obj.period.focus_areas.all():
            report = reports.get(focus_area.pk)
            if report is None or report.is_empty:
                blockers.append(_("Skriv vad som gjordes inom fokusområdet ”%(title)s”.") % {"title": focus_area.title})
        if not reports and not blockers:
            blockers.append(_("Medborgarlöftet har inga fokusområden att följa upp."))
        return blockers
    if not obj.focus_areas.exists():
        return [_("Medborgarlöftet har inga fokusområden.")]
    return []


@transaction.atomic
def approval_record(*, obj, user, version=None, now=None):
    """Record the user's organisation's approval of one content version; the second approval of it publishes.

    `version` is the content version the approver saw (the approval page sends it); None means the current one.
    Returns True when this approval published the record.
    """
    now = now or timezone.now()
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    side = _approval_side(user, obj)
    if obj.is_published:
        raise ValidationError(_("Den är redan publicerad."))
    if version is not None and version != obj.content_version:
        raise ValidationError(
            _(
                "Innehållet har ändrats sedan du öppnade sidan (version %(seen)s, nu version %(now)s). "
                "Läs igenom det igen innan du godkänner."
            )
            % {"seen": version, "now": obj.content_version}
        )
    if obj.approved_at(side):
        raise ValidationError(_("Din organisation har redan godkänt den här versionen."))
    blockers = approval_blockers(obj)
    if blockers:
        raise ValidationError(blockers)
    if side == Organisation.MUNICIPALITY:
        obj.municipality_approved_at, obj.municipality_approved_by = now, user
        obj.municipality_approved_version = obj.content_version
    else:
        obj.police_approved_at, obj.police_approved_by = now, user
        obj.police_approved_version = obj.content_version
    published = obj.municipality_approval_counts and obj.police_approval_counts
    fields = [*APPROVAL_FIELDS, "updated_at"]
    if published:
        obj.publish(now)
        obj.published_version = obj.content_version
        obj.published_snapshot = content_snapshot(obj)
        fields += ["publication", "published_on" if isinstance(obj, FollowUp) else "published_at"]
    obj._history_user = user
    obj.save(update_fields=fields)
    if published:
        signals.published.send(sender=type(obj), instance=obj)
    return published


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
        # Read back from the storage (the folder or the bucket), not from the upload still held by the field: the
        # checksum shown to the public is then that of the stored file, and proves the upload arrived whole.
        stored = period.signed_original
        with stored.storage.open(stored.name, "rb") as original:
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

    @property
    def deadline(self):
        """The day a year's follow-up should be published by (31 March the year after); None for a period."""
        return follow_up_deadline(self.year) if self.year is not None else None


@dataclass
class MunicipalityTodo:
    municipality: Municipality
    items: list = field(default_factory=list)


def coordinator_todo(*, user, today=None):
    """What needs doing, per kommun: follow-ups that are due but missing, and anything awaiting approval."""
    today = today or timezone.localdate()
    coordinator = coordinator_for(user)
    organisation = coordinator.organisation if coordinator else None
    periods = _todo_periods(municipality_ids=municipality_ids(user), today=today)
    return _todo_from_periods(periods, organisation=organisation, today=today)


def coordinators_todo(*, coordinators, today=None):
    """{coordinator pk: [MunicipalityTodo]}: each coordinator's to-do list over the kommuner they coordinate
    (Coordinator.municipalities, prefetched) and for their organisation, for many at once.

    The items are exactly coordinator_todo()'s; the periods are read once for all of them (two queries however
    many coordinators), for the weekly digest (portal/digest.py).
    """
    today = today or timezone.localdate()
    wanted = {coordinator.pk: {m.pk for m in coordinator.municipalities.all()} for coordinator in coordinators}
    periods = _todo_periods(municipality_ids=set().union(*wanted.values()), today=today)
    return {
        coordinator.pk: _todo_from_periods(
            [period for period in periods if period.municipality_id in wanted[coordinator.pk]],
            organisation=coordinator.organisation,
            today=today,
        )
        for coordinator in coordinators
    }


def _todo_periods(*, municipality_ids, today):
    """The periods a to-do list looks at (None: every kommun's), with their follow-ups. Two queries."""
    periods = PromisePeriod.objects.select_related("municipality").prefetch_related("follow_ups")
    if municipality_ids is not None:
        periods = periods.filter(municipality__in=municipality_ids)
    return list(periods.filter(start_year__lt=today.year + 1).order_by("municipality__name", "-start_year"))


def _todo_from_periods(periods, *, organisation, today):
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
    municipality_ok = obj.municipality_approval_counts
    police_ok = obj.police_approval_counts
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
