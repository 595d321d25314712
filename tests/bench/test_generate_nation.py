"""The synthetic nation for benchmarks: deterministic, labelled as synthetic, and valid by the models' rules."""

from datetime import date
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from bench import generate_nation
from bench.synthetic import SYNTHETIC_SOURCE, NationSize, nation_generate
from portal.models import Municipality
from promises.models import Activity, ActivityReport, FocusArea, FocusAreaReport, FollowUp, PromisePeriod, Publication
from surveys.models import Answer, Response

TODAY = date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _fingerprint():
    return (
        list(Municipality.objects.order_by("code").values_list("code", "name", "police_area__name")),
        list(PromisePeriod.objects.order_by("municipality__code", "start_year").values_list("start_year", "end_year")),
        list(ActivityReport.objects.order_by("follow_up__period__municipality__code", "pk").values_list("status")),
        list(FocusAreaReport.objects.order_by("follow_up__period__municipality__code", "pk").values_list("status")),
        list(Activity.objects.filter(added_after_signing=True).order_by("pk").values_list("added_on")),
        Answer.objects.count(),
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_nation():
    prints = []
    for _ in range(2):
        try:
            with transaction.atomic():
                nation_generate(size=NationSize.small(), today=TODAY, seed=7)
                prints.append(_fingerprint())
                raise _Rollback
        except _Rollback:
            pass
    assert prints[0] == prints[1]
    assert prints[0][0], "nothing was generated"


@pytest.mark.django_db
def test_nation_has_the_asked_size_and_is_labelled_synthetic():
    size = NationSize.small()
    rows = nation_generate(size=size, today=TODAY)

    assert Municipality.objects.count() == size.municipalities
    assert Response.objects.count() == size.responses
    assert all(code.startswith("9") for code in Municipality.objects.values_list("code", flat=True))
    assert not PromisePeriod.objects.exclude(source=SYNTHETIC_SOURCE).exists()
    assert not PromisePeriod.objects.exclude(title__contains="syntetiska testdata").exists()
    # Every follow-up is an example, so every page that shows one labels it "Exempel".
    assert not FollowUp.objects.filter(is_example=False).exists()
    assert rows["aktiviteter"] == Activity.objects.count()
    # Periods cover every year up to this one, one after another, for every kommun.
    for municipality in Municipality.objects.all():
        spans = list(municipality.promise_periods.order_by("start_year").values_list("start_year", "end_year"))
        assert spans[0][0] == TODAY.year - size.years + 1
        assert spans[-1][1] >= TODAY.year
        assert all(later[0] == earlier[1] + 1 for earlier, later in pairwise(spans))


@pytest.mark.django_db
def test_generated_rows_pass_the_models_own_validation():
    nation_generate(size=NationSize.small(), today=TODAY)

    for model in (PromisePeriod, FollowUp, ActivityReport, FocusAreaReport, Activity):
        for row in model.objects.all()[:200]:
            row.full_clean()
    # Drafts exist, so that tests on the nation can check they stay hidden.
    assert FollowUp.objects.filter(publication=Publication.DRAFT).exists()


@pytest.mark.django_db
def test_command_refuses_a_second_nation_and_impossible_sizes():
    call_command(generate_nation.Command(), kommuner=3, years=2, responses=10)
    with pytest.raises(CommandError, match="redan"):
        call_command(generate_nation.Command(), kommuner=3, years=2, responses=10)
    with pytest.raises(CommandError):
        call_command(generate_nation.Command(), kommuner=0)


@pytest.mark.django_db
def test_every_follow_up_reports_on_every_focus_area_and_some_activities_were_added_later():
    rows = nation_generate(size=NationSize.small(), today=TODAY)

    areas_per_period = dict(FocusArea.objects.values("period").annotate(n=Count("pk")).values_list("period", "n"))
    follow_ups = FollowUp.objects.annotate(n=Count("area_reports")).values_list("period", "n")
    assert follow_ups and all(n == areas_per_period[period] for period, n in follow_ups)
    assert rows["rapporter för fokusområden"] == FocusAreaReport.objects.count()
    # Their statuses vary as the activities' do, and the published ones are what the public pages show.
    assert FocusAreaReport.objects.values("status").distinct().count() >= 5
    assert FocusAreaReport.objects.filter(follow_up__publication=Publication.PUBLISHED).exists()
    added = Activity.objects.filter(added_after_signing=True).select_related("focus_area__period")
    assert added.exists()
    for activity in added:
        assert activity.focus_area.period.start_year <= activity.added_on.year <= activity.focus_area.period.end_year
        assert activity.added_on <= TODAY
