"""The printable documents: the signed promise and the yearly follow-up report, as HTML and as A4 PDF.

A PDF is made from the same HTML that the printable page shows, once per version of that HTML and of the renderer:
the SHA-256 of both names the stored file, so an unchanged document is served from storage and a changed one is
made anew. promises/documents_ahead.py makes them when content is published or changed, before anyone asks.
"""

import difflib
import functools
import hashlib
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from promises.models import Party
from promises.timeline import follow_up_focus_areas, split_activities

STATIC_PREFIX = "/static/"
PDF_VARIANT = "pdf/ua-1"
# The printable documents and their PDFs are the official Swedish documents, whatever the page's language: they
# are rendered in Swedish (their text, dates and the address in the QR code), so that a stored PDF's content hash
# does not depend on the visitor's language. On the English page around it, the page itself says so in English.
DOCUMENT_LANGUAGE = "sv"
DOCUMENT_STYLESHEET = "css/document.css"
# A PDF being written, renamed into its place when whole (_store_atomically); the sweep leaves these alone.
PARTIAL_PREFIX = ".partial-"
# What the follow-up report shows besides the follow-up itself: the header names the kommun, police and approvers.
FOLLOW_UP_RELATED = ("period__municipality__police_area", "municipality_approved_by", "police_approved_by")


@dataclass(frozen=True)
class DocumentHeader:
    """What the head of a printable document says (templates/includes/_document_header.html draws it)."""

    link_text: str  # beside the QR code, before the short link
    kicker: str  # the kind of document, above the title
    title: str
    parties: list  # names, written "A, B och C"
    meta: list  # short facts, written one after the other with " · " between


def _day(value):
    # As the template filter |date:"j F Y" writes it, in local time.
    return date_filter(template_localtime(value), "j F Y")


def period_document_header(period, signing_parties):
    municipality = period.municipality
    police_area = municipality.police_area
    return DocumentHeader(
        link_text=_("Följ löftena och vad som blev gjort varje år:"),
        kicker=_("Medborgarlöfte"),
        title=period.display_title,
        parties=[party.name for party in signing_parties],
        meta=[
            municipality.official_name,
            f"{police_area.name}, {police_area.region}" if police_area.region else police_area.name,
            _("Gäller %(years)s") % {"years": period.years_label},
        ],
    )


def follow_up_report_header(follow_up):
    period = follow_up.period
    municipality = period.municipality
    meta = [_("Publicerad %(published)s") % {"published": _day(follow_up.published_on)}]
    if follow_up.municipality_approved_at:
        meta.append(_("godkänd av kommunen %(date)s") % {"date": _day(follow_up.municipality_approved_at)})
    if follow_up.police_approved_at:
        meta.append(_("godkänd av polisen %(date)s") % {"date": _day(follow_up.police_approved_at)})
    if follow_up.updated_after_publication:
        meta.append(_("uppdaterad %(date)s") % {"date": _day(follow_up.content_updated_at)})
    return DocumentHeader(
        link_text=_("Uppföljningen och löftena finns på:"),
        kicker=_("Årlig uppföljning av medborgarlöfte"),
        title=_("Uppföljning %(year)s av medborgarlöftena %(years)s")
        % {"year": follow_up.year, "years": period.years_label},
        parties=[municipality.official_name, municipality.police_area.name],
        meta=meta,
    )


@dataclass(frozen=True)
class Approval:
    organisation: str
    name: str  # the approver's full name; empty when the account has none (a user name is not shown publicly)
    at: object  # datetime or None


def follow_up_approvals(follow_up):
    """Who approved the follow-up for the kommun and for the police, and when."""
    municipality = follow_up.period.municipality

    def approval(organisation, user, at):
        return Approval(organisation=organisation, name=user.get_full_name() if user and at else "", at=at)

    return [
        approval(municipality.official_name, follow_up.municipality_approved_by, follow_up.municipality_approved_at),
        approval(municipality.police_area.name, follow_up.police_approved_by, follow_up.police_approved_at),
    ]


