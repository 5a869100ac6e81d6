"""The feedback classifier: categories and the urgent flag for Vietnamese with or without diacritics."""

import pytest

from services.core.text import ascii_fold
from services.feedback.classifier import CATEGORIES, fold, load_examples, train


@pytest.fixture(scope="module")
def classifier():
    return train(load_examples())


@pytest.mark.parametrize(
    "text, category",
    [
        ("Rác thải ùn ứ ở đầu kiệt 12 Nguyễn Duy Trinh cả tuần nay, bốc mùi", "moi_truong"),
        ("Đèn đường trước nhà hỏng đã lâu, buổi tối rất tối", "giao_thong_ha_tang"),
        ("Quán cà phê lấn chiếm vỉa hè, bày bàn ghế ra lòng đường", "trat_tu_do_thi"),
        ("Karaoke hát ồn ào đến nửa đêm", "an_ninh_trat_tu"),
        ("Nhà bên cạnh xây dựng không phép, lấn sang đất công", "dat_dai_xay_dung"),
        ("Cán bộ một cửa có thái độ hách dịch khi tôi nộp hồ sơ", "thu_tuc_hanh_chinh"),
        ("Trạm y tế không có bác sĩ trực, trường mầm non thu tiền sai quy định", "y_te_giao_duc"),
        ("Sóng điện thoại trong khu dân cư rất yếu", "khac"),
    ],
)
def test_each_category_is_recognised_with_and_without_diacritics(classifier, text, category):
    assert classifier.classify(text).category == category
    assert classifier.classify(ascii_fold(text)).category == category


@pytest.mark.parametrize(
    "text",
    [
        "Nước lũ đang lên nhanh, nhà tôi có người già mắc kẹt, cần cứu hộ",
        "Cháy nhà ở kiệt 30, lửa đang lan sang nhà bên",
        "Nhiều ca sốt xuất huyết trong tổ dân phố, có ổ dịch",
        "Dây điện bị đứt rơi xuống đường, nguy cơ điện giật",
        "Sạt lở đất sau mưa lớn, nhà dân có nguy cơ bị vùi lấp",
    ],
)
def test_disasters_epidemics_and_danger_to_life_are_urgent_with_and_without_diacritics(classifier, text):
    assert classifier.classify(text).urgent
    assert classifier.classify(ascii_fold(text)).urgent


@pytest.mark.parametrize(
    "text",
    [
        "Đề nghị thu gom rác đúng giờ ở tổ 5",
        "Xin hỏi lịch tiêm chủng cho trẻ",
        "Tôi muốn gặp cán bộ địa chính để hỏi thủ tục",
    ],
)
def test_ordinary_complaints_are_not_urgent(classifier, text):
    assert not classifier.classify(text).urgent


def test_an_empty_or_meaningless_message_has_low_confidence_and_goes_to_triage(classifier):
    assert classifier.classify("").needs_triage
    assert classifier.classify("asdkjh qwe zxc").needs_triage


def test_a_clear_message_is_confident_enough_to_skip_triage(classifier):
    result = classifier.classify("Rác thải ùn ứ nhiều ngày, bốc mùi hôi thối, đề nghị thu gom")
    assert not result.needs_triage and 0.5 <= result.confidence <= 1.0


def test_markup_in_the_text_does_not_break_classification(classifier):
    result = classifier.classify("<script>alert(1)</script> **Rác thải** ùn ứ [link](http://x)")
    assert result.category == "moi_truong"


def test_folding_makes_text_with_and_without_diacritics_identical():
    assert fold("Rác THẢI ùn ứ, Đường!") == fold("rac thai un u duong") == "rac thai un u duong"


def test_the_labelled_examples_cover_every_category_with_and_without_diacritics():
    examples = load_examples()
    assert len(examples) >= 80
    for category in CATEGORIES:
        texts = [e.text for e in examples if e.category == category]
        assert len(texts) >= 10, category
        assert any(t != ascii_fold(t) for t in texts) and any(t == ascii_fold(t) for t in texts), category
    assert sum(e.urgent for e in examples) >= 10


def test_the_result_serialises_as_the_command_prints_it(classifier):
    data = classifier.classify("Đèn đường hỏng").as_dict()
    assert set(data) == {"category", "urgent", "confidence"}
    assert data["category"] in CATEGORIES and isinstance(data["urgent"], bool) and 0 <= data["confidence"] <= 1
