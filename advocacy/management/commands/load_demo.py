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
# More members, so the demo's month of history has several callers (no login printed for them).
DEMO_CALLERS = [
    ("ann.demo@example.org", "Ann Arnold", "63103"),
    ("ben.demo@example.org", "Ben Brooks", "65101"),
    ("cora.demo@example.org", "Cora Chen", "64105"),
    ("dev.demo@example.org", "Dev Desai", "63103"),
    ("eli.demo@example.org", "Eli Evans", "65101"),
    ("fay.demo@example.org", "Fay Foster", "64105"),
]


class Command(BaseCommand):
    help = "Load demo officials, a chapter, demo users and the demo campaign (idempotent)."

    def handle(self, *args, **options):
        from advocacy.demo_history import demo_history_load
        from campaigns.demo import campaign_list_demo_create
        from campaigns.services import campaign_demo_create
        from officials.services import officials_load_demo
        from tallies.rollups import rollup_calls
        from targetlists.demo import target_list_demo_create

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
            callers = []
            everyone = DEMO_USERS + [(e, n, Membership.Role.MEMBER, z) for e, n, z in DEMO_CALLERS]
            for email, name, role, zip_code in everyone:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(
                        email=email, password=DEMO_PASSWORD, name=name, zip_code=zip_code, state="MO"
                    )
                EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
                Membership.objects.get_or_create(user=user, chapter=chapter, defaults={"role": role})
                callers.append(user)
            if not User.objects.filter(email="admin@example.org").exists():
                admin = User.objects.create_superuser(
                    email="admin@example.org", password=DEMO_PASSWORD, name="Ada Admin"
                )
                EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
            campaign = campaign_demo_create(chapter=None)
            # The chapter's own target list (made-up aldermen, 555 numbers) and a campaign that calls it.
            aldermen = target_list_demo_create(chapter=chapter)
            list_campaign = campaign_list_demo_create(chapter=chapter, target_list=aldermen)
            history = demo_history_load(chapter=chapter, campaign=campaign, callers=callers)
        rollup_calls(wait=True)
        if history.created:
            self.stdout.write(
                f"Demo history: {history.created} calls over the last month, a call day on {history.call_day}"
            )

        self.stdout.write(self.style.SUCCESS(f"Demo campaign: /campaigns/{campaign.slug}/"))
        self.stdout.write(
            f"Target list demo (sample data, 555 numbers): /campaigns/{list_campaign.slug}/ and "
            f"/chapters/{chapter.slug}/target-lists/"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, name, role, _zip in DEMO_USERS:
            self.stdout.write(f"  {email:28} {name} ({role} of {chapter.name})")
        self.stdout.write("  admin@example.org            staff (the admin asks staff to set up two-factor first)")