def css_string(text):
    """`text` as a quoted CSS string: quotes, backslashes, markup characters and line breaks as escapes."""
    return '"' + "".join(f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 32 else char for char in text) + '"'


def running_header_css(header, short_link):
    """The PDF's running header and footer as @page margin boxes for the browser's print of the document page.

    document.css gives WeasyPrint the title, the kind of document and the short link with string-set, taken from
    the document itself; browsers have no string-set, so they get the same three texts written into a stylesheet
    of the document's own (the page numbers need nothing: counter(page) and counter(pages) work in both).
    """
    return (
        "/* Running header and footer of this document when printed from the browser (promises/documents.py). */\n"
        f"@page {{ @top-left {{ content: {css_string(header.title)}; }}"
        f" @top-right {{ content: {css_string(header.kicker)}; }}"
        f" @bottom-left {{ content: {css_string(short_link)}; }} }}\n"
        "@page :first { @top-left { content: none; } }\n"
    )


def period_document_text(period):
    """The promise as plain text, paragraph by paragraph, for comparing the live text with the signed one.

    Activities added after signing are not part of what was signed, so they are left out: attaching one to a
    focus area during the period does not make the live text differ from the signed original.
    """
    lines = [str(period.display_title)]
    for text in (period.preamble, period.basis):
        lines += _paragraphs(text)
    for focus_area in period.focus_areas.all():
        lines.append(focus_area.title)
        lines += _paragraphs(focus_area.description)
        lines += [activity.text for activity in focus_area.activities.all() if not activity.added_after_signing]
    lines += _paragraphs(period.feedback)
    return "\n".join(lines)


def _paragraphs(text):
    return [paragraph.strip() for paragraph in (text or "").split("\n") if paragraph.strip()]


def text_changes(signed, live):
    """What changed between the signed and the live text: [("removed" | "added", paragraph), …]."""
    changes = []
    for line in difflib.ndiff(signed.splitlines(), live.splitlines()):
        if line.startswith("- "):
            changes.append(("removed", line[2:]))
        elif line.startswith("+ "):
            changes.append(("added", line[2:]))
    return changes


def qr_svg(url):
    """An inline SVG QR code for `url`, with its text alternative as the SVG's <title>.

    The <title> is what WeasyPrint gives the PDF's Figure as /Alt (PDF/UA-1 7.3 requires one); segno escapes it
    and writes nothing else but path data.
    """
    short_link = url.split("://", 1)[-1].rstrip("/")
    title = _("QR-kod till %(short_link)s") % {"short_link": short_link}
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#000000", title=title))


def _static_files_fetcher():
    """A WeasyPrint URL fetcher that serves the portal's own static files from disk and refuses the rest.

    Documents never need another server, and fetching nothing else keeps document content from making the
    server request arbitrary addresses. A missing file stops the rendering rather than giving a PDF without
    its font.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = urlsplit(url).path
            if not path.startswith(STATIC_PREFIX):
                raise ValueError(f"Dokumentet får bara hämta portalens egna filer, inte {url}")
            relative = path[len(STATIC_PREFIX) :]
            found = finders.find(relative) or _collected(relative)
            if not found:
                raise ValueError(f"Filen finns inte: {relative}")
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime_type})

    return StaticFilesFetcher(fail_on_errors=True)


def _collected(relative):
    candidate = Path(settings.STATIC_ROOT) / relative
    return str(candidate) if candidate.is_file() else None


def render_pdf(html, *, base_url):
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=_static_files_fetcher())
    # PDF/UA-1 (ISO 14289-1): tagged for screen readers, with the identification in the XMP metadata that checkers
    # such as veraPDF look for; the <title>, lang and author meta tags become the PDF's metadata.
    return document.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)


def document_origin(request=None):
    """Scheme and host of the addresses a document prints (its QR code, its short link): SITE_URL when set, so
    that a PDF made ahead without a request is the one a visitor's request would make; else the request's own.
    None without either: then a PDF cannot be made ahead, only on request."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}" if request is not None else None


def short_link(live_url):
    return live_url.split("://", 1)[-1].rstrip("/")


