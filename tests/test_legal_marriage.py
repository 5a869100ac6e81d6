"""Marriage registration as the law has it: age and sex conditions (refused, nothing saved), a warning on a marriage
not ended, both parties present and signed, and the register entry recorded and printed."""

import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.engine import read, write
from db.schema import applicants, dossiers, marriage_registrations
from services.core.errors import ValidationError
from services.dossiers import counter_results, receipts
from services.dossiers import marriage as legal_marriage
from services.dossiers.flow import load
from tests.builders import actor
from tests.intake_builders import SCAN, TUESDAY_9AM, bride, groom, receive_marriage, store_in

ENTRY = dict(certificate_no="15/2026", book="01/2026", page="8", entry_no="15", both_present_signed=True)


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def person(cccd: str, birth: str) -> dict:
    day, month, year = (int(part) for part in birth.split("/"))
    return {"full_name": "Người thử", "cccd": cccd, "birth_date": date(year, month, day)}


@pytest.mark.parametrize(
    "man_birth, woman_birth, refused",
    [
        ("10/03/2006", "10/03/2008", False),  # both turn the minimum age on the registration day
        ("11/03/2006", "10/03/2008", True),  # the man is 20 tomorrow
        ("10/03/2006", "11/03/2008", True),  # the woman is 18 tomorrow
        ("01/01/1990", "01/01/1990", False),
    ],
)
def test_a_man_must_be_full_20_and_a_woman_full_18_on_the_registration_date(man_birth, woman_birth, refused):
    parties = [person("048206001234", man_birth), person("048308005678", woman_birth)]
    parties[0]["cccd"] = f"048{2 if int(man_birth[-4:]) >= 2000 else 0}{man_birth[-2:]}001234"
    parties[1]["cccd"] = f"048{3 if int(woman_birth[-4:]) >= 2000 else 1}{woman_birth[-2:]}005678"
    reason = legal_marriage.refusal_reason(parties, on=date(2026, 3, 10))
    assert (reason is not None) is refused
    if refused:
        assert "chưa đủ" in reason and "Điều 8" in reason


def test_people_of_the_same_sex_cannot_register_a_marriage():
    reason = legal_marriage.refusal_reason(
        [person("048310001111", "01/01/2010"), person("048311002222", "01/01/2011")], on=date(2026, 3, 10)
    )
    assert "cùng giới tính" in reason


def count(engine, table):
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(table))


@pytest.mark.parametrize(
    "first, second, message",
    [
        (groom(), groom(full_name="Phạm Văn Bảo", cccd="048096002222", birth_date="01/01/1996"), "cùng giới tính"),
        (
            bride(full_name="Lê Thị Cúc", cccd="048310001111", birth_date="01/01/2010"),
            bride(full_name="Lê Thị Đào", cccd="048311002222", birth_date="01/01/2011"),
            "cùng giới tính",
        ),
        (groom(cccd="048207001234", birth_date="05/09/2007"), bride(), "chưa đủ 20 tuổi"),
        (groom(), bride(cccd="049309005678", birth_date="12/01/2009"), "chưa đủ 18 tuổi"),
    ],
)
def test_intake_refuses_an_under_age_or_same_sex_marriage_and_saves_nothing(demo_engine, tmp_path, first, second,
                                                                             message):  # fmt: skip
    before = count(demo_engine, dossiers), count(demo_engine, applicants)
    with pytest.raises(ValidationError, match=message):
        receive_marriage(
            demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path), applicant=first, second_party=second
        )
    assert (count(demo_engine, dossiers), count(demo_engine, applicants)) == before


def test_intake_warns_when_a_party_has_a_marriage_in_the_system_not_ended(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    first = receive_marriage(demo_engine, clerk, store_in(tmp_path))
    assert first.warnings == ()
    other = bride(full_name="Hồ Thị Mai", cccd="049198009999", birth_date="02/02/1998")
    second = receive_marriage(demo_engine, clerk, store_in(tmp_path), second_party=other)
    assert len(second.warnings) == 1
    assert "Nguyễn Văn An" in second.warnings[0] and first.code in second.warnings[0]


def decide(engine, receipt, tmp_path, **entry):
    with write(engine) as conn:
        return counter_results.record_decision(
            conn,
            actor(engine, "motcua.nhs"),
            dossier_id=receipt.dossier_id,
            expected_version=load(conn, receipt.dossier_id)["version"],
            approve=True,
            result_files=[("gcn.pdf", SCAN)],
            store=store_in(tmp_path),
            at=TUESDAY_9AM + timedelta(hours=2),
            marriage={**ENTRY, **entry} if entry != {"none": True} else None,
        )


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"both_present_signed": False}, "phải có mặt"),
        ({"certificate_no": ""}, "số Giấy chứng nhận kết hôn"),
        ({"page": "x" * 41}, "quá dài"),
        ({"none": True}, "phải có mặt"),
    ],
)
def test_the_marriage_result_needs_both_parties_signed_and_the_register_entry(demo_engine, tmp_path, entry, message):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    with pytest.raises(ValidationError, match=message):
        decide(demo_engine, receipt, tmp_path, **entry)
    with read(demo_engine) as conn:
        assert load(conn, receipt.dossier_id)["status"] == "received"
        assert legal_marriage.registration_of(conn, receipt.dossier_id) is None


def test_the_register_entry_is_recorded_and_printed_on_the_return_slip(demo_engine, tmp_path):
    receipt = receive_marriage(demo_engine, actor(demo_engine, "motcua.nhs"), store_in(tmp_path))
    decide(demo_engine, receipt, tmp_path)
    with read(demo_engine) as conn:
        entry = legal_marriage.registration_of(conn, receipt.dossier_id)
        slip = receipts.receipt_pdf(
            conn, actor(demo_engine, "motcua.nhs"), dossier_id=receipt.dossier_id,
            public_base_url="http://x", token_secret="s" * 32,
        )  # fmt: skip
    assert [entry[key] for key in ("certificate_no", "book", "page", "entry_no")] == ["15/2026", "01/2026", "8", "15"]
    assert entry["both_present_signed"] and entry["registered_on"] == date(2026, 3, 10)
    assert count(demo_engine, marriage_registrations) >= 1
    text = pdf_text(slip)
    assert "Số 15/2026, ngày 10/03/2026" in text and "Quyển số 01/2026, trang 8, số 15" in text
