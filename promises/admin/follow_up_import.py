"""The follow-up admin's "Importera CSV" page: check a file ("Granska"), then save it ("Spara").

Between the two steps the checked file is kept in the user's own session (compressed, with its SHA-256), not
in a shared place and not in the browser: the "Spara" form names the file by its hash, the save re-reads and
re-checks it with the user's permissions at that moment, and refuses when a follow-up was changed by someone
else after the preview. The session entry is removed before saving, so a second click saves nothing twice.
"""

import base64
import hashlib
import zlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from portal.scoping import scope
from promises.models import PromisePeriod
from promises.open_data import export, fields
from promises.open_data.follow_up_import import MAX_BYTES, MAX_ROWS, ImportFileError, follow_up_import

SESSION_KEY = "follow_up_import"
SHOWN_ERRORS = 200
SHOWN_CHANGES = 200


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file past the limit, so a huge upload is never stored, in memory or on disk."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class FollowUpImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV-fil"),
        help_text=gettext_lazy("Högst 2 MB, sparad som ”CSV UTF-8”, med semikolon mellan fälten."),
        error_messages={
            "required": gettext_lazy("Välj en CSV-fil att läsa in."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_too_large_message())
        return upload


def _too_large_message():
    return _("Filen är för stor. Den får vara högst 2 MB; dela upp den i flera filer.")


def _pack(data):
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpack(text):
    return zlib.decompress(base64.b64decode(text))


def _follow_up_label(follow_up):
    period = follow_up.period
    return f"{period.municipality.name} {period.years_label}, {follow_up.year}"


def summary_lines(result, *, saved):
    """What the import changed (or would change), in sentences for the page and the message."""
    changed = len(result.changes)
    follow_ups = result.changed_follow_ups
    lines = []
    if not changed and not follow_ups:
        return [
            _("Filen innehåller inga ändringar. Inget sparades.") if saved else _("Filen innehåller inga ändringar.")
        ]
    counts = {"reports": changed, "follow_ups": len(follow_ups)}
    if saved:
        lines.append(
            ngettext(
                "%(reports)s rapport uppdaterad",
                "%(reports)s rapporter uppdaterade",
                changed,
            )
            % counts
            + " "
            + ngettext("i %(follow_ups)s uppföljning.", "i %(follow_ups)s uppföljningar.", len(follow_ups)) % counts
        )
    else:
        lines.append(
            ngettext("%(reports)s rapport ändras", "%(reports)s rapporter ändras", changed) % counts
            + " "
            + ngettext("i %(follow_ups)s uppföljning.", "i %(follow_ups)s uppföljningar.", len(follow_ups)) % counts
        )
    started = [_follow_up_label(o.follow_up) for o in follow_ups if o.created]
    if started:
        text = _("Startade uppföljningar: %(list)s.") if saved else _("Uppföljningar som startas: %(list)s.")
        lines.append(text % {"list": "; ".join(started)})
    withdrawn = [_follow_up_label(o.follow_up) for o in follow_ups if o.approvals_withdrawn]
    if withdrawn:
        text = (
            _("Godkännandena togs bort för %(list)s. Båda parter behöver godkänna igen.")
            if saved
            else _("Godkännandena tas bort för %(list)s. Båda parter behöver godkänna igen.")
        )
        lines.append(text % {"list": "; ".join(withdrawn)})
    published = [_follow_up_label(o.follow_up) for o in follow_ups if o.published and o.reports]
    if published:
        lines.append(
            _("Redan publicerade, så ändringen syns direkt och visas som en uppdatering: %(list)s.")
            % {"list": "; ".join(published)}
        )
    if result.unchanged:
        lines.append(
            ngettext("%(count)s rad ändrar ingenting.", "%(count)s rader ändrar ingenting.", result.unchanged)
            % {"count": result.unchanged}
        )
    if result.skipped:
        lines.append(
            ngettext(
                "%(count)s rad utan år och status hoppades över.",
                "%(count)s rader utan år och status hoppades över.",
                result.skipped,
            )
            % {"count": result.skipped}
        )
    return lines


class FollowUpImportAdminMixin:
    """Adds the import page to the follow-up admin, and an export in the same format for editing drafts."""

    change_list_template = "admin/promises/followup/change_list.html"

    def get_urls(self):
        return [
            path(
                "importera/",
                self.admin_site.admin_view(self.import_view),
                name="promises_followup_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=gettext_lazy("Exportera valda uppföljningar för import (CSV)"))
    def export_import_format(self, request, queryset):
        """The selected follow-ups, drafts too, in the open-data format: a file to edit and import again."""
        follow_ups = scope(queryset, request.user)
        periods = scope(PromisePeriod.objects.filter(follow_ups__in=follow_ups).distinct(), request.user)
        reports = export.reports_of(follow_ups)
        chunks = export.iter_csv(periods, reports, base_url=request.build_absolute_uri("/"))
        response = StreamingHttpResponse((chunk.encode() for chunk in chunks), content_type=export.CSV_CONTENT_TYPE)
        name = f"uppfoljningar-for-import-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @csrf_exempt
    def import_view(self, request):
        # The size limit must be in place before anything reads the request body, and the CSRF check reads it;
        # so the view is exempt and the check is made below, after the limit (Django's documented pattern).
        limiter = SizeLimitUploadHandler(request, MAX_BYTES)
        request.upload_handlers.insert(0, limiter)

        @csrf_protect
        def view(request):
            return self._import_view(request, limiter)

        return view(request)

    def _import_view(self, request, limiter):
        if not self.has_change_permission(request):
            raise PermissionDenied
        import_url = reverse("admin:promises_followup_import")
        if request.method == "POST" and "cancel" in request.POST:
            request.session.pop(SESSION_KEY, None)
            self.message_user(request, _("Importen avbröts. Inget sparades."), messages.INFO)
            return HttpResponseRedirect(import_url)
        if request.method == "POST" and "save" in request.POST:
            return self._import_save(request, import_url)

        form = FollowUpImportForm()
        context = {}
        status = 200
        if request.method == "POST":
            form = FollowUpImportForm(request.POST, request.FILES)
            if limiter.too_large:
                form = FollowUpImportForm()
                form.errors["file"] = form.error_class([_too_large_message()])
                status = 413
            elif form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    result = follow_up_import(data=data, user=request.user, commit=False, filename=upload.name)
                except ImportFileError as error:
                    form.add_error("file", error.message)
                    status = 400
                else:
                    context = self._result_context(result)
                    if result.errors:
                        status = 400
                        request.session.pop(SESSION_KEY, None)
                    else:
                        digest = hashlib.sha256(data).hexdigest()
                        request.session[SESSION_KEY] = {
                            "sha256": digest,
                            "name": upload.name[:200],
                            "data": _pack(data),
                            "versions": result.versions,
                        }
                        context.update(token=digest, filename=upload.name, summary=summary_lines(result, saved=False))
            else:
                status = 400
        return self._render(request, form, context, status)

    def _import_save(self, request, import_url):
        pending = request.session.pop(SESSION_KEY, None)
        # Saved now, before the import runs: a second click finds nothing to save.
        request.session.save()
        if not pending or pending.get("sha256") != request.POST.get("token"):
            self.message_user(
                request,
                _(
                    "Det finns ingen granskad fil att spara; den kan redan vara sparad. "
                    "Ladda upp filen och granska den igen."
                ),
                messages.WARNING,
            )
            return HttpResponseRedirect(import_url)
        try:
            result = follow_up_import(
                data=_unpack(pending["data"]),
                user=request.user,
                commit=True,
                filename=pending.get("name", ""),
                expected_versions=pending.get("versions", {}),
            )
        except ImportFileError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(import_url)
        if result.stale:
            self.message_user(
                request,
                _(
                    "Någon annan har ändrat en av uppföljningarna sedan du granskade filen, så inget sparades. "
                    "Ladda upp filen och granska den igen."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(import_url)
        if result.errors:
            return self._render(request, FollowUpImportForm(), self._result_context(result), 400)
        for outcome in result.changed_follow_ups:
            # The admin's own log too, as for an edit on the follow-up's page ("Senaste händelser").
            self.log_change(
                request,
                outcome.follow_up,
                ngettext(
                    "%(count)s rapport ändrad från CSV-filen %(name)s.",
                    "%(count)s rapporter ändrade från CSV-filen %(name)s.",
                    outcome.reports,
                )
                % {"count": outcome.reports, "name": pending.get("name", "")},
            )
        level = messages.WARNING if any(o.approvals_withdrawn for o in result.follow_ups.values()) else messages.SUCCESS
        self.message_user(request, " ".join(summary_lines(result, saved=True)), level)
        return HttpResponseRedirect(reverse("admin:promises_followup_changelist"))

    def _result_context(self, result):
        return {
            "result": result,
            "errors": result.errors[:SHOWN_ERRORS],
            "hidden_errors": max(0, len(result.errors) - SHOWN_ERRORS),
            "changes": result.changes[:SHOWN_CHANGES],
            "hidden_changes": max(0, len(result.changes) - SHOWN_CHANGES),
        }

    def _render(self, request, form, context, status):
        columns = [(field, fields.field_description(field)) for field in fields.FIELDS if field.import_role]
        return TemplateResponse(
            request,
            "admin/promises/followup/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Importera årliga rapporter från en CSV-fil"),
                "form": form,
                "columns": columns,
                "delimiter": export.CSV_DELIMITER,
                "max_rows": f"{MAX_ROWS:,}".replace(",", "\u00a0"),
                **context,
            },
            status=status,
        )
