from campaigns.models import Action, Campaign
from campaigns.services import DEMO_TITLE, campaign_demo_create
from officials.models import Office, OfficeRole
from tests.factories.accounts import ChapterFactory


def test_the_demo_campaign_has_the_2017_write_and_call_actions(mo):
    campaign = campaign_demo_create(chapter=None)
    assert campaign.title == DEMO_TITLE
    assert (campaign.status, campaign.chapter, campaign.call_goal) == (Campaign.Status.ACTIVE, None, 500)
    assert "https://www.justice.gov/contact-us" in campaign.background
    write, call = campaign.actions.order_by("position")
    assert write.kind == Action.Kind.WRITE
    assert list(write.target_offices.all()) == [mo["doj"]]
    assert call.kind == Action.Kind.CALL
    assert call.target_roles == [OfficeRole.ATTORNEY_GENERAL]
    assert "I'm calling today to demand that [STATE AG's NAME] condemn" in call.script
    assert call.voicemail_script == (
        "IF LEAVING A VOICEMAIL please leave your full street address to ensure your call is tallied."
    )


def test_running_the_demo_twice_changes_nothing(mo):
    first = campaign_demo_create(chapter=None)
    second = campaign_demo_create(chapter=None)
    assert first.pk == second.pk
    assert Campaign.objects.count() == 1
    assert Action.objects.count() == 2
    assert Office.objects.filter(role=OfficeRole.ORGANISATION).count() == 1


def test_the_demo_creates_the_department_of_justice_when_missing(db):
    campaign = campaign_demo_create(chapter=None)
    doj = campaign.actions.get(kind="write").target_offices.get()
    assert (doj.role, doj.name) == (OfficeRole.ORGANISATION, "U.S. Department of Justice")
    assert doj.contact_points.filter(kind="form", value="https://www.justice.gov/contact-us").exists()


def test_a_chapter_demo_belongs_to_the_chapter(mo):
    chapter = ChapterFactory(slug="st-louis-callers")
    campaign = campaign_demo_create(chapter=chapter)
    assert campaign.chapter == chapter
    assert campaign_demo_create(chapter=None).pk != campaign.pk
