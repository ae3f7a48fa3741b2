from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "officials"

    def ready(self):
        from . import signals

        signals.connect()
