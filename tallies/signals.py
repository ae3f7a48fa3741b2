from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .services import tally_user_forget


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="tallies_forget_deleted_user")
def forget_deleted_user(sender, instance, **kwargs):
    tally_user_forget(user_id=instance.pk)
