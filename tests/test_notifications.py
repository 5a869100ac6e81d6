"""The outbox and its sender: written with the change or not at all, delivered once, retried with backoff, crash-safe,
and silent for whoever opted out. Real SMTP (aiosmtpd) and HTTP servers; real SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import load_notify_settings
from db.engine import read, write
from db.schema import notify_attempts, notify_outbox
from services.core.clock import now
from services.delivery.sender import run_once
from services.notify import events as notify_events
from services.notify import outbox
from services.notify.channels import HttpGateway, SmtpMail, transports_from_settings
from tests.builders import actor
from tests.intake_builders import receive_marriage, store_in
from tests.notify_builders import CatchAll, gateway_server, options, smtp_server, without_online_demo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_online_demo(request):
    if "demo_engine" in request.fixturenames:
        without_online_demo(request.getfixturevalue("demo_engine"))


def queue_mail(engine, count: int, *, recipient: str = "dan@example.vn") -> list[int]:
    with write(engine) as conn:
        return [
            outbox.enqueue(
                conn,
                event="feedback_answered",
                channel="email",
                recipient=recipient,
                payload={"code": f"PA{i:04d}", "title": "Đèn đường hỏng", "link_path": f"/gop-y/theo-doi?ma=PA{i:04d}"},
                code=f"PA{i:04d}",
            )
            for i in range(count)
        ]


def mail_transports(host: str, port: int) -> dict:
    return {"email": SmtpMail(host, port, "Một cửa <khong-tra-loi@motcua.test>")}


def statuses(engine) -> dict[str, int]:
    with read(engine) as conn:
        return dict(conn.execute(select(notify_outbox.c.status, func.count()).group_by(notify_outbox.c.status)).all())


def test_an_outbox_row_written_in_a_rolled_back_transaction_is_never_sent(engine):
    with pytest.raises(RuntimeError), write(engine) as conn:
        outbox.enqueue(conn, event="feedback_answered", channel="email", recipient="a@example.vn", payload={})
        raise RuntimeError("the change failed after the notification was written")
    with smtp_server() as (server, host, port):
        result = run_once(engine, mail_transports(host, port), options())
    assert result.handled == 0 and server.messages == []
    assert statuses(engine) == {}


def test_each_queued_email_is_delivered_once_with_code_link_and_opt_out(engine):
    queue_mail(engine, 3)
    with smtp_server() as (server, host, port):
        first = run_once(engine, mail_transports(host, port), options())
        second = run_once(engine, mail_transports(host, port), options())
    assert (first.sent, second.handled) == (3, 0)
    assert server.subjects() == [f"Phản ánh PA{i:04d} đã có trả lời" for i in range(3)]
    body = server.bodies()[0]
    assert "http://motcua.test/gop-y/theo-doi?ma=PA0000" in body and "/thong-bao/tu-choi?t=" in body
    assert server.messages[0]["Message-ID"].startswith("<motcua-outbox-")
    assert statuses(engine) == {"sent": 3}


def test_a_gateway_answering_500_three_times_then_200_delivers_once_with_backoff(engine):
    with write(engine) as conn:
        outbox.enqueue(
            conn, event="queue_called", channel="sms", recipient="0905123456",
            payload={"code": "A015", "counter": 3, "unit": "Phường Ngũ Hành Sơn", "link_path": "/so/abc"},
        )  # fmt: skip
    clock = [now()]
    with gateway_server([500, 500, 500]) as (gateway, url):
        transports = {"sms": HttpGateway(url, "gateway-key", "sms")}
        passes = []
        for _ in range(6):
            passes.append(run_once(engine, transports, options(backoff_base=30), clock=lambda: clock[0]))
            clock[0] += timedelta(hours=1)
    assert [p.sent for p in passes] == [0, 0, 0, 1, 0, 0]
    assert len(gateway.requests) == 4 and len(gateway.delivered) == 1
    assert gateway.delivered[0]["to"] == "0905123456" and "A015" in gateway.delivered[0]["text"]
    assert gateway.delivered[0]["authorization"] == "Bearer gateway-key"
    assert len({request["idempotency_key"] for request in gateway.requests}) == 1
    with read(engine) as conn:
        outcomes = conn.scalars(select(notify_attempts.c.outcome).order_by(notify_attempts.c.id)).all()
        row = conn.execute(select(notify_outbox)).one()
    assert outcomes == ["error", "error", "error", "sent"]
    assert row.status == "sent" and row.attempts == 4


def test_the_first_retry_waits_for_the_backoff(engine):
    queue_mail(engine, 1)
    at = now()
    with smtp_server(CatchAll(on_data=lambda n: "451 try later" if n == 1 else None)) as (server, host, port):
        run_once(engine, mail_transports(host, port), options(backoff_base=60), clock=lambda: at)
        early = run_once(engine, mail_transports(host, port), options(), clock=lambda: at + timedelta(seconds=59))
        late = run_once(engine, mail_transports(host, port), options(), clock=lambda: at + timedelta(seconds=61))
    assert (early.handled, late.sent, len(server.messages)) == (0, 1, 1)


def test_a_message_failing_every_time_is_given_up_and_can_be_resent_by_the_admin(demo_engine):
    queue_mail(demo_engine, 1)
    at = now()
    with smtp_server(CatchAll(on_data=lambda n: "550 mailbox unavailable" if n <= 2 else None)) as (_, host, port):
        for minute in range(2):
            run_once(demo_engine, mail_transports(host, port), options(max_attempts=2, backoff_base=1),
                     clock=lambda m=minute: at + timedelta(minutes=m))  # fmt: skip
        assert statuses(demo_engine) == {"failed": 1}
        with write(demo_engine) as conn:
            failed = outbox.delivery_log(conn, actor(demo_engine, "admin"), status="failed")
            assert "550" in failed[0]["last_error"]
            outbox.resend(conn, actor(demo_engine, "admin"), outbox_id=failed[0]["id"])
        run_once(demo_engine, mail_transports(host, port), options())
    assert statuses(demo_engine) == {"sent": 1}


def test_an_unsubscribed_citizen_gets_nothing(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    receipt = receive_marriage(demo_engine, clerk, store_in(tmp_path), at=now())
    with write(demo_engine) as conn:
        outbox.consent(conn, subject_kind="dossier", subject_id=receipt.dossier_id, email="an@example.vn",
                       phone="0905123456")  # fmt: skip
        notify_events.on_dossier_event(conn, receipt.dossier_id, "complete", at=now())
    with smtp_server() as (server, host, port), gateway_server([]) as (gateway, url):
        transports = {**mail_transports(host, port), "sms": HttpGateway(url, "", "sms")}
        with write(demo_engine) as conn:  # the citizen follows the opt-out link of a message still waiting
            first = conn.scalar(select(func.min(notify_outbox.c.id)))
            token = outbox.optout_token(options().secret, first)
            masked = outbox.opt_out_by_token(conn, secret=options().secret, token=token)
            sms = conn.scalar(select(notify_outbox.c.id).where(notify_outbox.c.channel == "sms"))
            outbox.opt_out(conn, address="0905 123 456", channel="sms")
            notify_events.on_dossier_event(conn, receipt.dossier_id, "return_result", at=now())
        result = run_once(demo_engine, transports, options())
    assert masked == "an***@example.vn" and sms is not None
    assert server.messages == [] and gateway.requests == []
    assert result.sent == 0
    with read(demo_engine) as conn:
        waiting = select(func.count()).select_from(notify_outbox).where(notify_outbox.c.status != "skipped")
        assert conn.scalar(waiting) == 0


def test_a_sender_killed_mid_batch_resends_nothing_delivered_and_loses_nothing(database, tmp_path):
    engine = database.engine
    queue_mail(engine, 12)
    blocked, release = threading.Event(), threading.Event()

    def hang_on_the_fifth(number: int) -> str | None:
        if number == 5:
            blocked.set()
            release.wait(30)
            return "451 connection lost"
        return None

    with smtp_server(CatchAll(on_data=hang_on_the_fifth)) as (server, host, port):
        env = {
            **os.environ,
            "DATABASE_URL": database.url,
            "MOTCUA_SMTP_HOST": host,
            "MOTCUA_SMTP_PORT": str(port),
            "MOTCUA_SECRETS_FILE": str(tmp_path / "none.toml"),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "cli.notify", "--once", "--batch", "50", "--lease-seconds", "5"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert blocked.wait(60), process.communicate(timeout=5)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        release.set()
        assert statuses(engine) == {"sent": 4, "sending": 8}
        later = now() + timedelta(seconds=6)  # the dead sender's lease has run out
        run_once(engine, mail_transports(host, port), options(), clock=lambda: later)
    codes = [subject.split()[2] for subject in server.subjects()]
    assert sorted(codes) == [f"PA{i:04d}" for i in range(12)]
    assert statuses(engine) == {"sent": 12}


def test_without_an_smtp_host_mail_lands_in_the_local_maildir_and_sms_in_the_local_file(engine, tmp_path):
    queue_mail(engine, 1)
    with write(engine) as conn:
        outbox.enqueue(conn, event="queue_soon", channel="sms", recipient="0905123456", payload={"code": "A003"})
    settings = load_notify_settings()
    local = type(settings)(**{**settings.__dict__, "smtp_host": "", "sms_gateway_url": "", "demo_mode": True,
                              "maildir": tmp_path / "maildir", "local_sink": tmp_path / "sms.jsonl"})  # fmt: skip
    result = run_once(engine, transports_from_settings(local), options())
    assert result.sent == 2
    assert len(list((tmp_path / "maildir" / "new").iterdir())) == 1
    assert "A003" in (tmp_path / "sms.jsonl").read_text(encoding="utf-8")


def test_two_senders_at_once_deliver_every_message_exactly_once(engine):
    queue_mail(engine, 40)
    with smtp_server() as (server, host, port):
        workers = [
            threading.Thread(
                target=run_once, args=(engine, mail_transports(host, port), options(worker=name, batch_size=5))
            )
            for name in ("sender-a", "sender-b")
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
    codes = [subject.split()[2] for subject in server.subjects()]
    assert sorted(codes) == [f"PA{i:04d}" for i in range(40)]
    with read(engine) as conn:
        workers_used = set(conn.scalars(select(notify_attempts.c.worker)))
    assert statuses(engine) == {"sent": 40} and workers_used <= {"sender-a", "sender-b"}
