"""A synthetic nation: 290 kommuner with ten years of promises, follow-ups, surveys, dialogues and places.

For benchmarks and for query-budget tests at national scale. Deterministic (one seeded random generator, and
"today" passed in), and fast: every table is written with bulk_create in large batches, so that the whole nation
takes seconds, not minutes. Nothing here is real: kommun names are invented, codes are in the 9xxx range that SCB
does not use, every period says in its title and source that it is synthetic, and every follow-up is flagged
`is_example`, so each page that shows one labels it "Exempel".

bulk_create writes no django-simple-history rows and skips the models' save(): generating test data is not an
edit by anyone, and the version counters start at 1 as for any new row.

Every follow-up has a report per focus area as well as per activity, and some activities were added to their
focus area after signing. Those are drawn from a second generator seeded from the same seed, so that adding them
left the rest of the nation as it was (the national query-budget tests pick their pages from it).
"""

import random
import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from portal.invalidation import everything_changed
from portal.models import Municipality, PoliceArea
from promises.content_loader import CONTENT_DIR
from promises.models import (
    Activity,
    ActivityReport,
    FocusArea,
    FocusAreaReport,
    FollowUp,
    Party,
    PromisePeriod,
    Publication,
    Recurrence,
    ReportStatus,
    Signatory,
    Theme,
)
from surveys.models import Answer, Choice, Dialogue, Question, Response, Survey, UnsafePlace
from surveys.models.common import Moderation, TimeOfDay

SYNTHETIC_SOURCE = "Syntetiska testdata från python -m bench generate_nation: inget av detta är verkliga löften."
SYNTHETIC_CODE_PREFIX = "9"  # SCB's kommunkoder run from 0114 to 2584; 9xxx is never a real kommun.
BATCH = 5000
STOCKHOLM = ZoneInfo("Europe/Stockholm")

REGIONS = ("Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen")
NAME_STARTS = (
    "Björk", "Ek", "Gran", "Sjö", "Berg", "Norr", "Söder", "Väster", "Öster", "Lind", "Ask", "Al", "Rönn", "Hag",
    "Strand", "Dal", "Mal", "Hed", "Lö", "Sand",
)  # fmt: skip
NAME_ENDS = ("by", "vik", "ås", "holm", "dal", "torp", "berga", "sund", "näs", "fors", "mark", "ryd", "hult", "stad")
STATUS_WEIGHTS = {
    ReportStatus.DONE: 30,
    ReportStatus.CONTINUOUS: 25,
    ReportStatus.IN_PROGRESS: 15,
    ReportStatus.PARTLY_DONE: 10,
    ReportStatus.NOT_STARTED: 5,
    ReportStatus.DELAYED: 8,
    ReportStatus.RENEGOTIATED: 4,
    ReportStatus.STOPPED: 3,
}
ACTIVITY_TEXTS = (
    "Polisen och kommunen genomför gemensamma trygghetsvandringar i {place} minst två gånger per år.",
    "Kommunen förbättrar belysningen längs gång- och cykelvägar i {place} där invånarna upplever otrygghet.",
    "Polisen genomför riktade trafikkontroller vid skolorna i {place} under skolstarten vår och höst.",
    "Polisen och kommunen informerar om bedrägerier mot äldre vid träffpunkter i {place}.",
    "Kommunen och polisen samverkar med föreningslivet i {place} om drogförebyggande arbete bland unga.",
    "Polisen är synlig i centrala {place} fredags- och lördagskvällar under sommaren.",
    "Kommunen erbjuder stöd till den som utsatts för våld i nära relation och informerar om det i {place}.",
    "Polisen och kommunen startar grannsamverkan i fler bostadsområden i {place}.",
)


@dataclass
class NationSize:
    municipalities: int = 290
    years: int = 10
    focus_areas: int = 5
    activities: int = 5
    responses: int = 100_000
    dialogues_per_year: int = 2
    places: int = 10

    @classmethod
    def small(cls):
        """The same shapes at a size for tests: big enough to expose N+1 queries, quick to write."""
        return cls(municipalities=12, years=4, focus_areas=3, activities=3, responses=300, places=3)


