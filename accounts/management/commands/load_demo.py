"""Load the demo: officials, a chapter with a lead and volunteers, and the demo campaign.

Safe to run again: every step is an upsert, so a second run keeps what is there.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Chapter, Membership, User

DEMO_PASSWORD = "call-your-officials"  # noqa: S105 (printed on purpose: demo logins)
DEMO_USERS = [
    ("lead@example.org", "Lee Lead", Membership.Role.LEAD, "63103"),
    ("volunteer@example.org", "Val Volunteer", Membership.Role.MEMBER, "65101"),
    ("caller@example.org", "Cal Caller", Membership.Role.MEMBER, "64105"),
]


class Command(BaseCommand):
    help = "Load demo officials, a chapter, demo users and the demo campaign (idempotent)."

    def handle(self, *args, **options):
        from campaigns.services import campaign_demo_create
        from officials.services import officials_load_demo

        officials_load_demo(data_dir=settings.OFFICIALS_DATA_DIR, stdout=self.stdout)
        with transaction.atomic():
            Site.objects.update_or_create(
                pk=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000", "name": settings.SITE_NAME}
            )
            chapter, _ = Chapter.objects.get_or_create(
                slug="st-louis-callers",
                defaults={
                    "name": "St. Louis Callers",
                    "state": "MO",
                    "description": "Missouri volunteers who call every week.",
                },
            )
            for email, name, role, zip_code in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(
                        email=email, password=DEMO_PASSWORD, name=name, zip_code=zip_code, state="MO"
                    )
                EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
                Membership.objects.get_or_create(user=user, chapter=chapter, defaults={"role": role})
            if not User.objects.filter(email="admin@example.org").exists():
                admin = User.objects.create_superuser(
                    email="admin@example.org", password=DEMO_PASSWORD, name="Ada Admin"
                )
                EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
            campaign = campaign_demo_create(chapter=None)

        self.stdout.write(self.style.SUCCESS(f"Demo campaign: /campaigns/{campaign.slug}/"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, role, _zip in DEMO_USERS:
            self.stdout.write(f"  {email:28} {name} ({role} of {chapter.name})")
        self.stdout.write("  admin@example.org            staff (the admin asks staff to set up two-factor first)")
