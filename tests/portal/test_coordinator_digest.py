"""The weekly digest to coordinators (portal/digest.py, manage.py send_coordinator_digests): who gets what.

Personas from tests/conftest.py, in Västerbotten: Vindeln and Umeå each have a period 2023–2025 with the 2023
follow-up published and a 2024 draft nobody has approved; 2025's follow-up is not started.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.digest import coordinator_digests_send
from portal.models import Coordinator, Organisation
from promises.models import FollowUp
from tests.factories import make_coordinator, make_full_period, make_municipality
from tests.factories.dialogues import make_suggestion, make_unsafe_place

pytestmark = pytest.mark.django_db

SITE = "https://medborgarloften.example"
MONDAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def with_email(vasterbotten):
    """Gives the coordinators' accounts addresses (the personas have none): no address, no digest."""

    def give(*users):
        for user in users:
            get_user_model().objects.filter(pk=user.pk).update(email=f"{user.username}@example.invalid")
            user.email = f"{user.username}@example.invalid"

    return give


def mail_to(user):
    found = [message for message in mail.outbox if message.to == [user.email]]
    assert len(found) <= 1
    return found[0] if found else None


def html_of(message):
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def approve_as_police(follow_up, user):
    FollowUp.objects.filter(pk=follow_up.pk).update(
        police_approved_at=timezone.now(), police_approved_by=user, police_approved_version=F("content_version")
    )


# --- What each coordinator sees ---


def test_a_coordinator_gets_their_own_kommuns_items_and_never_another_kommuns(
    vasterbotten, coordinator_vindeln, police_coordinator_umea, with_email
):
    with_email(coordinator_vindeln, police_coordinator_umea)
    vindeln_2024 = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)
    umea_2024 = FollowUp.objects.get(period=vasterbotten["periods"]["umea"], year=2024)

    run = coordinator_digests_send(today=MONDAY)

    assert run.sent == 2
    vindeln = mail_to(coordinator_vindeln)
    assert vindeln.subject == "Medborgarlöften: veckans att göra för Vindeln"
    assert "VINDELNS KOMMUN" in vindeln.body
    assert "Umeå" not in vindeln.body and "Umeå" not in html_of(vindeln)
    # The missing 2025 follow-up, linked to the admin page that starts it.
    period = vasterbotten["periods"]["vindeln"]
    assert "Medborgarlöftet 2023–2025: Uppföljningen för 2025 saknas." in vindeln.body
    assert f"{SITE}/admin/promises/followup/add/?period={period.pk}&year=2025" in vindeln.body
    # The 2024 draft waits on both organisations, so on the kommun's coordinator too: its approval page.
    assert "Väntar på ditt godkännande" in vindeln.body
    assert f"{SITE}/admin/promises/followup/{vindeln_2024.pk}/godkann/" in vindeln.body
    assert f"/admin/promises/followup/{umea_2024.pk}/" not in vindeln.body

    umea = mail_to(police_coordinator_umea)
    assert umea.subject == "Medborgarlöften: veckans att göra för Umeå"
    assert "Vindeln" not in umea.body and "Vindeln" not in html_of(umea)
    assert f"{SITE}/admin/promises/followup/{umea_2024.pk}/godkann/" in umea.body


def test_an_approval_is_listed_for_the_organisation_it_waits_on_only(
    vasterbotten, coordinator_vindeln, police_coordinator_vindeln, with_email
):
    with_email(coordinator_vindeln, police_coordinator_vindeln)
    draft = FollowUp.objects.get(period=vasterbotten["periods"]["vindeln"], year=2024)
    approve_as_police(draft, police_coordinator_vindeln)

    coordinator_digests_send(today=MONDAY)

    approval = f"/admin/promises/followup/{draft.pk}/godkann/"
    kommun = mail_to(coordinator_vindeln)
    assert "Godkänd av polisen, väntar på kommunens godkännande." in kommun.body
    assert approval in kommun.body
    # The police have approved: nothing waits on them but the missing 2025 follow-up.
    police = mail_to(police_coordinator_vindeln)
    assert approval not in police.body
    assert "Väntar på ditt godkännande" not in police.body
    assert "Uppföljningen för 2025 saknas." in police.body


