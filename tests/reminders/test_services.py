import datetime as dt
import threading
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from reminders.models import CampaignAnnouncement, ReminderDelivery, ReminderKind
from reminders.selectors import week_start_for
from reminders.services import (
    CLAIM_LEASE,
    TransientSendError,
    reminders_send_new_campaigns,
    reminders_send_weekly_digest,
)
from tests.factories.accounts import ChapterFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.tallies import CallLogFactory
from tests.smtp import free_port, point_django_at

NEW = User.ReminderFrequency.NEW_CAMPAIGNS
WEEKLY = User.ReminderFrequency.WEEKLY
NEVER = User.ReminderFrequency.NEVER
Status = ReminderDelivery.Status

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# New campaigns
# ------------------------------------------------------------------------------
def test_a_new_campaign_reaches_each_verified_volunteer_who_chose_new_campaigns_exactly_once(
    smtp_server, make_volunteer
):
    wants = make_volunteer("wants@example.org", frequency=NEW)
    make_volunteer("weekly@example.org", frequency=WEEKLY)
    make_volunteer("never@example.org", frequency=NEVER)
    make_volunteer("unverified@example.org", frequency=NEW, verified=False)
    make_volunteer("gone@example.org", frequency=NEW, is_active=False)
    campaign = CampaignFactory(title="Oppose excessive sentencing")
    ActionFactory(campaign=campaign, title="Call your state attorney general")

    run = reminders_send_new_campaigns()

    assert smtp_server.recipients() == [wants.email]
    mail = smtp_server.to(wants.email)[0]
    assert "Oppose excessive sentencing" in mail.subject
    assert "Call your state attorney general" in mail.text
    assert f"/campaigns/{campaign.slug}/" in mail.text
    assert run.sent == 1
    assert ReminderDelivery.objects.get(user=wants).status == Status.SENT


def test_an_address_verified_only_as_a_secondary_email_does_not_count(smtp_server, make_volunteer):
    user = make_volunteer("primary@example.org", frequency=NEW, verified=False)
    EmailAddress.objects.create(user=user, email="other@example.org", verified=True, primary=False)
    CampaignFactory()

    reminders_send_new_campaigns()

    assert smtp_server.messages == []


def test_a_chapter_campaign_is_announced_only_to_that_chapters_members(smtp_server, make_volunteer, chapter):
    member = make_volunteer("member@example.org", frequency=NEW, chapter=chapter)
    other_chapter = ChapterFactory(name="Kansas City Callers", slug="kc-callers")
    make_volunteer("elsewhere@example.org", frequency=NEW, chapter=other_chapter)
    make_volunteer("nochapter@example.org", frequency=NEW)
    CampaignFactory(title="St. Louis only", chapter=chapter)

    reminders_send_new_campaigns()

    assert smtp_server.recipients() == [member.email]
    assert "St. Louis Callers" in smtp_server.messages[0].text


def test_a_rerun_sends_nothing_more_and_the_campaign_is_marked_announced(smtp_server, make_volunteer):
    make_volunteer("a@example.org", frequency=NEW)
    make_volunteer("b@example.org", frequency=NEW)
    campaign = CampaignFactory()

    first = reminders_send_new_campaigns(chunk_size=1)
    second = reminders_send_new_campaigns(chunk_size=1)

    assert first.sent == 2
    assert second.sent == 0
    assert second.keys == []  # an announced campaign is not even looked at again
    assert len(smtp_server.messages) == 2
    assert CampaignAnnouncement.objects.get(campaign=campaign).sent == 2
    # Even with the announcement gone, the "already sent" rows stop a second email.
    CampaignAnnouncement.objects.all().delete()
    third = reminders_send_new_campaigns()
    assert (third.claimed, third.sent, len(smtp_server.messages)) == (0, 0, 2)