@dataclass
class NationCounts:
    rows: dict = field(default_factory=dict)

    def add(self, model, count):
        name = model._meta.verbose_name_plural
        self.rows[str(name)] = self.rows.get(str(name), 0) + count


def _names(rng, count):
    names = [start + end for start in NAME_STARTS for end in NAME_ENDS]
    rng.shuffle(names)
    while len(names) < count:
        names += [f"{name} {len(names)}" for name in names[: count - len(names)]]
    return sorted(names[:count])


def _genitive(name):
    return name if name.endswith(("s", "x", "z")) else name + "s"


def _themes():
    """The national themes, from the database or, if load_content has not run, from the content file."""
    themes = list(Theme.objects.order_by("pk"))
    if themes:
        return themes
    content = tomllib.loads((CONTENT_DIR / "vasterbotten.toml").read_text(encoding="utf-8"))
    return Theme.objects.bulk_create(
        Theme(name=t["name"], slug=t["slug"], description=t.get("description", "")) for t in content["themes"]
    )


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)), STOCKHOLM)


def _period_spans(rng, first_year, last_year):
    """Consecutive periods of one to three years from first_year, the last one reaching into last_year."""
    spans, start = [], first_year
    while start <= last_year:
        end = start + rng.choice((0, 1, 1, 2, 2, 2))
        spans.append((start, end))
        start = end + 1
    return spans


def nation_generate(*, size, today, seed=1, stdout=None):
    """Write a synthetic nation into an empty database; returns the number of rows per table."""
    if Municipality.objects.filter(code__startswith=SYNTHETIC_CODE_PREFIX).exists():
        raise ValueError("Databasen har redan en syntetisk nation.")
    rng = random.Random(seed)
    area_rng = random.Random(f"{seed}-focus-area-reports")
    counts = NationCounts()

    def say(message):
        if stdout is not None:
            stdout.write(message)

    with transaction.atomic():
        themes = _themes()
        municipalities = _municipalities(rng, size, counts)
        say(f"{len(municipalities)} kommuner")
        dialogues = _dialogues(rng, size, today, municipalities, counts)
        places = _places(rng, size, today, municipalities, counts)
        say(f"{len(dialogues)} dialoger, {len(places)} platser")
        surveys = _surveys(rng, size, today, municipalities, counts)
        say(f"{len(surveys)} enkäter, {size.responses} svar")
        _promises(rng, size, today, municipalities, themes, dialogues, places, surveys, counts, area_rng=area_rng)
        say("löften och uppföljningar klara")
        # Bulk inserts send no signals: every cached page is stale now.
        everything_changed()
    return counts.rows


