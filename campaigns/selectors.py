from .models import Campaign


def campaign_list_for_home(*, user):
    return list(Campaign.objects.active().visible_to(user).select_related("chapter")[:10])
