import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .emails import email_key

# Where to land after signing in, when a page asked for it (a visitor's kept call: back to the campaign).
AFTER_LOGIN_SESSION_KEY = "accounts.after_login"


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        url = request.session.pop(AFTER_LOGIN_SESSION_KEY, None)
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            return url
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request):
        return getattr(settings, "ACCOUNT_ALLOW_REGISTRATION", True)

    def clean_email(self, email: str) -> str:
        """One account per mailbox: an address whose mailbox already has an account (`ann+1@x` for
        `ann@x`) is answered as that account's own address.

        Signup and "add an email address" then treat it exactly as an address already taken, which
        (with enumeration prevention) means: no second account, a notice to the mailbox's owner, and
        the same page as for a new address, so nobody learns whether the mailbox has an account.
        """
        email = super().clean_email(email)
        from .models import User

        existing = User.objects.filter(email_key=email_key(email)).values_list("email", flat=True).first()
        return existing.lower() if existing else email

    def save_user(self, request, user, form, commit=True):
        # Someone who signs up reading Spanish gets their reminder emails in Spanish too.
        language = translation.get_language() or ""
        if language != settings.LANGUAGE_CODE and language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted (Fernet), never in the clear.

    The keys come from settings.MFA_ENCRYPTION_KEY: the first encrypts, any of them decrypts,
    so a key can be rotated by putting the new one first. A stored value without the prefix is
    one written before encryption (the accounts migration encrypts those).
    """

    PREFIX = "fernet:"

    def _fernet(self) -> MultiFernet:
        keys = mfa_keys_from(configured=settings.MFA_ENCRYPTION_KEY, secret_key=settings.SECRET_KEY)
        return MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, text: str) -> str:
        return self.PREFIX + self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(self.PREFIX):
            return encrypted_text
        return self._fernet().decrypt(encrypted_text[len(self.PREFIX) :].encode()).decode()


def mfa_keys_from(*, configured: list[str], secret_key: str) -> list[bytes]:
    """Fernet keys from MFA_ENCRYPTION_KEY (comma-separated Fernet keys), else one derived from SECRET_KEY."""
    if configured:
        return [key.encode() for key in configured]
    digest = hashlib.sha256(f"accounts.mfa-encryption:{secret_key}".encode()).digest()
    return [base64.urlsafe_b64encode(digest)]