def test_only_campaigns_that_became_active_recently_are_announced(smtp_server, make_volunteer):
    make_volunteer("a@example.org", frequency=NEW)
    now = timezone.now()
    CampaignFactory(title="Old news", published_at=now - dt.timedelta(days=5))
    CampaignFactory(title="Still a draft", status=Campaign.Status.DRAFT, published_at=None)
    CampaignFactory(title="Starts tomorrow", starts_at=now + dt.timedelta(days=1))
    CampaignFactory(
        title="Published last week, started today",
        published_at=now - dt.timedelta(days=7),
        starts_at=now - dt.timedelta(hours=1),
    )

    reminders_send_new_campaigns(now=now)

    assert [m.subject for m in smtp_server.messages] == [
        "[Call Your Officials] New campaign: Published last week, started today"
    ]
    # Tomorrow the future campaign has started, and is announced then.
    reminders_send_new_campaigns(now=now + dt.timedelta(days=1, minutes=10))
    assert smtp_server.messages[-1].subject.endswith("New campaign: Starts tomorrow")
    assert len(smtp_server.messages) == 2


# ------------------------------------------------------------------------------
# Weekly digest
# ------------------------------------------------------------------------------
def test_the_weekly_digest_lists_campaigns_not_called_yet_with_last_weeks_calls(smtp_server, make_volunteer, chapter):
    now = timezone.now()
    user = make_volunteer("weekly@example.org", frequency=WEEKLY, chapter=chapter)
    make_volunteer("new@example.org", frequency=NEW)
    called = CampaignFactory(title="Already called")
    waiting = CampaignFactory(title="Waiting national")
    ours = CampaignFactory(title="Our chapter's campaign", chapter=chapter)
    CampaignFactory(title="Another chapter's campaign", chapter=ChapterFactory(name="KC", slug="kc"))
    CallLogFactory(user=user, campaign=called, created_at=now - dt.timedelta(days=7))
    CallLogFactory(user=user, campaign=called, created_at=now - dt.timedelta(days=7))
    CallLogFactory(user=user, campaign=called, created_at=now - dt.timedelta(days=14))

    reminders_send_weekly_digest(now=now)

    assert smtp_server.recipients() == [user.email]
    mail = smtp_server.messages[0]
    assert mail.subject == "[Call Your Officials] 2 campaigns waiting for your call this week"
    assert "Waiting national" in mail.text
    assert "Our chapter's campaign" in mail.text
    assert f"/campaigns/{waiting.slug}/" in mail.text
    assert f"/campaigns/{ours.slug}/" in mail.html
    assert "Already called" not in mail.text
    assert "Another chapter" not in mail.text
    assert "You made 2 calls last week. That is a 2-week streak." in mail.text
    delivery = ReminderDelivery.objects.get(user=user)
    assert delivery.key == f"week:{week_start_for(now).isoformat()}"
    assert delivery.kind == ReminderKind.WEEKLY_DIGEST


def test_a_volunteer_with_no_campaign_left_to_call_gets_no_digest(smtp_server, make_volunteer):
    user = make_volunteer("done@example.org", frequency=WEEKLY)
    campaign = CampaignFactory()
    CallLogFactory(user=user, campaign=campaign)

    run = reminders_send_weekly_digest()

    assert smtp_server.messages == []
    assert run.skipped == 1
    assert ReminderDelivery.objects.get(user=user).status == Status.SKIPPED


def test_a_rerun_of_the_weekly_digest_sends_nothing_more_but_next_week_does(smtp_server, make_volunteer):
    for i in range(5):
        make_volunteer(f"v{i}@example.org", frequency=WEEKLY)
    CampaignFactory()
    now = timezone.now()

    first = reminders_send_weekly_digest(now=now, chunk_size=2)
    again = reminders_send_weekly_digest(now=now, chunk_size=2)
    assert len(smtp_server.messages) == 5
    assert (first.recipients, first.claimed, first.sent) == (5, 5, 5)
    assert (again.recipients, again.claimed, again.sent) == (5, 0, 0)

    reminders_send_weekly_digest(now=now + dt.timedelta(weeks=1), chunk_size=2)
    assert len(smtp_server.messages) == 10
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 10


