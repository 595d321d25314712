"""What a period or a follow-up says, as a flat list of labelled texts: what was published, and what changed since.

Publication keeps the snapshot of the version both organisations approved (promises/services.py). The preview of a
later draft compares the two, entry by entry, so that approvers see what they are about to publish anew.
Entries are [key, label, text]; the key names the part (a focus area, an activity), so that a part whose text
changed is shown as changed, not as one removed and one added.
"""

import difflib
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from promises.models import FollowUp, PromisePeriod


def content_snapshot(obj):
    if isinstance(obj, FollowUp):
        return follow_up_snapshot(obj)
    if isinstance(obj, PromisePeriod):
        return period_snapshot(obj)
    raise TypeError(f"No snapshot for {type(obj).__name__}")


def _report_entries(key, title, report):
    entries = [[f"{key}:status", _("%(title)s: status") % {"title": title}, report.get_status_display()]]
    fields = [
        ("done", _("vad som gjordes")),
        ("reason", _("skäl")),
        ("evidence_url", _("länk till underlag")),
        ("done_en", _("vad som gjordes, på engelska")),
        ("reason_en", _("skäl på engelska")),
    ]
    for name, label in fields:
        entries.append([f"{key}:{name}", f"{title}: {label}", getattr(report, name) or ""])
    count = "" if report.count is None else f"{report.count} {report.count_label}".strip()
    entries.append([f"{key}:count", _("%(title)s: resultat i antal") % {"title": title}, count])
    return entries


def follow_up_snapshot(follow_up):
    entries = [
        ["summary", _("Sammanfattning"), follow_up.summary],
        ["summary_en", _("Sammanfattning på engelska"), follow_up.summary_en],
    ]
    area_reports = {r.focus_area_id: r for r in follow_up.area_reports.all()}
    activity_reports = {r.activity_id: r for r in follow_up.reports.all()}
    for focus_area in follow_up.period.focus_areas.prefetch_related("activities"):
        report = area_reports.get(focus_area.pk)
        if report is not None:
            entries += _report_entries(f"area:{focus_area.pk}", focus_area.title, report)
        for activity in focus_area.activities.all():
            report = activity_reports.get(activity.pk)
            if report is not None:
                title = _("Aktivitet ”%(title)s”") % {"title": activity}
                entries += _report_entries(f"activity:{activity.pk}", title, report)
    return entries


def period_snapshot(period):
    signed = ""
    if period.signed_on:
        signed = f"{period.signed_place} {date_format(period.signed_on, 'j F Y')}".strip()
    entries = [
        ["title", _("Rubrik"), str(period.display_title)],
        ["years", _("År"), period.years_label],
        ["preamble", _("Inledning"), period.preamble],
        ["basis", _("Underlag"), period.basis],
        ["feedback", _("Återkoppling"), period.feedback],
        ["easy_read", _("Lättläst sammanfattning"), period.easy_read],
        ["extension_note", _("Om förlängningen"), period.extension_note],
        ["signed", _("Undertecknat"), signed],
    ]
    for party in period.parties.all():
        text = f"{party.name} ({party.get_role_display()})"
        entries.append(
            [f"party:{party.pk}", _("Part"), f"{text}: {party.contribution}" if party.contribution else text]
        )
    for signatory in period.signatories.all():
        entries.append([f"signatory:{signatory.pk}", _("Undertecknare"), f"{signatory.name}, {signatory.title}"])
    for focus_area in period.focus_areas.prefetch_related("activities__responsible", "themes"):
        key = f"area:{focus_area.pk}"
        entries.append([f"{key}:title", _("Fokusområde"), focus_area.title])
        entries.append(
            [f"{key}:description", _("%(title)s: beskrivning") % {"title": focus_area.title}, focus_area.description]
        )
        # Not the document's words, but what the public pages sort the area under: a change withdraws approvals.
        themes = ", ".join(theme.name for theme in focus_area.themes.all())
        entries.append([f"{key}:themes", _("%(title)s: teman") % {"title": focus_area.title}, themes])
        for activity in focus_area.activities.all():
            key = f"activity:{activity.pk}"
            label = _("%(title)s: aktivitet") % {"title": focus_area.title}
            if activity.added_after_signing:
                label = _("%(title)s: aktivitet tillagd efter undertecknandet") % {"title": focus_area.title}
            entries.append([f"{key}:text", label, activity.text])
            responsible = ", ".join(party.short_name or party.name for party in activity.responsible.all())
            entries.append([f"{key}:responsible", _("Lovas av"), responsible])
            entries.append([f"{key}:target", _("Mål"), activity.target])
            entries.append([f"{key}:frequency", _("Omfattning"), activity.frequency])
    return entries


@dataclass
class Change:
    label: str
    before: str
    after: str

    @property
    def kind(self):
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"

    @property
    def words(self):
        """The text word by word, each marked unchanged, removed or added, for an inline difference."""
        before, after = self.before.split(), self.after.split()
        marked = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
            if op == "equal":
                marked.append(("same", " ".join(before[i1:i2])))
                continue
            if i2 > i1:
                marked.append(("removed", " ".join(before[i1:i2])))
            if j2 > j1:
                marked.append(("added", " ".join(after[j1:j2])))
        return marked


def snapshot_changes(published, current):
    """The entries whose text differs between the published snapshot and the current one, in current order."""
    before = {key: (label, text or "") for key, label, text in published}
    changes = []
    seen = set()
    for key, label, text in current:
        seen.add(key)
        old = before.get(key, (label, ""))[1]
        if old.strip() != (text or "").strip():
            changes.append(Change(label, old, text or ""))
    for key, (label, text) in before.items():
        if key not in seen and text.strip():
            changes.append(Change(label, text, ""))
    return changes
