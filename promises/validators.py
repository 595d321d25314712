from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_signed_pdf(upload):
    """A signed original must be a real PDF by its content, whatever its name says, and not too large."""
    limit = settings.SIGNED_ORIGINAL_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Filen är %(size)s. Den får vara högst %(limit)s; skanna med lägre upplösning eller i gråskala.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        upload.seek(0)
        raise ValidationError(
            _("Filen är inte en PDF, oavsett vad den heter. Ladda upp det skannade dokumentet som PDF.")
        )
    upload.seek(0)
    try:
        pages = len(PdfReader(upload, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(
            _("Filen ser ut som en PDF men går inte att läsa, eller saknar sidor."), code="unreadable"
        )
