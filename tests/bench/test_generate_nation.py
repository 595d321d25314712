"""The synthetic nation for benchmarks: deterministic, labelled as synthetic, and valid by the models' rules."""

from datetime import date
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from bench import generate_nation
from bench.synthetic import SYNTHETIC_SOURCE, NationSize, nation_generate
from portal.models import Municipality
from promises.models import Activity, ActivityReport, FollowUp, PromisePeriod, Publication
from surveys.models import Answer, Response

TODAY = date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _fingerprint():
    return (
        list(Municipality.objects.order_by("code").values_list("code", "name", "police_area__name")),
        list(PromisePeriod.objects.order_by("municipality__code", "start_year").values_list("start_year", "end_year")),
        list(ActivityReport.objects.order_by("follow_up__period__municipality__code", "pk").values_list("status")),
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

    for model in (PromisePeriod, FollowUp, ActivityReport, Activity):
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
