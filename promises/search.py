"""Search across the public content: promise periods, their activities, published yearly follow-ups and their
focus area and activity reports, and published dialogues and safety walks.

The backend is chosen in one place, `_backend()`, by the database in use:

- PostgreSQL: full-text search with the `swedish` configuration, so "trafiken" finds "trafik". A plain list of
  words is searched as stemmed prefixes, so "trygghet" also finds "trygghetsvandring" (Swedish compounds); a
  query that uses web-search syntax (quotes for a phrase, -word to exclude, "or") goes to websearch_to_tsquery.
  Ranked by SearchRank (title hits weigh most), excerpts from ts_headline (SearchHeadline).
- SQLite (the embedded development database): every word must occur in one of the fields (icontains), title hits
  first; the excerpt is a window of text around the first hit, cut in Python.

Both return the same `SearchResult`s through `search()`, which the paginator slices. One query orders every hit
and returns the keys (kind, id) of the best MAX_RESULTS with the total count (a window function), so the texts
are scanned once, not once to count and again to rank; then only the page's rows are fetched and excerpted,
whatever the number of hits. Dialogues that have taken place come after everything else
(promises, follow-ups, dialogues still to come): an invitation from 2016 is history, and a resident searching
"trygghet" first wants what is promised. Within each of those two tiers hits are ordered best first, then newest.

Only published content is searched: periods that are published; activities of published periods; follow-ups that
are published and whose period is too, and the focus area and activity reports of those follow-ups; published
dialogues.

Excerpts are HTML: the text is escaped first and only our own <mark> elements are added afterwards. On PostgreSQL
ts_headline marks hits with two private-use characters (START/STOP below) rather than with HTML, so that its
output can be escaped like any other user text before the marks become <mark>.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Case, Expression, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.localized import localized
from promises.models import Activity, ActivityReport, FocusAreaReport, FollowUp, PromisePeriod, Publication
from surveys.models import Dialogue

CONFIG = "swedish"
# Long enough for any real question; longer input is cut (and the page says so), which also bounds the work a
# single request can ask of the database.
MAX_QUERY_LENGTH = 200
# Each word adds conditions on SQLite; nobody searches for more words than this.
MAX_WORDS = 10
EXCERPT_LENGTH = 220  # characters, SQLite fallback
# Hits a visitor can page through (fifty pages of twenty): a search that finds more says how many it found and
# asks for a narrower one, and no request has the database hand over more keys than that.
MAX_RESULTS = 1000

START, STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_WORD = re.compile(r"\w+")
_WEBSEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|(?:^|\s)or(?:\s|$)', re.IGNORECASE)


class Category(models.TextChoices):
    """The kinds of content a visitor can narrow the search to (the `typ` parameter)."""

    PROMISES = "loften", _("Löften")
    FOLLOW_UPS = "uppfoljningar", _("Uppföljningar")
    DIALOGUES = "dialoger", _("Dialoger")


class Kind(models.IntegerChoices):
    """What a hit is. The number also orders hits of equal rank and year."""

    PERIOD = 1, _("Medborgarlöfte")
    ACTIVITY = 2, _("Löfte")
    FOLLOW_UP = 3, _("Årlig uppföljning")
    REPORT = 4, _("Uppföljning av ett löfte")
    DIALOGUE = 5, _("Dialog")
    AREA_REPORT = 6, _("Uppföljning av ett fokusområde")


@dataclass(frozen=True)
class SearchResult:
    kind: int
    kind_label: str
    title: str  # HTML: escaped, with <mark> around the hits
    title_lang: str
    url: str
    excerpt: str  # HTML: escaped, with <mark> around the hits
    excerpt_lang: str
    municipality: str
    period: str  # "2023–2025", or "" for a dialogue
    year: int | None  # the follow-up's year
    date: datetime.datetime | None  # a dialogue's start
    is_example: bool
    place: str = ""  # a dialogue's place: with the date it tells apart dialogues of the same title
    past: bool = False  # a dialogue that has taken place


@dataclass(frozen=True)
class _Source:
    """One kind of content: where its public rows are, what is searched, and how a hit is shown."""

    kind: Kind
    category: Category
    municipality: str  # lookup path to the kommun
    sort_year: object  # expression: the year a hit belongs to, newest first
    weighted_fields: tuple  # (field, weight): A counts most (titles), C least
    title_field: str | None
    excerpt_fields: tuple
    related: tuple

    def public(self):
        published = Publication.PUBLISHED
        if self.kind == Kind.PERIOD:
            return PromisePeriod.objects.published()
        if self.kind == Kind.ACTIVITY:
            return Activity.objects.filter(focus_area__period__publication=published)
        if self.kind == Kind.FOLLOW_UP:
            return FollowUp.objects.published()
        if self.kind == Kind.REPORT:
            return ActivityReport.objects.filter(
                follow_up__publication=published, follow_up__period__publication=published
            )
        if self.kind == Kind.AREA_REPORT:
            return FocusAreaReport.objects.filter(
                follow_up__publication=published, follow_up__period__publication=published
            )
        return Dialogue.objects.published()

    @property
    def fields(self):
        return [field for field, _weight in self.weighted_fields]

    def vector(self):
        """The searched document, as migration 0007 stores it in `search_document` on PostgreSQL (keep in step)."""
        vectors = [SearchVector(field, config=CONFIG, weight=weight) for field, weight in self.weighted_fields]
        document = vectors[0]
        for vector in vectors[1:]:
            document = document + vector
        return document

    def document(self):
        """What the PostgreSQL backend matches and ranks: the stored, GIN-indexed column."""
        return StoredDocument()

    def tier(self, now):
        """0 for what is current or to come, 1 for dialogues that have taken place: ordered before the rank."""
        if self.kind == Kind.DIALOGUE:
            return Case(When(starts_at__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField())
        return Value(0, output_field=IntegerField())


class StoredDocument(Expression):
    """The `search_document` column that migrations 0007 and 0011 add on PostgreSQL: vector(), generated and
    GIN-indexed,
    so that ranking thousands of hits does not parse every text again.

    Not a model field, since SQLite has no such column; it is read from the query's own table.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