def test_parts_split_the_volunteers_without_overlap(smtp_server, make_volunteer):
    users = [make_volunteer(f"v{i}@example.org", frequency=WEEKLY) for i in range(7)]
    CampaignFactory()

    runs = [reminders_send_weekly_digest(part=part, parts=3) for part in range(3)]

    assert sum(r.sent for r in runs) == 7
    assert all(r.sent for r in runs)
    assert smtp_server.recipients() == sorted(u.email for u in users)
    with pytest.raises(ValueError, match="part 3"):
        reminders_send_weekly_digest(part=3, parts=3)


def test_a_dry_run_counts_and_sends_or_claims_nothing(smtp_server, make_volunteer):
    make_volunteer("a@example.org", frequency=WEEKLY)
    make_volunteer("b@example.org", frequency=NEW)
    CampaignFactory()

    weekly = reminders_send_weekly_digest(dry_run=True)
    new = reminders_send_new_campaigns(dry_run=True)

    assert (weekly.recipients, weekly.claimed, new.claimed) == (1, 1, 1)
    assert smtp_server.messages == []
    assert not ReminderDelivery.objects.exists()
    assert not CampaignAnnouncement.objects.exists()


# ------------------------------------------------------------------------------
# Never twice: claims, interrupted runs, concurrent runs
# ------------------------------------------------------------------------------
def test_a_row_another_run_is_sending_is_left_to_that_run(smtp_server, make_volunteer):
    taken = make_volunteer("taken@example.org", frequency=WEEKLY)
    free = make_volunteer("free@example.org", frequency=WEEKLY)
    CampaignFactory()
    now = timezone.now()
    ReminderDelivery.objects.create(
        user=taken,
        kind=ReminderKind.WEEKLY_DIGEST,
        key=f"week:{week_start_for(now).isoformat()}",
        email=taken.email,
        status=Status.SENDING,
        claim_token=uuid.uuid4(),
        claimed_at=now,
    )

    reminders_send_weekly_digest(now=now)

    assert smtp_server.recipients() == [free.email]


def test_a_run_killed_mid_send_is_marked_failed_later_never_sent_twice(smtp_server, make_volunteer):
    user = make_volunteer("maybe@example.org", frequency=WEEKLY)
    CampaignFactory()
    now = timezone.now()
    key = f"week:{week_start_for(now).isoformat()}"
    ReminderDelivery.objects.create(
        user=user,
        kind=ReminderKind.WEEKLY_DIGEST,
        key=key,
        email=user.email,
        status=Status.SENDING,
        claim_token=uuid.uuid4(),
        claimed_at=now - CLAIM_LEASE - dt.timedelta(minutes=1),
    )

    reminders_send_weekly_digest(now=now)

    assert smtp_server.messages == []
    delivery = ReminderDelivery.objects.get(user=user)
    assert delivery.status == Status.FAILED
    assert "Interrupted" in delivery.error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_volunteer_one_email(smtp_server, make_volunteer):
    volunteers = [make_volunteer(f"v{i}@example.org", frequency=WEEKLY) for i in range(60)]
    CampaignFactory()
    now = timezone.now()
    errors = []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait()
            reminders_send_weekly_digest(now=now, chunk_size=7)
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert smtp_server.recipients() == sorted(v.email for v in volunteers)
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 60


# ------------------------------------------------------------------------------
# SMTP failures
# ------------------------------------------------------------------------------
def test_a_permanent_refusal_marks_that_email_failed_and_the_others_still_go(smtp_server, make_volunteer):
    bad = make_volunteer("nobody@example.org", frequency=WEEKLY)
    good = [make_volunteer(f"ok{i}@example.org", frequency=WEEKLY) for i in range(3)]
    smtp_server.refused[bad.email] = "550 5.1.1 No such user here"
    CampaignFactory()

    run = reminders_send_weekly_digest()

    assert smtp_server.recipients() == sorted(u.email for u in good)
    assert (run.sent, run.failed) == (3, 1)
    delivery = ReminderDelivery.objects.get(user=bad)
    assert delivery.status == Status.FAILED
    assert "550" in delivery.error
    assert "No such user" in delivery.error
    # A rerun does not try the refused address again.
    reminders_send_weekly_digest()
    assert len(smtp_server.messages) == 3


