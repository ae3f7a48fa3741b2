"""Any write to an officials row invalidates the lookup cache (see officials/cache.py)."""

from django.db.models.signals import post_delete, post_save

from . import cache
from .models import ContactPoint, Division, Office, Person, Term, ZipDivision, ZipMap


def _invalidate(sender, **kwargs):
    cache.invalidate()


def connect() -> None:
    for model in (ContactPoint, Division, Office, Person, Term, ZipDivision, ZipMap):
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"officials-cache-{model.__name__}-save")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"officials-cache-{model.__name__}-delete")