def _municipalities(rng, size, counts):
    area_count = max(1, size.municipalities // 3)
    areas = PoliceArea.objects.bulk_create(
        PoliceArea(name=f"Lokalpolisområde Syntetiskt {n:03d}", region=f"Polisregion {REGIONS[n % len(REGIONS)]}")
        for n in range(1, area_count + 1)
    )
    counts.add(PoliceArea, len(areas))
    municipalities = []
    for n, name in enumerate(_names(rng, size.municipalities), start=1):
        municipalities.append(
            Municipality(
                name=name,
                official_name=f"{_genitive(name)} kommun",
                slug=f"syntetisk-{n:03d}",
                code=f"{SYNTHETIC_CODE_PREFIX}{n:03d}",
                county=f"Syntetiskt län {1 + (n - 1) % 21:02d}",
                police_area=areas[(n - 1) // 3 % area_count],
            )
        )
    municipalities = Municipality.objects.bulk_create(municipalities)
    counts.add(Municipality, len(municipalities))
    return municipalities


def _dialogues(rng, size, today, municipalities, counts):
    rows = []
    for municipality in municipalities:
        for year in range(today.year - size.years + 1, today.year + 1):
            for n in range(size.dialogues_per_year):
                day = date(year, 4 + 5 * n, rng.randint(1, 28))
                kind = rng.choice(Dialogue.Kind.values)
                rows.append(
                    Dialogue(
                        municipality=municipality,
                        kind=kind,
                        title=f"{'Trygghetsvandring' if kind == 'safety_walk' else 'Medborgardialog'} {year}",
                        starts_at=_aware(day, 18),
                        ends_at=_aware(day, 20),
                        place=f"Medborgarhuset i {municipality.name}",
                        description="Syntetisk dialog för prestandatest.",
                        heard="Belysning, trafik vid skolan och ungdomar som saknar mötesplatser."
                        if day < today
                        else "",
                        source=SYNTHETIC_SOURCE,
                        published=rng.random() > 0.05,
                    )
                )
    rows = Dialogue.objects.bulk_create(rows, batch_size=BATCH)
    counts.add(Dialogue, len(rows))
    return rows


def _places(rng, size, today, municipalities, counts):
    rows = []
    for municipality in municipalities:
        for n in range(size.places):
            rows.append(
                UnsafePlace(
                    municipality=municipality,
                    title=f"Gångtunnel {n + 1} i {municipality.name}",
                    description="Syntetisk plats för prestandatest.",
                    why="Mörkt och ödsligt på kvällen.",
                    time_of_day=rng.choice(TimeOfDay.values),
                    latitude=round(rng.uniform(55.4, 68.9), 6),
                    longitude=round(rng.uniform(11.2, 23.8), 6),
                    moderation=rng.choices(Moderation.values, weights=(1, 8, 1))[0],
                    status=rng.choice(UnsafePlace.Status.values),
                    reported_on=today - timedelta(days=rng.randint(0, 365 * size.years)),
                )
            )
    rows = UnsafePlace.objects.bulk_create(rows, batch_size=BATCH)
    counts.add(UnsafePlace, len(rows))
    return rows


def _surveys(rng, size, today, municipalities, counts):
    """One survey per ten kommuner, closed a year ago with results published, sharing all the responses; and
    one open survey for the first ten kommuner, for the benchmark's submissions."""
    groups = [municipalities[i : i + 10] for i in range(0, len(municipalities), 10)]
    surveys = Survey.objects.bulk_create(
        [
            Survey(
                title=f"Trygghetsundersökning {today.year - 1}, grupp {n}",
                slug=f"syntetisk-enkat-{n:02d}",
                introduction="Syntetisk enkät för prestandatest.",
                opens_on=date(today.year - 1, 3, 1),
                closes_on=date(today.year - 1, 4, 30),
                results_published=True,
            )
            for n in range(1, len(groups) + 1)
        ]
        + [
            Survey(
                title=f"Trygghetsundersökning {today.year} (öppen)",
                slug="syntetisk-enkat-oppen",
                introduction="Syntetisk enkät för prestandatest.",
                opens_on=today - timedelta(days=30),
                closes_on=today + timedelta(days=60),
            )
        ]
    )
    closed = surveys[:-1]
    Survey.municipalities.through.objects.bulk_create(
        Survey.municipalities.through(survey=survey, municipality=municipality)
        for survey, group in zip(surveys, [*groups, groups[0]], strict=True)
        for municipality in group
    )
    counts.add(Survey, len(surveys))
    questions, choices = [], {}
    for survey in surveys:
        questions += [
            Question(survey=survey, kind=Question.Kind.SINGLE, text="Hur trygg känner du dig ute på kvällen?", order=1),
            Question(survey=survey, kind=Question.Kind.MULTIPLE, text="Vad gör dig otrygg?", order=2),
            Question(survey=survey, kind=Question.Kind.SCALE, text="Hur bra är belysningen där du bor?", order=3),
            Question(survey=survey, kind=Question.Kind.TEXT, text="Vad skulle göra dig tryggare?", order=4),
        ]
    questions = Question.objects.bulk_create(questions)
    counts.add(Question, len(questions))
    choice_rows = []
    for question in questions:
        if question.kind == Question.Kind.SINGLE:
            texts = ("Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg")
        elif question.kind == Question.Kind.MULTIPLE:
            texts = ("Dålig belysning", "Trafik", "Droger", "Stök", "Inget särskilt")
        else:
            continue
        choice_rows += [Choice(question=question, text=text, order=n) for n, text in enumerate(texts)]
    for choice in Choice.objects.bulk_create(choice_rows):
        choices.setdefault(choice.question_id, []).append(choice)
    counts.add(Choice, len(choice_rows))

    by_survey = {}
    for question in questions:
        by_survey.setdefault(question.survey_id, []).append(question)
    written = 0
    while written < size.responses:
        batch = min(BATCH, size.responses - written)
        picks = [rng.randrange(len(closed)) for _ in range(batch)]
        responses = Response.objects.bulk_create(
            Response(
                survey=surveys[n],
                municipality=rng.choice(groups[n]),
                submitted_on=date(today.year - 1, 3, 1) + timedelta(days=rng.randint(0, 60)),
                submission_token=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            for n in picks
        )
        answers = []
        for response in responses:
            for question in by_survey[response.survey_id]:
                if question.kind == Question.Kind.SINGLE:
                    answers.append(
                        Answer(response=response, question=question, choice=rng.choice(choices[question.pk]))
                    )
                elif question.kind == Question.Kind.MULTIPLE:
                    for choice in rng.sample(choices[question.pk], rng.randint(1, 2)):
                        answers.append(Answer(response=response, question=question, choice=choice))
                elif question.kind == Question.Kind.SCALE:
                    answers.append(Answer(response=response, question=question, scale_value=rng.randint(1, 5)))
                elif rng.random() < 0.2:
                    answers.append(
                        Answer(response=response, question=question, text="Mer belysning och fler vuxna ute.")
                    )
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        counts.add(Response, len(responses))
        counts.add(Answer, len(answers))
        written += batch
    return surveys


def _promises(rng, size, today, municipalities, themes, dialogues, places, surveys, counts, *, area_rng):
    first_year = today.year - size.years + 1
    periods = []
    for municipality in municipalities:
        for start, end in _period_spans(rng, first_year, today.year):
            published = rng.random() > 0.05 or end < today.year - 1
            periods.append(
                PromisePeriod(
                    municipality=municipality,
                    start_year=start,
                    end_year=end,
                    title=f"Medborgarlöften {start}–{end} (syntetiska testdata)",
                    preamble=f"Polisen och {municipality.official_name} lovar att arbeta för ökad trygghet.",
                    basis="Trygghetsundersökningen, medborgardialoger och polisens och kommunens lägesbild.",
                    feedback="Vi berättar varje år hur arbetet har gått.",
                    signed_place=municipality.name,
                    signed_on=date(start, 2, rng.randint(1, 28)),
                    source=SYNTHETIC_SOURCE,
                    publication=Publication.PUBLISHED if published else Publication.DRAFT,
                    published_at=_aware(date(start, 3, 1), 9) if published else None,
                )
            )
    periods = PromisePeriod.objects.bulk_create(periods, batch_size=BATCH)
    counts.add(PromisePeriod, len(periods))

    parties, signatories = [], []
    for period in periods:
        municipality = period.municipality
        parties += [
            Party(period=period, name=municipality.official_name, short_name="Kommunen", kind=Party.Kind.MUNICIPALITY),
            Party(
                period=period, name=municipality.police_area.name, short_name="Polisen", kind=Party.Kind.POLICE, order=1
            ),
        ]
    parties = Party.objects.bulk_create(parties, batch_size=BATCH)
    counts.add(Party, len(parties))
    for n, period in enumerate(periods):
        kommun, police = parties[2 * n], parties[2 * n + 1]
        signatories += [
            Signatory(period=period, party=kommun, name="Kim Exempelsson", title="Kommunstyrelsens ordförande"),
            Signatory(period=period, party=police, name="Robin Exempelsdotter", title="Lokalpolisområdeschef", order=1),
        ]
    counts.add(Signatory, len(Signatory.objects.bulk_create(signatories, batch_size=BATCH)))

    focus_areas = []
    area_themes = []
    for period in periods:
        for theme in rng.sample(themes, min(size.focus_areas, len(themes))):
            focus_areas.append(
                FocusArea(period=period, title=theme.name, description=f"Syntetiskt fokusområde: {theme.name}.",
                          order=len(focus_areas) % size.focus_areas)
            )  # fmt: skip
            # Every third area also addresses the next theme, as real areas often hold several: the theme pages
            # must then list a kommun once even where two of its areas share a theme. Chosen without the random
            # generator, so that the rest of the nation stays what it was.
            second = themes[(themes.index(theme) + 1) % len(themes)]
            area_themes.append([theme] if len(focus_areas) % 3 or second is theme else [theme, second])
    focus_areas = FocusArea.objects.bulk_create(focus_areas, batch_size=BATCH)
    counts.add(FocusArea, len(focus_areas))
    theme_links = [
        FocusArea.themes.through(focusarea_id=focus_area.pk, theme_id=theme.pk)
        for focus_area, chosen in zip(focus_areas, area_themes, strict=True)
        for theme in chosen
    ]
    FocusArea.themes.through.objects.bulk_create(theme_links, batch_size=BATCH)

    activities = []
    for focus_area in focus_areas:
        for n in range(size.activities):
            activities.append(
                Activity(
                    focus_area=focus_area,
                    title=f"{focus_area.title} {n + 1}",
                    text=rng.choice(ACTIVITY_TEXTS).format(place=focus_area.period.municipality.name),
                    frequency=rng.choice(("", "minst två gånger per år", "varje månad")),
                    recurrence=rng.choice(Recurrence.values),
                    order=n,
                )
            )
    _added_after_signing(area_rng, today, activities, size)
    activities = Activity.objects.bulk_create(activities, batch_size=BATCH)
    counts.add(Activity, len(activities))
    party_links = []
    parties_by_period = {}
    for party in parties:
        parties_by_period.setdefault(party.period_id, []).append(party)
    for activity in activities:
        for party in rng.sample(parties_by_period[activity.focus_area.period_id], rng.randint(1, 2)):
            party_links.append(Activity.responsible.through(activity=activity, party=party))
    Activity.responsible.through.objects.bulk_create(party_links, batch_size=BATCH)

    _evidence(rng, periods, activities, dialogues, places, surveys)
    follow_ups = _follow_ups(rng, today, periods, activities, counts)
    _area_reports(area_rng, follow_ups, focus_areas, counts)


def _added_after_signing(area_rng, today, activities, size):
    """About one focus area in six got its last activity during the period, some months after signing."""
    for activity in activities:
        if activity.order != size.activities - 1 or area_rng.random() >= 0.17:
            continue
        period = activity.focus_area.period
        added_on = date(area_rng.randint(period.start_year, period.end_year), area_rng.randint(3, 12), 1)
        activity.added_after_signing = True
        activity.added_on = min(added_on, today)


def _evidence(rng, periods, activities, dialogues, places, surveys):
    dialogues_by_kommun, places_by_kommun, surveys_by_kommun = {}, {}, {}
    for dialogue in dialogues:
        dialogues_by_kommun.setdefault(dialogue.municipality_id, []).append(dialogue)
    for place in places:
        places_by_kommun.setdefault(place.municipality_id, []).append(place)
    for link in Survey.municipalities.through.objects.all():
        surveys_by_kommun.setdefault(link.municipality_id, []).append(link.survey_id)
    period_dialogues, period_places, period_surveys = [], [], []
    for period in periods:
        kommun = period.municipality_id
        before = [d for d in dialogues_by_kommun.get(kommun, []) if d.starts_at.year < period.start_year]
        for dialogue in before[-2:]:
            period_dialogues.append(PromisePeriod.dialogues.through(promiseperiod=period, dialogue=dialogue))
        for place in places_by_kommun.get(kommun, [])[:2]:
            period_places.append(PromisePeriod.unsafe_places.through(promiseperiod=period, unsafeplace=place))
        for survey_id in surveys_by_kommun.get(kommun, [])[:1]:
            period_surveys.append(PromisePeriod.surveys.through(promiseperiod=period, survey_id=survey_id))
    PromisePeriod.dialogues.through.objects.bulk_create(period_dialogues, batch_size=BATCH)
    PromisePeriod.unsafe_places.through.objects.bulk_create(period_places, batch_size=BATCH)
    PromisePeriod.surveys.through.objects.bulk_create(period_surveys, batch_size=BATCH)
    activity_places = []
    for activity in activities[::7]:
        kommun_places = places_by_kommun.get(activity.focus_area.period.municipality_id, [])
        if kommun_places:
            activity_places.append(
                Activity.addresses_places.through(activity=activity, unsafeplace=rng.choice(kommun_places))
            )
    Activity.addresses_places.through.objects.bulk_create(activity_places, batch_size=BATCH)


def _follow_ups(rng, today, periods, activities, counts):
    """Ended years mostly have a published follow-up (some late, some missing, a few still drafts)."""
    activities_by_period = {}
    for activity in activities:
        activities_by_period.setdefault(activity.focus_area.period_id, []).append(activity)
    follow_ups = []
    for period in periods:
        for year in range(period.start_year, min(period.end_year, today.year - 1) + 1):
            roll = rng.random()
            if roll < 0.08:
                continue  # missing: nobody followed this year up
            published = period.publication == Publication.PUBLISHED and roll > 0.15
            on_time = rng.random() < 0.8
            published_on = date(year + 1, rng.randint(1, 3), rng.randint(1, 28)) if on_time else date(year + 1, 9, 1)
            follow_ups.append(
                FollowUp(
                    period=period,
                    year=year,
                    summary=f"Syntetisk uppföljning av {year}.",
                    publication=Publication.PUBLISHED if published else Publication.DRAFT,
                    published_on=published_on if published else None,
                    is_example=True,
                )
            )
    follow_ups = FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    counts.add(FollowUp, len(follow_ups))
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    reports = []
    for follow_up in follow_ups:
        for activity in activities_by_period[follow_up.period_id]:
            status = rng.choices(statuses, weights)[0]
            reports.append(
                ActivityReport(
                    follow_up=follow_up,
                    activity=activity,
                    status=status,
                    done=f"Syntetisk rapport för {follow_up.year}.",
                    count=rng.randint(1, 12) if status == ReportStatus.DONE else None,
                    count_label="tillfällen" if status == ReportStatus.DONE else "",
                    reason="Syntetiskt skäl: personalbrist." if status in ReportStatus.needing_reason() else "",
                )
            )
            if len(reports) >= BATCH:
                ActivityReport.objects.bulk_create(reports)
                counts.add(ActivityReport, len(reports))
                reports = []
    ActivityReport.objects.bulk_create(reports)
    counts.add(ActivityReport, len(reports))
    return follow_ups


def _area_reports(area_rng, follow_ups, focus_areas, counts):
    """Every follow-up reports on every focus area of its period, as the admin's start makes it do."""
    areas_by_period = {}
    for focus_area in focus_areas:
        areas_by_period.setdefault(focus_area.period_id, []).append(focus_area)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    reports = []
    for follow_up in follow_ups:
        for focus_area in areas_by_period.get(follow_up.period_id, []):
            status = area_rng.choices(statuses, weights)[0]
            counted = status in (ReportStatus.DONE, ReportStatus.CONTINUOUS)
            reports.append(
                FocusAreaReport(
                    follow_up=follow_up,
                    focus_area=focus_area,
                    status=status,
                    done=f"Syntetisk rapport för området {focus_area.title} {follow_up.year}.",
                    count=area_rng.randint(2, 40) if counted else None,
                    count_label="insatser" if counted else "",
                    reason="Syntetiskt skäl: resurserna räckte inte."
                    if status in ReportStatus.needing_reason()
                    else "",
                )
            )
            if len(reports) >= BATCH:
                FocusAreaReport.objects.bulk_create(reports)
                counts.add(FocusAreaReport, len(reports))
                reports = []
    FocusAreaReport.objects.bulk_create(reports)
    counts.add(FocusAreaReport, len(reports))
