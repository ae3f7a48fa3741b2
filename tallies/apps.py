from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "tallies"

    def ready(self):
        from . import signals  # noqa: F401 - connects the account-deletion hook
        from .api import fast_path  # noqa: F401 - connects its caches' invalidation, in every process
