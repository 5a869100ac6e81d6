"""Delivery channels of the sender: e-mail over SMTP (or a local maildir when no SMTP host is set), SMS and Zalo
through an HTTP gateway (or a local JSON-lines file in demo mode).

Plain smtplib and urllib rather than apprise: the sender needs the gateway's status and body in each attempt's
record, a stable Message-ID / Idempotency-Key per outbox row so a receiver can drop a repeat, and one SMTP
connection reused across a batch — apprise reports a bare True/False and opens a connection per notification.
"""

from __future__ import annotations

import json
import mailbox
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Protocol

from config import NotifySettings

GATEWAY_TIMEOUT_SECONDS = 10
SMTP_TIMEOUT_SECONDS = 20


class DeliveryError(Exception):
    """The channel refused or could not be reached; the message is recorded with the attempt."""


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    channel: str
    recipient: str
    subject: str
    body: str
    optout_link: str = ""


class Transport(Protocol):
    def send(self, message: Outgoing) -> None: ...

    def close(self) -> None: ...


def email_message(message: Outgoing, mail_from: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "motcua.local"
    email["Message-ID"] = f"<motcua-outbox-{message.outbox_id}@{domain}>"  # the same on a retry: receivers dedupe
    if message.optout_link:
        email["List-Unsubscribe"] = f"<{message.optout_link}>"
    email.set_content(message.body)
    return email


class SmtpMail:
    """One connection per batch, reopened after an error."""

    def __init__(self, host: str, port: int, mail_from: str, *, user: str = "", password: str = "",
                 starttls: bool = False):  # fmt: skip
        self.host, self.port, self.mail_from = host, port, mail_from
        self.user, self.password, self.starttls = user, password, starttls
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            self._smtp = smtp
        return self._smtp

    def send(self, message: Outgoing) -> None:
        try:
            refused = self._connection().send_message(email_message(message, self.mail_from))
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from exc
        if refused:
            raise DeliveryError(f"SMTP từ chối người nhận: {refused}")

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class MaildirMail:
    """The local catch-all of `make run`: each e-mail is a file under data/maildir/new."""

    def __init__(self, path: Path, mail_from: str):
        self.path, self.mail_from = Path(path), mail_from

    def send(self, message: Outgoing) -> None:
        for folder in ("tmp", "new", "cur"):
            (self.path / folder).mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(self.path, create=False).add(email_message(message, self.mail_from))

    def close(self) -> None:
        pass


class HttpGateway:
    """POST {"channel", "to", "text", "id"} as JSON with the key as a bearer token; any 2xx is delivered."""

    def __init__(self, url: str, key: str, channel: str):
        self.url, self.key, self.channel = url, key, channel

    def send(self, message: Outgoing) -> None:
        data = json.dumps(
            {"channel": self.channel, "to": message.recipient, "text": message.body, "id": message.outbox_id},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(self.url, data=data, method="POST")
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("Idempotency-Key", f"motcua-outbox-{message.outbox_id}")
        if self.key:
            request.add_header("Authorization", f"Bearer {self.key}")
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT_SECONDS) as response:
                response.read(4096)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace")
            raise DeliveryError(f"Cổng {self.channel} trả lời HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"Không kết nối được cổng {self.channel}: {exc}") from exc

    def close(self) -> None:
        pass


class JsonLinesSink:
    """Demo only: SMS / Zalo messages appended to a local file instead of a gateway."""

    def __init__(self, path: Path, channel: str):
        self.path, self.channel = Path(path), channel

    def send(self, message: Outgoing) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {"channel": self.channel, "to": message.recipient, "text": message.body, "id": message.outbox_id}
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")

    def close(self) -> None:
        pass


class NotConfigured:
    def __init__(self, channel: str):
        self.channel = channel

    def send(self, message: Outgoing) -> None:
        raise DeliveryError(f"Chưa cấu hình cổng gửi {self.channel} ([notify] {self.channel}_gateway_url).")

    def close(self) -> None:
        pass


def transports_from_settings(settings: NotifySettings) -> dict[str, Transport]:
    if settings.smtp_host:
        email: Transport = SmtpMail(
            settings.smtp_host,
            settings.smtp_port,
            settings.mail_from,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    else:
        email = MaildirMail(settings.maildir, settings.mail_from)
    return {
        "email": email,
        "sms": _gateway("sms", settings.sms_gateway_url, settings.sms_gateway_key, settings),
        "zalo": _gateway("zalo", settings.zalo_gateway_url, settings.zalo_gateway_key, settings),
    }


def _gateway(channel: str, url: str, key: str, settings: NotifySettings) -> Transport:
    if url:
        return HttpGateway(url, key, channel)
    return JsonLinesSink(settings.local_sink, channel) if settings.demo_mode else NotConfigured(channel)