def test_residents_input_unread_for_a_week_is_counted_with_a_link_to_exactly_those_rows(
    vasterbotten, coordinator_vindeln, with_email
):
    with_email(coordinator_vindeln)
    vindeln, umea = vasterbotten["vindeln"], vasterbotten["umea"]
    week_ago = MONDAY - datetime.timedelta(days=7)
    make_suggestion(municipality=vindeln, submitted_on=week_ago)
    make_suggestion(municipality=vindeln, submitted_on=week_ago - datetime.timedelta(days=30))
    make_suggestion(municipality=vindeln, submitted_on=MONDAY - datetime.timedelta(days=6))  # not a week yet
    make_suggestion(municipality=vindeln, submitted_on=week_ago, state="read")  # read
    make_suggestion(municipality=umea, submitted_on=week_ago)  # another kommun's
    make_unsafe_place(municipality=vindeln, moderation="pending", reported_on=week_ago)
    make_unsafe_place(municipality=vindeln, moderation="approved", reported_on=week_ago)  # moderated
    make_unsafe_place(municipality=umea, moderation="pending", reported_on=week_ago)

    coordinator_digests_send(today=MONDAY)

    message = mail_to(coordinator_vindeln)
    assert "Från invånarna: oläst i mer än en vecka" in message.body
    assert "2 synpunkter har inte lästs på mer än en vecka." in message.body
    assert "1 rapport om en otrygg plats har väntat på granskning i mer än en vecka." in message.body
    assert (
        f"{SITE}/admin/surveys/suggestion/?municipality__id__exact={vindeln.pk}&state__exact=new"
        f"&submitted_on__lte=2026-11-30"
    ) in message.body
    assert (
        f"{SITE}/admin/surveys/unsafeplace/?municipality__id__exact={vindeln.pk}&moderation__exact=pending"
        f"&reported_on__lte=2026-11-30"
    ) in message.body
    # Counts only: nothing a resident wrote goes into a mail.
    assert "belysning" not in message.body and "Gångtunneln" not in message.body


def test_the_digests_link_to_residents_input_shows_those_rows_in_the_admin(
    vasterbotten, coordinator_vindeln, with_email, client
):
    with_email(coordinator_vindeln)
    vindeln = vasterbotten["vindeln"]
    make_suggestion(municipality=vindeln, submitted_on=MONDAY - datetime.timedelta(days=8), text="Gamla förslaget")
    make_suggestion(municipality=vindeln, submitted_on=MONDAY - datetime.timedelta(days=1), text="Nya förslaget")
    coordinator_digests_send(today=MONDAY)
    link = next(line for line in mail_to(coordinator_vindeln).body.splitlines() if "suggestion/?" in line)

    client.force_login(coordinator_vindeln)
    response = client.get(link.split(SITE, 1)[1])

    assert response.status_code == 200
    assert "Gamla förslaget" in response.content.decode()
    assert "Nya förslaget" not in response.content.decode()


# --- The deadline: 31 March the year after ---


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 3, 30), "Den ska vara publicerad senast 31 mars 2026."),
        (datetime.date(2026, 3, 31), "Den ska vara publicerad senast 31 mars 2026."),
        (datetime.date(2026, 4, 1), "Den skulle ha varit publicerad senast 31 mars 2026."),
    ],
)
def test_a_missing_follow_up_is_due_by_31_march_and_late_after_it(
    vasterbotten, coordinator_vindeln, with_email, today, expected
):
    with_email(coordinator_vindeln)

    coordinator_digests_send(today=today)

    line = next(line for line in mail_to(coordinator_vindeln).body.splitlines() if "2025 saknas" in line)
    assert line.endswith(expected)


def test_a_years_follow_up_is_not_asked_for_before_the_year_is_over(vasterbotten, coordinator_vindeln, with_email):
    with_email(coordinator_vindeln)

    coordinator_digests_send(today=datetime.date(2025, 12, 29))

    body = mail_to(coordinator_vindeln).body
    assert "2025 saknas" not in body
    # 2024's draft was due by 31 March 2025.
    assert "Uppföljningen för 2024 är inte publicerad." in body
    assert "Den skulle ha varit publicerad senast 31 mars 2025." in body


# --- Once a week, and only when there is something ---


def test_a_second_run_in_the_same_week_sends_nothing(vasterbotten, coordinator_vindeln, with_email):
    with_email(coordinator_vindeln)

    assert coordinator_digests_send(today=MONDAY).sent == 1
    assert coordinator_digests_send(today=MONDAY).sent == 0
    assert coordinator_digests_send(today=MONDAY + datetime.timedelta(days=6)).sent == 0  # Sunday
    assert len(mail.outbox) == 1
    assert Coordinator.objects.get(user=coordinator_vindeln).digest_last_sent_on == MONDAY

    assert coordinator_digests_send(today=MONDAY + datetime.timedelta(days=7)).sent == 1
    assert len(mail.outbox) == 2


def test_the_command_sends_once_per_week(vasterbotten, coordinator_vindeln, with_email):
    with_email(coordinator_vindeln)

    call_command("send_coordinator_digests")
    call_command("send_coordinator_digests")

    assert len(mail.outbox) == 1


def test_the_command_refuses_without_site_url(settings, vasterbotten, coordinator_vindeln, with_email):
    from django.core.management.base import CommandError

    with_email(coordinator_vindeln)
    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("send_coordinator_digests")
    assert mail.outbox == []


