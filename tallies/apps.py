from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "tallies"

    def ready(self):
        from accounts.data_export import data_export_section_register

        from . import checks, signals  # noqa: F401 - the SQLite version check; the account-deletion hook
        from .selectors import calls_for_data_export

        data_export_section_register(name="calls", position=10, read=calls_for_data_export)
