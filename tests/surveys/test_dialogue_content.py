"""The four 2016 citizen dialogues in Umeå (seed 003) are part of the content `load_content` loads."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from promises import content_loader
from surveys.models import Dialogue
from tests.factories.dialogues import STOCKHOLM, stockholm

pytestmark = pytest.mark.django_db

SEED_TIMES_AND_PLACES = [
    (datetime.date(2016, 2, 27), "Coop Forum"),
    (datetime.date(2016, 3, 12), "Ica Maxi"),
    (datetime.date(2016, 4, 2), "Ikea"),
    (datetime.date(2016, 4, 16), "Centrum"),
]


def load(*args):
    out = io.StringIO()
    call_command("load_content", *args, stdout=out)
    return out.getvalue()


def dialogue_rows():
    return list(Dialogue.objects.order_by("pk").values())


def test_the_four_2016_umea_dialogues_are_loaded_with_their_dates_times_and_places():
    load()

    dialogues = list(Dialogue.objects.select_related("municipality").order_by("starts_at"))
    assert [(d.starts_at.astimezone(STOCKHOLM).date(), d.place) for d in dialogues] == (SEED_TIMES_AND_PLACES)
    for dialogue, (day, _place) in zip(dialogues, SEED_TIMES_AND_PLACES, strict=True):
        assert dialogue.starts_at == stockholm(day.year, day.month, day.day, 12)
        assert dialogue.ends_at == stockholm(day.year, day.month, day.day, 15)
        assert day.weekday() == 5  # ”Lördag den …”: the year 2016 makes every date a Saturday
        assert dialogue.municipality.code == "2480"
        assert dialogue.kind == Dialogue.Kind.DIALOGUE
        assert dialogue.published
        assert dialogue.title == "Medborgardialog om trygghet"
        assert "Ta chansen att komma och berätta hur du upplever tryggheten i Umeå kommun." in dialogue.description
        assert "Medborgarlöften: Polisen och kommunen lyssnar på invånarna" in dialogue.source


def test_what_was_heard_is_left_empty_because_the_source_does_not_say():
    load()

    assert not Dialogue.objects.exclude(heard="").exists()
    assert not Dialogue.objects.exclude(not_taken_up="").exists()


def test_loading_twice_changes_nothing():
    load()
    before = dialogue_rows()

    output = load()

    assert dialogue_rows() == before
    assert "Medborgardialoger och trygghetsvandringar: 0 nya, 4 fanns redan" in output
    assert "Ingenting ändrades." in output


def test_loading_twice_with_update_changes_nothing():
    load("--update")
    before = dialogue_rows()

    output = load("--update")

    assert dialogue_rows() == before
    assert "Medborgardialoger och trygghetsvandringar: 0 nya, 0 uppdaterade, 4 oförändrade" in output


def test_default_mode_keeps_a_coordinators_feedback_and_update_overwrites_it():
    load()
    dialogue = Dialogue.objects.get(place="Ikea")
    dialogue.heard = "Många tog upp belysningen på parkeringen."
    dialogue.save()

    load()
    dialogue.refresh_from_db()
    assert dialogue.heard == "Många tog upp belysningen på parkeringen."

    load("--update")
    dialogue.refresh_from_db()
    assert dialogue.heard == ""
    assert Dialogue.objects.count() == 4


def test_default_mode_recreates_a_deleted_dialogue():
    load()
    Dialogue.objects.get(place="Centrum").delete()

    load()

    assert Dialogue.objects.filter(place="Centrum", starts_at=stockholm(2016, 4, 16, 12)).exists()
    assert Dialogue.objects.count() == 4


@pytest.fixture
def dialogues_copy(tmp_path, monkeypatch):
    path = tmp_path / "dialogues.toml"
    path.write_text(content_loader.DIALOGUES_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(content_loader, "DIALOGUES_FILE", path)
    return path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('municipality_code = "2480"  # Umeå kommun', 'municipality_code = "9999"', "municipality_code"),
        ("starts_at = 2016-02-27T12:00:00", 'starts_at = "27 februari 12.00"', "starts_at"),
        ('kind = "dialogue"', 'kind = "möte"', "kind"),
        ('place = "Coop Forum"', 'plats = "Coop Forum"', "plats"),
        ('place = "Ica Maxi"', 'place = "Coop Forum"\nstarts_at_x = 1', "starts_at_x"),
    ],
)
def test_a_malformed_dialogue_fails_naming_the_file_and_key_and_loads_nothing(dialogues_copy, old, new, key):
    text = dialogues_copy.read_text(encoding="utf-8")
    assert old in text
    dialogues_copy.write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        load()

    assert "dialogues.toml" in str(error.value)
    assert key in str(error.value)
    assert not Dialogue.objects.exists()


def test_the_same_kommun_place_and_time_twice_is_refused(dialogues_copy):
    text = dialogues_copy.read_text(encoding="utf-8")
    dialogues_copy.write_text(
        text.replace("starts_at = 2016-03-12T12:00:00", "starts_at = 2016-02-27T12:00:00").replace(
            'place = "Ica Maxi"', 'place = "Coop Forum"'
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"dialogues\.toml: dialogues\[1\]\.starts_at"):
        load()


def test_the_dialogue_file_lives_in_the_surveys_app():
    assert content_loader.DIALOGUES_FILE.parent.parent.name == "surveys"
    assert content_loader.DIALOGUES_FILE.is_file()
