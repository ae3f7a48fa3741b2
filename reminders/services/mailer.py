"""What every reminder email of a run shares: the site's addresses, templates and cached bodies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext

from accounts.models import User

from ..tokens import unsubscribe_token_make

# Placeholders for what differs per volunteer in a cached body: no character that HTML escaping changes.
_NAME = "@@reminders-name-7f3a@@"
_UNSUBSCRIBE = "@@reminders-unsubscribe-7f3a@@"
_BODY_CACHE_SIZE = 512


@dataclass
class Mailer:
    """What every email of a run shares, computed once per run."""

    base_url: str
    site_name: str
    from_email: str
    profile_url: str
    unsubscribe_path: str  # with TOKEN where the token goes
    templates: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)

    @classmethod
    def create(cls) -> Mailer:
        base_url = getattr(settings, "REMINDERS_BASE_URL", "") or site_url()
        return cls(
            base_url=base_url.rstrip("/"),
            site_name=settings.SITE_NAME,
            from_email=settings.DEFAULT_FROM_EMAIL,
            profile_url=base_url.rstrip("/") + reverse("profile"),
            unsubscribe_path=reverse("reminders:unsubscribe", args=["TOKEN"]),
        )

    def template(self, name: str):
        # Loaded once per run: with DEBUG on there is no cached loader, and parsing per email is slow.
        if name not in self.templates:
            self.templates[name] = get_template(f"reminders/email/{name}")
        return self.templates[name]

    def url(self, path: str) -> str:
        return self.base_url + path

    def _bodies(self, *, template: str, context: dict, frequency: str, cache_key) -> tuple[str, str]:
        """The text and HTML bodies with placeholders where the name and unsubscribe link go.

        Rendering is the costliest step of a send, and most volunteers' emails differ only in
        those two, so bodies are cached per run by what else they show (`cache_key`).
        """
        key = (translation.get_language(), template, frequency, cache_key)
        if cache_key is None or key not in self.bodies:
            context = {
                **context,
                "greeting_name": _NAME,
                "frequency_label": dict(User.ReminderFrequency.choices).get(frequency, frequency),
                "site_name": self.site_name,
                "base_url": self.base_url,
                "profile_url": self.profile_url,
                "unsubscribe_url": _UNSUBSCRIBE,
            }
            bodies = (
                self.template(f"{template}.txt").render(context),
                self.template(f"{template}.html").render(context),
            )
            if cache_key is None:
                return bodies
            if len(self.bodies) >= _BODY_CACHE_SIZE:
                self.bodies.clear()  # bounded, so memory stays flat whatever the variety
            self.bodies[key] = bodies
        return self.bodies[key]

    def message(self, *, user: User, subject, template: str, context: dict, cache_key=None) -> EmailMultiAlternatives:
        """One volunteer's email, in their language. Pass cache_key only if `context` is fully described by it.

        `subject` is a string or a callable that makes one, called in the volunteer's language.
        """
        with translation.override(user.language or settings.LANGUAGE_CODE):
            return self._message(user=user, subject=subject, template=template, context=context, cache_key=cache_key)

    def _message(self, *, user: User, subject, template: str, context: dict, cache_key) -> EmailMultiAlternatives:
        if callable(subject):
            subject = subject()
        unsubscribe_url = self.url(self.unsubscribe_path.replace("TOKEN", unsubscribe_token_make(user_id=user.pk)))
        text, html = self._bodies(
            template=template, context=context, frequency=user.reminder_frequency, cache_key=cache_key
        )
        name = user.name or gettext("there")
        message = EmailMultiAlternatives(
            subject=f"[{self.site_name}] {subject}",
            body=text.replace(_NAME, name).replace(_UNSUBSCRIBE, unsubscribe_url),
            from_email=self.from_email,
            to=[user.email],
            headers={
                # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        html = html.replace(_NAME, conditional_escape(name)).replace(_UNSUBSCRIBE, conditional_escape(unsubscribe_url))
        message.attach_alternative(html, "text/html")
        return message


def site_url() -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}"
