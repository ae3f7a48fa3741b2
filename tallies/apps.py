from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "tallies"

    def ready(self):
        from . import signals  # noqa: F401 - connects the account-deletion hook