def period_document_context(period, *, origin):
    """The promise document's context; `period` comes from PromisePeriod.objects.with_content()."""
    parties = list(period.parties.all())
    signing_parties = [party for party in parties if party.role == Party.Role.SIGNATORY]
    live_url = origin + period.get_absolute_url()
    # Activities added during the period are followed up, but were never signed: the document leaves them out.
    for focus_area in period.focus_areas.all():
        split_activities(focus_area, list(focus_area.activities.all()))
    return {
        "period": period,
        "municipality": period.municipality,
        "header": period_document_header(period, signing_parties),
        "signing_parties": signing_parties,
        "partners": [party for party in parties if party.role == Party.Role.PARTNER],
        "signatories": list(period.signatories.all()),
        "signed": bool(period.signed_on or period.signed_original),
        "live_url": live_url,
        "short_link": short_link(live_url),
        "qr": qr_svg(live_url),
    }


def follow_up_report_context(follow_up, focus_areas, *, origin):
    """The follow-up report's context; `focus_areas` from follow_up_focus_areas()."""
    period = follow_up.period
    live_url = origin + follow_up.get_absolute_url()
    return {
        "follow_up": follow_up,
        "period": period,
        "municipality": period.municipality,
        "focus_areas": focus_areas,
        "header": follow_up_report_header(follow_up),
        "approvals": follow_up_approvals(follow_up),
        "live_url": live_url,
        "short_link": short_link(live_url),
        "qr": qr_svg(live_url),
    }


