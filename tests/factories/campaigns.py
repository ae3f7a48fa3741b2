import factory
from django.utils import timezone

from campaigns.models import Action, Campaign, Category, Reply
from officials.models import OfficeRole


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "Call your attorney general today."
    background = "Some **background**."
    status = Campaign.Status.ACTIVE
    call_goal = 100
    chapter = None
    published_at = factory.LazyFunction(timezone.now)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    kind = Action.Kind.CALL
    title = "Call your state attorney general"
    script = "Hello, my name is [YOUR NAME] from [CITY, ZIP]. I'm calling today to demand that [STATE AG's NAME] act."
    voicemail_script = "IF LEAVING A VOICEMAIL please leave your full street address."
    target_roles = factory.LazyFunction(lambda: [OfficeRole.ATTORNEY_GENERAL])

    @factory.post_generation
    def target_offices(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_offices.set(extracted)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.SubFactory("tests.factories.accounts.UserFactory")
    body = "The staffer said the AG has no position yet."
