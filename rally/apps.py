from django.apps import AppConfig


class RallyConfig(AppConfig):
    """Chapter leads rallying their callers: call days, "call now" messages and invitations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rally"

    def ready(self):
        from accounts.signals import join_link_rotated

        join_link_rotated.connect(_void_invitations, dispatch_uid="rally_void_invitations_on_rotation")


def _void_invitations(sender, chapter, **kwargs):
    from .services import invitations_void_for_chapter

    invitations_void_for_chapter(chapter=chapter)
