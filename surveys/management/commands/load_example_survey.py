"""An example safety survey for Vindeln, so that the demo has a survey to answer.

It is invented: the seed documents contain no survey questions. Its title and introduction say so.
Running the command again changes nothing but the dates, which move so that the survey stays open.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.models import Municipality
from surveys.models import Choice, Question, Survey, SurveySection

SLUG = "exempel-trygghetsundersokning-vindeln"
TITLE = "Exempel: Trygghetsundersökning"
INTRODUCTION = (
    "Exempel. Den här enkäten är påhittad för att visa hur portalen fungerar. Den är inte en riktig "
    "trygghetsundersökning från Vindelns kommun eller polisen, och svaren används inte.\n\n"
    "I en riktig trygghetsundersökning frågar kommunen och polisen hur trygg du känner dig där du bor. "
    "Svaren är ett av underlagen när de bestämmer vad de ska lova i medborgarlöftet."
)
OPEN_DAYS = 60

SECTIONS = [
    {
        "title": "Trygghet där du bor",
        "description": "Frågorna gäller området runt där du bor.",
        "questions": [
            {
                "kind": Question.Kind.SINGLE,
                "text": "Hur trygg känner du dig när du går ut ensam sent en kväll i ditt bostadsområde?",
                "required": True,
                "choices": ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg", "Går aldrig ut ensam"],
            },
            {
                "kind": Question.Kind.SCALE,
                "text": "Hur nöjd är du med belysningen längs gator och gångvägar där du bor?",
                "help_text": "1 betyder mycket missnöjd och 5 mycket nöjd.",
                "scale_min_label": "Mycket missnöjd",
                "scale_max_label": "Mycket nöjd",
            },
            {
                "kind": Question.Kind.MULTIPLE,
                "text": "Vilka av de här problemen finns i ditt bostadsområde?",
                "help_text": "Välj alla som stämmer.",
                "choices": [
                    "Nedskräpning",
                    "Skadegörelse",
                    "Bilar som kör för fort",
                    "Narkotikahandel",
                    "Bråk och stök på allmän plats",
                    "Inget av detta",
                ],
            },
        ],
    },
    {
        "title": "Platser och förslag",
        "description": "Berätta gärna om en plats och vad du tycker att kommunen och polisen borde göra.",
        "questions": [
            {
                "kind": Question.Kind.PLACE,
                "text": "Finns det en plats där du känner dig otrygg?",
                "help_text": (
                    "Till exempel en gata, en park, en gångtunnel eller en busshållplats. Skriv inte namn på personer."
                ),
            },
            {
                "kind": Question.Kind.TEXT,
                "text": "Vad tycker du kan göras för att öka tryggheten?",
                "help_text": "Skriv inte namn på dig själv eller andra.",
            },
        ],
    },
]


class Command(BaseCommand):
    help = "Skapar (eller behåller) en påhittad exempelenkät för Vindeln som är öppen i 60 dagar från i dag."

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            vindeln = Municipality.objects.get(slug="vindeln")
        except Municipality.DoesNotExist:
            raise CommandError("Vindeln finns inte i databasen: kör `manage.py load_content` först.") from None
        today = timezone.localdate()
        if Survey.objects.filter(slug=SLUG, results_published=True).exists():
            # Published results are final and so are the dates (Survey.clean): leave it as it is.
            self.stdout.write("Exempelenkätens resultat är publicerade; den lämnas som den är.")
            return
        survey, created = Survey.objects.update_or_create(
            slug=SLUG,
            defaults={
                "title": TITLE,
                "introduction": INTRODUCTION,
                "opens_on": today,
                "closes_on": today + datetime.timedelta(days=OPEN_DAYS),
            },
        )
        survey.municipalities.add(vindeln)
        if created or not survey.questions.exists():
            self._create_questions(survey)
        verb = "Skapade" if created else "Uppdaterade datumen för"
        self.stdout.write(f"{verb} exempelenkäten {survey.get_absolute_url()}")

    def _create_questions(self, survey):
        order = 0
        for section_order, spec in enumerate(SECTIONS, start=1):
            section = SurveySection.objects.create(
                survey=survey, title=spec["title"], description=spec["description"], order=section_order
            )
            for question_spec in spec["questions"]:
                order += 1
                fields = {key: value for key, value in question_spec.items() if key != "choices"}
                question = Question.objects.create(survey=survey, section=section, order=order, **fields)
                Choice.objects.bulk_create(
                    Choice(question=question, text=text, order=index)
                    for index, text in enumerate(question_spec.get("choices", []), start=1)
                )
