import factory

from tallies.models import CallLog, Outcome, Source

from .accounts import UserFactory
from .campaigns import ActionFactory, CampaignFactory
from .officials import OfficeFactory


class CallLogFactory(factory.django.DjangoModelFactory):
    """A logged call written straight to the table (tests of call_log_create go through the service)."""

    class Meta:
        model = CallLog

    user = factory.SubFactory(UserFactory)
    campaign = factory.SubFactory(CampaignFactory)
    action = factory.LazyAttribute(lambda o: o.campaign.actions.first() or ActionFactory(campaign=o.campaign))
    office = factory.SubFactory(OfficeFactory)
    outcome = Outcome.REACHED
    chapter = None
    source = Source.WEB
