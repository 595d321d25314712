from django.core.management.base import BaseCommand

from promises.content_loader import content_load


class Command(BaseCommand):
    help = (
        "Läser in medborgarlöftena för Lokalpolisområde Umeå från promises/content/. Skapar det som "
        "saknas och lämnar befintliga rader orörda, så att ändringar i admin finns kvar. "
        "Kan köras hur många gånger som helst."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-examples",
            action="store_true",
            help="Läs också in påhittade exempel på årliga uppföljningar (märkta som exempel).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Skriv filernas värden över befintliga rader, även sådant som ändrats i admin.",
        )

    def handle(self, *args, with_examples, update, **options):
        content_load(with_examples=with_examples, update=update, stdout=self.stdout)