SOURCES = (
    _Source(
        kind=Kind.PERIOD,
        category=Category.PROMISES,
        municipality="municipality",
        sort_year=F("start_year"),
        weighted_fields=(("title", "A"), ("preamble", "B"), ("basis", "C")),
        title_field="title",
        excerpt_fields=("preamble", "basis"),
        related=("municipality",),
    ),
    _Source(
        kind=Kind.ACTIVITY,
        category=Category.PROMISES,
        municipality="focus_area__period__municipality",
        sort_year=F("focus_area__period__start_year"),
        weighted_fields=(("title", "A"), ("text", "B"), ("target", "C")),
        title_field="title",
        excerpt_fields=("text", "target"),
        related=("focus_area__period__municipality",),
    ),
    _Source(
        kind=Kind.FOLLOW_UP,
        category=Category.FOLLOW_UPS,
        municipality="period__municipality",
        sort_year=F("year"),
        weighted_fields=(("summary", "B"),),
        title_field=None,
        excerpt_fields=("summary",),
        related=("period__municipality",),
    ),
    _Source(
        kind=Kind.REPORT,
        category=Category.FOLLOW_UPS,
        municipality="follow_up__period__municipality",
        sort_year=F("follow_up__year"),
        weighted_fields=(("done", "B"), ("reason", "C")),
        title_field=None,
        excerpt_fields=("done", "reason"),
        related=("follow_up__period__municipality", "activity"),
    ),
    _Source(
        kind=Kind.AREA_REPORT,
        category=Category.FOLLOW_UPS,
        municipality="follow_up__period__municipality",
        sort_year=F("follow_up__year"),
        weighted_fields=(("done", "B"), ("reason", "C")),
        title_field=None,
        excerpt_fields=("done", "reason"),
        related=("follow_up__period__municipality", "focus_area"),
    ),
    _Source(
        kind=Kind.DIALOGUE,
        category=Category.DIALOGUES,
        municipality="municipality",
        sort_year=Cast(ExtractYear("starts_at"), IntegerField()),
        weighted_fields=(
            ("title", "A"),
            ("description", "B"),
            ("heard", "B"),
            ("place", "C"),
            ("not_taken_up", "C"),
        ),
        title_field="title",
        excerpt_fields=("description", "heard", "not_taken_up", "place"),
        related=("municipality",),
    ),
)
_SOURCES = {source.kind: source for source in SOURCES}


def clean_query(raw):
    """The query as searched, and whether it was cut to MAX_QUERY_LENGTH.

    Control characters go (PostgreSQL refuses a NUL byte in text outright), runs of white space become one space.
    """
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in raw or "")
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        return text[:MAX_QUERY_LENGTH].rstrip(), True
    return text, False


def query_words(text):
    """The distinct words of a query, in order, at most MAX_WORDS."""
    words = []
    for word in _WORD.findall(text):
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def _backend():
    return _PostgresBackend if connection.vendor == "postgresql" else _FallbackBackend


