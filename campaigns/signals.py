"""A visitor's kept outcome is logged when they sign in (campaigns.visitor)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .visitor import pending_call_log


@receiver(user_logged_in, dispatch_uid="campaigns.pending_call_log")
def log_pending_call(sender, request, user, **kwargs):
    if request is not None:
        pending_call_log(request=request, user=user)