def swedish_document(template, context_for):
    """The document's context and its HTML, both made in Swedish (the address in the QR code too)."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = context_for()
        return context, render_to_string(template, context)


@dataclass(frozen=True)
class PdfDocument:
    """One PDF the portal serves: where it is stored and how its HTML is made.

    The visitor's request (promises/views/periods.py) and the renderer ahead of it (promises/documents_ahead.py)
    both describe a document through this, so that both make the same HTML and so find the same stored file.
    """

    kind: str  # the folder under dokument/ and the start of the file name a visitor sees
    name: str  # the document's stable name: kommun slug and years
    template: str
    context_for: Callable[[], dict]

    @property
    def folder(self):
        return f"dokument/{self.kind}"

    def html(self):
        return swedish_document(self.template, self.context_for)[1]

    def path(self, html):
        return f"{self.folder}/{self.name}-{pdf_digest(html)}.pdf"


def period_pdf(period, *, origin):
    """`period` as PromisePeriod.objects.with_content() gives it."""
    return PdfDocument(
        kind="medborgarlofte",
        name=f"{period.municipality.slug}-{period.start_year}-{period.end_year}",
        template="documents/period_document_pdf.html",
        context_for=lambda: period_document_context(period, origin=origin),
    )


def follow_up_pdf(follow_up, *, origin, focus_areas=None):
    """`follow_up` with FOLLOW_UP_RELATED selected (promises/views/periods.py)."""
    period = follow_up.period
    return PdfDocument(
        kind="uppfoljning",
        name=f"{period.municipality.slug}-{period.start_year}-{period.end_year}-{follow_up.year}",
        template="documents/follow_up_report_pdf.html",
        context_for=lambda: follow_up_report_context(
            follow_up, follow_up_focus_areas(follow_up) if focus_areas is None else focus_areas, origin=origin
        ),
    )


@functools.cache
def renderer_fingerprint():
    """What besides the HTML decides a PDF's bytes: the PDF variant, the WeasyPrint release and the document
    stylesheet with the fonts it loads. Part of every stored PDF's name, so that a release that changes any of
    them (a deploy with new CSS, fonts or WeasyPrint) makes every PDF anew rather than serving the old ones.
    Templates need nothing here: they change the HTML itself. Read once per process: a deploy restarts it."""
    digest = hashlib.sha256(f"{PDF_VARIANT}\nweasyprint {metadata.version('weasyprint')}\n".encode())
    stylesheet = finders.find(DOCUMENT_STYLESHEET) or _collected(DOCUMENT_STYLESHEET)
    if stylesheet:
        css = Path(stylesheet).read_bytes()
        digest.update(css)
        for reference in sorted(set(re.findall(rb'url\(\s*["\']?([^"\')]+)', css))):
            relative = os.path.normpath(os.path.join(os.path.dirname(DOCUMENT_STYLESHEET), reference.decode()))
            found = finders.find(relative) or _collected(relative)
            digest.update(relative.encode() + (Path(found).read_bytes() if found else b"missing"))
    return digest.hexdigest()


def pdf_digest(html):
    return hashlib.sha256(f"{renderer_fingerprint()}\n{html}".encode()).hexdigest()[:20]


def stored_pdf_path(document, html=None):
    """The storage path of the document's PDF for its current content when it has been made, else None.

    Needs no WeasyPrint: a visitor's request for a PDF made ahead renders the HTML only, to find the file's name.
    """
    path = document.path(document.html() if html is None else html)
    return path if default_storage.exists(path) else None


def stored_pdf(document, *, base_url, html=None):
    """The PDF for the document's current HTML: from storage if it was made before, otherwise made and stored now.

    Returns (storage path, made_now).
    """
    html = document.html() if html is None else html
    path = document.path(html)
    if default_storage.exists(path):
        return path, False
    pdf = render_pdf(html, base_url=base_url)
    _store_atomically(path, pdf)
    delete_stored_versions(document, keep=path)
    return path, True


def _store_atomically(path, content):
    """Store the file so that no reader ever sees it half written, whoever else stores the same name meanwhile.

    Two processes may make the same PDF at once (two workers, or a visitor and the renderer ahead): the name is
    the content's hash, so either copy is right. On a local disk the file is written beside its place and renamed
    into it (atomic on POSIX). Object storage (S3) has no path and makes a whole upload visible at once anyway; it
    is written through the storage API, which never overwrites (STORAGES in portal/settings.py): when another
    process stored the same name first, the storage picks another name for this copy, which is the same content
    and is deleted again.
    """
    try:
        target = default_storage.path(path)
    except NotImplementedError:
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:
            default_storage.delete(saved)
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=PARTIAL_PREFIX, suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def stored_filenames(folder):
    """The names of the files in a storage folder, none when it does not exist.

    Not `exists(folder)` first: object storage has no folders, only keys with a common prefix, so S3's exists()
    says False for every folder, and the PDFs in it would never be found (nor deleted).
    """
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def _modified_time(path):
    """When the stored file was last written, None when it is gone (another process deleted it first).

    The local disk raises FileNotFoundError; S3 raises its client's own 404 error, so a missing file is recognised
    by asking again rather than by the backend's exception type.
    """
    try:
        return default_storage.get_modified_time(path)
    except FileNotFoundError:
        return None
    except Exception:
        if default_storage.exists(path):
            raise
        return None


def stored_versions(folder, name, filenames=None):
    """The stored files of the document `name` in `folder`, of any version: exactly "<name>-<20 hex digits>.pdf",
    so that "umea-2021-2022" never takes "umea-2021-2022-2021-…" (a follow-up of that period) for its own."""
    if filenames is None:
        filenames = stored_filenames(folder)
    prefix = f"{name}-"
    return [
        f"{folder}/{filename}"
        for filename in filenames
        if filename.startswith(prefix) and re.fullmatch(r"[0-9a-f]{20}\.pdf", filename[len(prefix) :])
    ]


def delete_stored_versions(document, *, keep=None):
    """Earlier versions of the same document are never served again once the content has changed.

    Only files older than the one kept go: a request that began before a change and stored the old version late
    must not delete the newer one (the visitor's lookup by the current hash never serves the older anyway).
    """
    kept_at = _modified_time(keep) if keep else None
    if keep and kept_at is None:
        return  # the file to keep is itself gone: a newer version replaced it, and must not be deleted here
    for path in stored_versions(document.folder, document.name):
        if path == keep:
            continue
        if kept_at is None:
            default_storage.delete(path)
            continue
        modified_at = _modified_time(path)
        # None: another process deleted it first. (A storage's delete of a missing file is no error.)
        if modified_at is not None and modified_at <= kept_at:
            default_storage.delete(path)
