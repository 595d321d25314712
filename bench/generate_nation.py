"""`python -m bench generate_nation`: the synthetic nation (bench/synthetic.py) in the current database."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench.synthetic import NationSize, nation_generate


class Command(BaseCommand):
    help = (
        "Skapar en syntetisk nation för prestandatester: 290 påhittade kommuner med tio års medborgarlöften, "
        "uppföljningar, enkäter med 100 000 svar, dialoger och platser. Allt märks som syntetiskt eller exempel."
    )

    def add_arguments(self, parser):
        size = NationSize()
        parser.add_argument("--kommuner", type=int, default=size.municipalities)
        parser.add_argument("--years", type=int, default=size.years)
        parser.add_argument("--responses", type=int, default=size.responses)
        parser.add_argument("--seed", type=int, default=1, help="Samma frö ger samma nation.")

    def handle(self, *args, kommuner, years, responses, seed, **options):
        if not 1 <= kommuner <= 999 or not 1 <= years <= 50 or responses < 0:
            raise CommandError("Mellan 1 och 999 kommuner, 1 och 50 år, och inte ett negativt antal svar.")
        size = NationSize(municipalities=kommuner, years=years, responses=responses)
        started = time.perf_counter()
        try:
            rows = nation_generate(size=size, today=timezone.localdate(), seed=seed, stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Fresh statistics for the query planner: after a bulk load PostgreSQL's still describe the empty tables
        # until autovacuum gets round to them (the kommun page took 100 ms instead of 30 on the benchmark, planned
        # as if nine follow-ups were published), and SQLite keeps none until asked.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, count in rows.items():
            self.stdout.write(f"{count:>9} {name}")
        self.stdout.write(self.style.SUCCESS(f"Klart på {time.perf_counter() - started:.1f} s."))
