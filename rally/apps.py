from django.apps import AppConfig


class RallyConfig(AppConfig):
    """Chapter leads rallying their callers: call days, "call now" messages and invitations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rally"
