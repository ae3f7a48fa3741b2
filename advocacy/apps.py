from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    """The project package as an app, for what spans every app: the `load_demo` command."""

    name = "advocacy"
