"""Dossier codes stay unique and gap-free per unit and day, even with many counters saving at the same moment."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from db.engine import write
from services.dossiers import codes as dossier_codes
from services.dossiers.intake import receive_dossier
from tests.builders import actor
from tests.intake_builders import TUESDAY_9AM, bride, groom, receive_marriage, store_in

INTAKES = 200


def test_200_concurrent_intakes_get_200_distinct_codes_with_no_gap_in_the_daily_sequence(demo_engine, tmp_path):
    clerks = [actor(demo_engine, "motcua.nhs"), actor(demo_engine, "motcua.hc")]
    store = store_in(tmp_path)

    def one_intake(index: int) -> str:
        with write(demo_engine) as conn:
            return receive_dossier(
                conn,
                clerks[index % 2],
                procedure_code="ket_hon",
                applicant=groom(),
                second_party=bride(),
                store=store,
                received_at=TUESDAY_9AM,
            ).code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(one_intake, range(INTAKES)))

    assert len(set(codes)) == INTAKES
    for unit in ("NGUHANHSON", "HAICHAU"):
        sequence = sorted(int(code.rsplit("-", 1)[1]) for code in codes if code.startswith(unit + "-260310-"))
        assert sequence == list(range(1, INTAKES // 2 + 1)), unit


def test_a_rolled_back_intake_gives_its_number_back(demo_engine, tmp_path):
    clerk = actor(demo_engine, "motcua.nhs")
    assert receive_marriage(demo_engine, clerk, store_in(tmp_path)).code.endswith("-0001")
    with pytest.raises(RuntimeError), write(demo_engine) as conn:
        receive_dossier(
            conn, clerk, procedure_code="ket_hon", applicant=groom(), second_party=bride(), received_at=TUESDAY_9AM
        )
        raise RuntimeError("printer jammed, the clerk cancels")
    assert receive_marriage(demo_engine, clerk, store_in(tmp_path)).code.endswith("-0002")


def test_the_code_day_is_the_local_day_in_da_nang():
    late_evening_utc = TUESDAY_9AM.replace(hour=23, minute=30)  # 23:30 local is still the 10th
    code = dossier_codes.format_code(dossier_codes.DEFAULT_PATTERN, unit_code="NGUHANHSON", day=late_evening_utc, seq=7)
    assert code == "NGUHANHSON-260310-0007"