def search(text, *, municipality=None, category=None):
    """The public hits for a cleaned query (see clean_query), best first; a sequence the Paginator can slice."""
    sources = [source for source in SOURCES if category in (None, "", source.category)]
    return SearchResults(_backend()(text), sources, municipality)


class SearchResults:
    """Hits as the Paginator sees them: the first count() or slice runs one query for the ordered keys of the best
    MAX_RESULTS hits and their total; each slice then runs one query per kind on it."""

    def __init__(self, backend, sources, municipality):
        self._backend = backend
        now = timezone.now()
        rows = []
        for source in sources:
            matching = backend.matching(source)
            if matching is None:
                continue
            if municipality is not None:
                matching = matching.filter(**{source.municipality: municipality})
            ranked = matching.order_by().annotate(
                hit_kind=Value(int(source.kind), output_field=IntegerField()),
                hit_id=F("pk"),
                hit_rank=backend.rank(source),
                hit_year=source.sort_year,
                hit_tier=source.tier(now),
            )
            rows.append(ranked.values_list("hit_kind", "hit_id", "hit_rank", "hit_year", "hit_tier"))
        self._rows = rows[0].union(*rows[1:], all=True) if rows else None
        self._keys = None
        self._total = 0

    def _fetch(self):
        if self._keys is not None:
            return
        self._keys = []
        if self._rows is None:
            return
        # A union cannot be annotated in the ORM, so the window count and the order wrap its compiled SQL (its
        # parameters stay parameters).
        sql, params = self._rows.query.get_compiler(using=self._rows.db).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT hit_kind, hit_id, COUNT(*) OVER () FROM ({sql}) hits "
                "ORDER BY hit_tier, hit_rank DESC, hit_year DESC, hit_kind, hit_id DESC LIMIT %s",
                (*params, MAX_RESULTS),
            )
            fetched = cursor.fetchall()
        self._keys = [(kind, pk) for kind, pk, _total in fetched]
        self._total = fetched[0][2] if fetched else 0

    @property
    def total(self):
        """Every hit, also those past MAX_RESULTS."""
        self._fetch()
        return self._total

    def count(self):
        """The hits that can be paged through."""
        self._fetch()
        return len(self._keys)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        self._fetch()
        keys = self._keys[index]
        by_kind = {}
        for kind, pk in keys:
            by_kind.setdefault(kind, []).append(pk)
        results = {}
        for kind, pks in by_kind.items():
            source = _SOURCES[kind]
            objects = self._backend.with_excerpts(source, source.public().select_related(*source.related))
            for obj in objects.filter(pk__in=pks):
                results[kind, obj.pk] = _result(source, obj, self._backend)
        return [results[key] for key in keys if key in results]


class _PostgresBackend:
    def __init__(self, text):
        self.text = text
        words = query_words(text)
        if not words:
            self.query = None
        elif _WEBSEARCH_SYNTAX.search(text):
            self.query = SearchQuery(text, search_type="websearch", config=CONFIG)
        else:
            # Only word characters inside the quotes, so the raw tsquery can never be malformed.
            prefixes = " & ".join(f"'{word}':*" for word in words)
            self.query = SearchQuery(prefixes, search_type="raw", config=CONFIG)

    def matching(self, source):
        if self.query is None:
            return None
        return source.public().alias(document=source.document()).filter(document=self.query)

    def rank(self, source):
        return SearchRank(source.document(), self.query)

    def _headline(self, expression, **options):
        return SearchHeadline(expression, self.query, config=CONFIG, start_sel=START, stop_sel=STOP, **options)

    def with_excerpts(self, source, objects):
        parts = [F(source.excerpt_fields[0])]
        for field in source.excerpt_fields[1:]:
            parts += [Value(" · "), F(field)]
        document = Concat(*parts, output_field=models.TextField()) if len(parts) > 1 else parts[0]
        annotations = {
            "excerpt_marked": self._headline(
                document, max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … "
            )
        }
        if source.title_field:
            annotations["title_marked"] = self._headline(F(source.title_field), highlight_all=True)
        return objects.annotate(**annotations)

    def excerpt(self, source, obj):
        return _marks_to_html(obj.excerpt_marked.strip())

    def title(self, obj, plain):
        marked = getattr(obj, "title_marked", None) or ""
        # Not the title field (a blank title's stand-in, a report's activity), or ts_headline left out what its
        # parser took for an HTML tag: a title is shown whole, unmarked if need be.
        if marked.replace(START, "").replace(STOP, "") != plain:
            return escape(plain)
        return _marks_to_html(marked)


