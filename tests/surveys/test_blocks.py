"""Question blocks: keys derived and unique, codes numbered and unique, clear messages."""

import pytest
from wagtail.blocks.stream_block import StreamBlockValidationError

from surveys.blocks import QuestionStreamBlock
from surveys.builders import choices, likert, question, section
from surveys.identifiers import derive_key

pytestmark = pytest.mark.django_db


def clean(body):
    block = QuestionStreamBlock()
    return block.clean(block.to_python(body))


def block_messages(error: StreamBlockValidationError) -> dict[int, str]:
    """Flatten the nested block errors to {stream index: all messages joined}."""

    def messages(err) -> list[str]:
        found = list(getattr(err, "non_block_errors", []) or [])
        for child in getattr(err, "block_errors", {}).values():
            found += messages(child)
        if not hasattr(err, "block_errors"):
            found += err.messages
        return [str(m) for m in found]

    return {index: " ".join(messages(err)) for index, err in error.block_errors.items()}


def test_blank_keys_are_derived_from_labels_and_made_unique():
    value = clean(
        [
            question("short_text", "", "What is your age group?"),
            question("short_text", "", "What is your age group?"),
            question("short_text", "", "¿Dónde vive usted?"),
        ]
    )
    assert [child.value["key"] for child in value] == [
        "what_is_your_age_group",
        "what_is_your_age_group_2",
        "donde_vive_usted",
    ]


@pytest.mark.parametrize(
    ("label", "taken", "expected"),
    [
        ("2024 income", set(), "q_2024_income"),
        ("", set(), "question"),
        ("Status", set(), "q_status"),  # reserved export column
        ("Trust", {"trust", "trust_2"}, "trust_3"),
        ("x" * 80, set(), "x" * 36),
    ],
)
def test_derive_key(label, taken, expected):
    assert derive_key(label, taken) == expected


def test_explicit_keys_win_over_derived_ones():
    value = clean(
        [question("short_text", "", "Trust"), question("short_text", "trust", "Other label")]
    )
    assert [child.value["key"] for child in value] == ["trust_2", "trust"]


def test_duplicate_keys_are_refused_with_a_clear_message():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean(
            [
                question("short_text", "age", "Age"),
                section("Next"),
                question("number", "AGE", "Age again"),
            ]
        )
    messages = block_messages(caught.value)
    assert list(messages) == [2]
    assert "'AGE' is already used by question 1" in messages[2]


def test_reserved_keys_are_refused():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean([question("short_text", "submitted_on", "When?")])
    assert "reserved" in block_messages(caught.value)[0]


@pytest.mark.parametrize("bad_key", ["1abc", "has space", "dash-key", "ñ"])
def test_keys_must_be_identifiers(bad_key):
    with pytest.raises(StreamBlockValidationError) as caught:
        clean([question("short_text", bad_key, "Label")])
    assert "starts with a letter" in block_messages(caught.value)[0]


def test_blank_codes_are_numbered_after_existing_numbers():
    value = clean(
        [
            question(
                "single_choice",
                "q",
                "Q",
                choices=choices(("", "A"), ("3", "B"), ("", "C"), ("x", "D")),
                widget="radio",
            )
        ]
    )
    assert [c["code"] for c in value[0].value["choices"]] == ["4", "3", "5", "x"]


def test_duplicate_codes_are_refused():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean(
            [
                question(
                    "multiple_choice",
                    "q",
                    "Q",
                    choices=choices(("a", "A"), ("b", "B"), ("a", "C")),
                )
            ]
        )
    assert "The code 'a' is used twice" in block_messages(caught.value)[0]


@pytest.mark.parametrize("bad_code", ["a b", "", "x/y"])
def test_codes_may_not_hold_spaces_or_slashes(bad_code):
    body = [question("single_choice", "q", "Q", choices=choices((bad_code, "A"), ("b", "B")))]
    if bad_code == "":
        assert clean(body)[0].value["choices"][0]["code"] == "1"
        return
    with pytest.raises(StreamBlockValidationError) as caught:
        clean(body)
    assert "no spaces" in block_messages(caught.value)[0]


def test_only_one_neighborhood_question():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean([question("neighborhood", "a", "Where?"), question("neighborhood", "b", "Where?")])
    assert "only once" in block_messages(caught.value)[1]


def test_number_limits_must_be_ordered():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean([question("number", "n", "N", min_value=10, max_value=1, integer=True)])
    assert "below the minimum" in block_messages(caught.value)[0]


def test_max_selections_cannot_exceed_choices():
    with pytest.raises(StreamBlockValidationError) as caught:
        clean(
            [
                question(
                    "multiple_choice",
                    "m",
                    "M",
                    choices=choices(("a", "A"), ("b", "B")),
                    max_selections=3,
                )
            ]
        )
    assert "More than the number of choices" in block_messages(caught.value)[0]


def test_likert_scale_codes_and_non_substantive_answers():
    block = QuestionStreamBlock()
    value = clean([likert("t", "Trust", points=7)])
    question_ = block.child_blocks["likert"].to_item(value[0].value, "id")
    assert [c.code for c in question_.choices] == ["1", "2", "3", "4", "5", "6", "7", "98", "99"]
    assert question_.non_substantive_codes == {"98", "99"}
    assert question_.choices[0].label == "Strongly disagree"
