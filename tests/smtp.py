"""A real SMTP server on loopback (aiosmtpd) for email tests: the `smtp_server` fixture in tests/conftest.py."""

import email
import re
import socket
import threading
from dataclasses import dataclass, field
from email import policy

from aiosmtpd.controller import Controller


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain", "html")).get_content()

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.body)

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


@dataclass
class SMTPInbox:
    """A real SMTP server's inbox, with switches to make it refuse like real servers do."""

    host: str
    port: int
    messages: list[ReceivedMail] = field(default_factory=list)
    # Replies to give to the next DATA commands instead of accepting, e.g. "421 4.3.2 try later".
    data_replies: list[str] = field(default_factory=list)
    always_reply: str | None = None
    # Recipients refused at RCPT TO, with the reply.
    refused: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.always_reply:
                return self.always_reply
            if self.data_replies:
                return self.data_replies.pop(0)
            self.messages.append(
                ReceivedMail(
                    sender=envelope.mail_from,
                    recipients=list(envelope.rcpt_tos),
                    message=email.message_from_bytes(
                        envelope.original_content or envelope.content, policy=policy.default
                    ),
                )
            )
        return "250 Message accepted"

    def to(self, address: str) -> list[ReceivedMail]:
        with self.lock:
            return [m for m in self.messages if address in m.recipients]

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(r for m in self.messages for r in m.recipients)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_django_at(settings, host: str, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = host
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


def start_smtp_server(settings):
    """Start a server on a free port and point Django's SMTP backend at it. Returns (inbox, controller)."""
    inbox = SMTPInbox(host="127.0.0.1", port=free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    point_django_at(settings, inbox.host, inbox.port)
    return inbox, controller
