"""Make every missing PDF of the published documents, and delete stored PDFs that must not be kept.

A deploy step (after `migrate` and `collectstatic`: new templates, stylesheets or WeasyPrint make every PDF anew)
and a periodic catch-up from cron, for PDFs that no change made ahead (a failed background job, a process that
stopped before it got there, a change to every page such as a kommun renamed). Safe while the portal serves and
beside another run: a PDF is stored whole under its content's hash.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.models import Municipality
from promises.documents import document_origin
from promises.documents_ahead import documents_render


class Command(BaseCommand):
    help = "Gör alla PDF:er som saknas för publicerade medborgarlöften och uppföljningar, och tar bort inaktuella."

    def add_arguments(self, parser):
        parser.add_argument("--kommun", action="append", dest="slugs", metavar="SLUG", help="Bara den här kommunen.")

    def handle(self, *args, slugs=None, **options):
        if document_origin() is None:
            raise CommandError(
                "SITE_URL är inte satt: dokumenten skriver portalens adress och kan inte göras i förväg."
            )
        ids = None
        if slugs:
            ids = set(Municipality.objects.filter(slug__in=slugs).values_list("pk", flat=True))
            if len(ids) != len(set(slugs)):
                raise CommandError(f"Okänd kommun bland {', '.join(slugs)}.")
        result = documents_render(municipality_ids=ids)
        self.stdout.write(f"PDF:er: {result}.")
        if result.failed:
            raise CommandError(f"{result.failed} PDF:er kunde inte göras (se loggen); besökarna gör dem vid behov.")
