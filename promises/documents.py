"""The printable documents: the signed promise and the yearly follow-up report, as HTML and as A4 PDF.

A PDF is made from the same HTML that the printable page shows, once per version of that HTML: its SHA-256
names the stored file, so an unchanged document is served from storage and a changed one is made anew.
"""

import difflib
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

STATIC_PREFIX = "/static/"
PDF_VARIANT = "pdf/ua-1"


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


def stored_pdf(*, kind, name, html, base_url):
    """The PDF for this exact HTML: from storage if it was made before, otherwise made and stored now.

    Returns (storage path, made_now).
    """
    # The rendering options are part of the version: a PDF made before the switch to PDF/UA is made anew.
    digest = hashlib.sha256(f"{PDF_VARIANT}\n{html}".encode()).hexdigest()[:20]
    folder = f"dokument/{kind}"
    path = f"{folder}/{name}-{digest}.pdf"
    if default_storage.exists(path):
        return path, False
    pdf = render_pdf(html, base_url=base_url)
    saved = default_storage.save(path, ContentFile(pdf))
    _delete_older_versions(folder=folder, name=name, keep=saved)
    return saved, True


def _delete_older_versions(*, folder, name, keep):
    """Earlier versions of the same document are never served again once the content has changed."""
    prefix = f"{name}-"
    for filename in default_storage.listdir(folder)[1]:
        stem = filename.removesuffix(".pdf")
        # Exactly "<name>-<20 hex digits>": "umea-2021-2022" must not delete "umea-2021-2022-2021-…".
        digest = stem[len(prefix) :]
        if stem.startswith(prefix) and len(digest) == 20 and f"{folder}/{filename}" != keep:
            default_storage.delete(f"{folder}/{filename}")