def test_a_transient_refusal_stops_the_run_and_releases_the_rest_for_a_retry(smtp_server, make_volunteer):
    users = [make_volunteer(f"v{i}@example.org", frequency=WEEKLY) for i in range(4)]
    CampaignFactory()
    smtp_server.messages.clear()
    now = timezone.now()
    # The second email gets "try later".
    smtp_server.data_replies[:] = []
    first_sent = []

    original = smtp_server.handle_DATA

    async def second_says_later(server, session, envelope):
        if len(first_sent) == 1:
            first_sent.append("refused")
            return "451 4.3.0 Try again later"
        first_sent.append("ok")
        return await original(server, session, envelope)

    smtp_server.handle_DATA = second_says_later
    with pytest.raises(TransientSendError, match="451"):
        reminders_send_weekly_digest(now=now)

    statuses = dict(ReminderDelivery.objects.values_list("user__email", "status"))
    assert statuses == {users[0].email: Status.SENT, **{u.email: Status.READY for u in users[1:]}}

    reminders_send_weekly_digest(now=now)

    assert smtp_server.recipients() == sorted(u.email for u in users)
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert ReminderDelivery.objects.get(user=users[1]).attempts == 2


def test_a_mail_server_that_is_down_leaves_every_email_for_the_retry(settings, make_volunteer):
    point_django_at(settings, "127.0.0.1", free_port())  # nothing listens there
    make_volunteer("a@example.org", frequency=NEW)
    CampaignFactory()

    with pytest.raises(TransientSendError):
        reminders_send_new_campaigns()

    assert ReminderDelivery.objects.get().status == Status.READY
    assert not CampaignAnnouncement.objects.exists()  # so the next beat tries again


# ------------------------------------------------------------------------------
# What every email carries
# ------------------------------------------------------------------------------
def test_every_email_has_a_list_unsubscribe_header_and_links_to_unsubscribe_and_the_profile(
    smtp_server, make_volunteer
):
    make_volunteer("a@example.org", frequency=NEW)
    make_volunteer("b@example.org", frequency=WEEKLY)
    CampaignFactory()

    reminders_send_new_campaigns()
    reminders_send_weekly_digest()

    assert len(smtp_server.messages) == 2
    for mail in smtp_server.messages:
        header = str(mail.message["List-Unsubscribe"]).strip()  # a long header is folded onto its own line
        assert header.startswith("<http")
        assert "/reminders/unsubscribe/" in header
        assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = header.strip("<>")
        assert url in mail.text
        assert url in mail.html
        assert "/profile/" in mail.text
        assert "/profile/" in mail.html


def test_emails_with_the_same_content_still_carry_each_volunteers_own_name_and_link(smtp_server, make_volunteer):
    ann = make_volunteer("ann@example.org", frequency=WEEKLY, name="Ann <b>Bold</b> & Co")
    bob = make_volunteer("bob@example.org", frequency=WEEKLY, name="")
    CampaignFactory()

    reminders_send_weekly_digest()

    ann_mail, bob_mail = smtp_server.to(ann.email)[0], smtp_server.to(bob.email)[0]
    assert "Hi Ann <b>Bold</b> & Co," in ann_mail.text
    assert "Hi Ann &lt;b&gt;Bold&lt;/b&gt; &amp; Co," in ann_mail.html
    assert "Hi there," in bob_mail.text
    ann_link = str(ann_mail.message["List-Unsubscribe"]).strip().strip("<>")
    bob_link = str(bob_mail.message["List-Unsubscribe"]).strip().strip("<>")
    assert ann_link != bob_link
    assert ann_link in ann_mail.html
    assert bob_link in bob_mail.text
    assert bob_link not in ann_mail.text
    assert "@@" not in ann_mail.text + ann_mail.html + bob_mail.text + bob_mail.html
