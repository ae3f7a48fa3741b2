from django.apps import AppConfig


class TargetlistsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targetlists"
    verbose_name = "Target lists"
