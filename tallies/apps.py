from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "tallies"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.data_export import data_export_section_register

        from . import checks, signals  # noqa: F401 - the SQLite version check; the account-deletion hook
        from .selectors import calls_for_data_export

        data_export_section_register(name="calls", position=10, read=calls_for_data_export)
        # The single call's PostgreSQL function is built from the ORM's lookups, so every
        # `migrate` (and each test database) defines it from the code that will call it.
        post_migrate.connect(_install_call_insert_function, sender=self, dispatch_uid="tallies_call_insert_function")


def _install_call_insert_function(sender, using, **kwargs):
    from .services import call_insert_function_install

    call_insert_function_install(using=using)