def test_a_failed_send_is_tried_again_on_the_next_run(vasterbotten, coordinator_vindeln, with_email, monkeypatch):
    from portal import mail as portal_mail

    with_email(coordinator_vindeln)

    def refuse(message):
        raise OSError("relay down")

    monkeypatch.setattr(portal_mail, "send", refuse)
    assert coordinator_digests_send(today=MONDAY).failed == 1
    assert Coordinator.objects.get(user=coordinator_vindeln).digest_last_sent_on is None

    monkeypatch.undo()
    assert coordinator_digests_send(today=MONDAY).sent == 1


def test_nothing_to_report_sends_no_mail(coordinator_vindeln, with_email):
    with_email(coordinator_vindeln)
    done = make_municipality(name="Klarby")
    make_full_period(municipality=done, start_year=2023, end_year=2025, follow_up_years=[2023, 2024, 2025])
    everything_done = make_coordinator([done], username="kommun-klarby", email="klarby@example.invalid").user

    coordinator_digests_send(today=MONDAY)

    assert mail_to(everything_done) is None
    assert mail_to(coordinator_vindeln) is not None
    # Nothing was sent, so nothing is recorded: something that turns up later in the week is still sent.
    assert Coordinator.objects.get(user=everything_done).digest_last_sent_on is None


def test_a_coordinator_who_turned_it_off_gets_nothing(vasterbotten, coordinator_vindeln, with_email):
    with_email(coordinator_vindeln)
    Coordinator.objects.filter(user=coordinator_vindeln).update(digest_enabled=False)

    assert coordinator_digests_send(today=MONDAY).sent == 0
    assert mail.outbox == []


def test_no_digest_without_an_address_or_an_active_account(vasterbotten, coordinator_vindeln, police_coordinator_umea):
    get_user_model().objects.filter(pk=police_coordinator_umea.pk).update(email="p@example.invalid", is_active=False)

    assert coordinator_digests_send(today=MONDAY).sent == 0


def test_a_national_administrator_gets_no_digest(vasterbotten, national_admin):
    assert national_admin.email

    assert coordinator_digests_send(today=MONDAY).sent == 0


def test_a_superuser_who_coordinates_gets_their_coordinator_kommuner_only(vasterbotten, national_admin):
    Coordinator.objects.create(user=national_admin, organisation=Organisation.POLICE).municipalities.set(
        [vasterbotten["umea"]]
    )

    coordinator_digests_send(today=MONDAY)

    message = mail_to(national_admin)
    assert message.subject == "Medborgarlöften: veckans att göra för Umeå"
    assert "Vindeln" not in message.body


def test_the_subject_names_up_to_three_kommuner(vasterbotten, with_email):
    both = make_coordinator([vasterbotten["vindeln"], vasterbotten["umea"]], username="bada").user
    with_email(both)

    coordinator_digests_send(today=MONDAY)

    message = mail_to(both)
    assert message.subject == "Medborgarlöften: veckans att göra för Umeå och Vindeln"
    assert message.body.index("UMEÅ KOMMUN") < message.body.index("VINDELNS KOMMUN")


# --- Cost ---


def _coordinators(numbers, municipalities):
    for n in numbers:
        make_coordinator(
            [municipalities[n % len(municipalities)], municipalities[(n + 1) % len(municipalities)]],
            Organisation.POLICE if n % 2 else Organisation.MUNICIPALITY,
            username=f"samordnare-{n}",
            email=f"samordnare-{n}@example.invalid",
        )


def _queries_for_a_run():
    with CaptureQueriesContext(connection) as queries:
        run = coordinator_digests_send(today=MONDAY)
    return len(queries), run.sent


def test_a_run_reads_the_database_the_same_number_of_times_for_few_and_many_coordinators():
    kommuner = []
    for n in range(6):
        municipality = make_municipality(name=f"Kommun {n}")
        make_full_period(municipality=municipality, start_year=2023, end_year=2025, focus_areas=1, activities=1)
        make_suggestion(municipality=municipality, submitted_on=MONDAY - datetime.timedelta(days=10))
        make_unsafe_place(municipality=municipality, moderation="pending", reported_on=datetime.date(2026, 1, 1))
        kommuner.append(municipality)
    _coordinators(range(2), kommuner)
    few, sent_few = _queries_for_a_run()
    Coordinator.objects.update(digest_last_sent_on=None)
    _coordinators(range(2, 40), kommuner)
    many, sent_many = _queries_for_a_run()

    assert (sent_few, sent_many) == (2, 40)
    assert many == few
    # Recipients and their kommuner (2), the periods and their follow-ups (2), who may read residents' input
    # and its counts (4), recording the week (1), and the transaction's savepoint (2).
    assert few == 11, few
