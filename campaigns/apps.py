from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self):
        from accounts.data_export import data_export_section_register

        from . import cache, signals  # noqa: F401 - connects the receivers (the campaigns generation's too)
        from .selectors import replies_for_data_export

        data_export_section_register(name="replies", position=20, read=replies_for_data_export)
