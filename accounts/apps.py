from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # The token cache's invalidation signals (token, user and email address writes).
        from accounts.api import token_cache  # noqa: F401
