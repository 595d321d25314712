"""Demo accounts for `make run`: an administrator and a kommun and a police coordinator for Vindeln and Umeå.

The passwords are public (README.md), so the command refuses to run with DEBUG off: these accounts must
never exist on a real server.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.models import Coordinator, Municipality, Organisation

# username, first name, last name, organisation (None: national administrator), kommun slugs
DEMO_ACCOUNTS = [
    ("admin", "Demo", "Administratör", None, []),
    ("kommun-vindeln", "Demo", "Kommunsamordnare Vindeln", Organisation.MUNICIPALITY, ["vindeln"]),
    ("polis-vindeln", "Demo", "Polissamordnare Vindeln", Organisation.POLICE, ["vindeln"]),
    ("kommun-umea", "Demo", "Kommunsamordnare Umeå", Organisation.MUNICIPALITY, ["umea"]),
    ("polis-umea", "Demo", "Polissamordnare Umeå", Organisation.POLICE, ["umea"]),
]


def demo_password(username):
    return f"demo-{username}"


class Command(BaseCommand):
    help = "Skapar demokonton (bara för lokal utveckling, DEBUG=true). Lösenordet är demo-<användarnamn>."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demokonton har kända lösenord och skapas bara när DEBUG är på (lokal utveckling).")
        User = get_user_model()
        for username, first_name, last_name, organisation, slugs in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@example.invalid",
                },
            )
            if created:
                user.set_password(demo_password(username))
            if organisation is None:
                user.is_staff = user.is_superuser = True
            user.save()
            if organisation is not None:
                municipalities = list(Municipality.objects.filter(slug__in=slugs))
                if len(municipalities) != len(slugs):
                    raise CommandError("Kör `manage.py load_content` först: kommunerna saknas.")
                coordinator, _ = Coordinator.objects.get_or_create(user=user, defaults={"organisation": organisation})
                coordinator.municipalities.add(*municipalities)
            state = "skapat" if created else "fanns redan"
            self.stdout.write(f"  {username} / {demo_password(username)} ({state})")
        self.stdout.write(self.style.WARNING("Demokonton: bara för lokal utveckling. Lösenorden står i README.md."))