class _FallbackBackend:
    def __init__(self, text):
        self.words = query_words(text)

    def _word_matches(self, fields, word):
        # SQLite's LIKE folds case for ASCII letters only, so "åtgärd" would miss "Åtgärd": try the usual casings.
        # An ASCII word needs one LIKE per field, not three: each is a scan of every text.
        variants = {word} if word.isascii() else {word.lower(), word.capitalize(), word.upper()}
        condition = Q()
        for field in fields:
            for variant in variants:
                condition |= Q(**{f"{field}__icontains": variant})
        return condition

    def matching(self, source):
        if not self.words:
            return None
        condition = Q()
        for word in self.words:
            condition &= self._word_matches(source.fields, word)
        return source.public().filter(condition)

    def rank(self, source):
        if not source.title_field:
            return Value(0, output_field=IntegerField())
        in_title = Q()
        for word in self.words:
            in_title |= self._word_matches([source.title_field], word)
        return Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField())

    def with_excerpts(self, source, objects):
        return objects

    def excerpt(self, source, obj):
        text = " · ".join(value for field in source.excerpt_fields if (value := getattr(obj, field)))
        return _mark_words(_window(text, self.words), self.words)

    def title(self, obj, plain):
        return _mark_words(plain, self.words)


def _marks_to_html(marked):
    html = _MARKED.sub(lambda match: f"<mark>{match.group(1)}</mark>", str(escape(marked)))
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # escaped above: only our own marks are HTML


def _word_pattern(words):
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def _mark_words(text, words):
    if not words:
        return escape(text)
    html, last = [], 0
    for match in _word_pattern(words).finditer(text):
        html += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    html.append(escape(text[last:]))
    return mark_safe("".join(str(part) for part in html))  # every piece of text escaped above


def _window(text, words):
    """About EXCERPT_LENGTH characters of text around the first hit, cut at spaces, with … where cut."""
    text = " ".join(text.split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    first = _word_pattern(words).search(text) if words else None
    start = max(0, (first.start() if first else 0) - EXCERPT_LENGTH // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (first.start() if first else len(text)) else start
    end = start + EXCERPT_LENGTH
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def _result(source, obj, backend):
    kind = source.kind
    period, year, date, is_example, place, past = None, None, None, False, "", False
    if kind == Kind.PERIOD:
        period, municipality = obj, obj.municipality
        url, plain_title = obj.get_absolute_url(), str(obj.display_title)
    elif kind == Kind.ACTIVITY:
        period = obj.focus_area.period
        municipality = period.municipality
        url, plain_title = f"{period.get_absolute_url()}#activity-{obj.pk}", obj.title or obj.short_text
    elif kind == Kind.FOLLOW_UP:
        period, year, is_example = obj.period, obj.year, obj.is_example
        municipality = period.municipality
        url, plain_title = obj.get_absolute_url(), str(_("Uppföljning %(year)s") % {"year": obj.year})
    elif kind == Kind.REPORT:
        follow_up = obj.follow_up
        period, year, is_example = follow_up.period, follow_up.year, follow_up.is_example
        municipality = period.municipality
        url = f"{follow_up.get_absolute_url()}#activity-{obj.activity_id}"
        plain_title = obj.activity.title or obj.activity.short_text
    elif kind == Kind.AREA_REPORT:
        follow_up = obj.follow_up
        period, year, is_example = follow_up.period, follow_up.year, follow_up.is_example
        municipality = period.municipality
        url = f"{follow_up.get_absolute_url()}#focus-area-{obj.focus_area_id}"
        plain_title = obj.focus_area.title
    else:
        municipality, date, place = obj.municipality, obj.starts_at, obj.place
        past = obj.starts_at < timezone.now()
        url, plain_title = obj.get_absolute_url(), obj.title
    title, title_lang = _title(source, obj, plain_title, backend)
    return SearchResult(
        kind=int(kind),
        kind_label=obj.get_kind_display() if kind == Kind.DIALOGUE else kind.label,
        title=title,
        title_lang=title_lang,
        url=url,
        excerpt=backend.excerpt(source, obj),
        excerpt_lang="sv",
        municipality=municipality.name,
        period=period.years_label if period else "",
        year=year,
        date=date,
        is_example=is_example,
        place=place,
        past=past,
    )


def _title(source, obj, plain, backend):
    """An English title where one is written and the page is English; else the Swedish one with its hits marked."""
    field = source.title_field
    if field and getattr(obj, f"{field}_en", ""):
        shown = localized(obj, field)
        if shown.lang != "sv":
            return escape(shown), shown.lang
    return backend.title(obj, plain), "sv"
