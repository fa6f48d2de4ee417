"""The learner's side of safety_cases (course.cases) and the picture questions."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest

from course.cases import CASES_FILE, ID_FILE, RECORD_MIME, CasesError, load_cases
from course.content.anatomy import get
from course.errors import GradingError
from course.grading.diagram_items import names_structure, question_alt_text, question_png
from course.grading.variants.bank import VariantBank, load_variant_bank
from course.grading.variants.generate import generate
from course.grading.variants.release import variant_fingerprint, write_cases

GRADING = Path(__file__).resolve().parent.parent / "grading"
LAYERS = ("bones", "ligaments", "tendons")


@pytest.fixture(scope="module")
def bank() -> VariantBank:
    return load_variant_bank(GRADING, "safety_cases")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, bank: VariantBank) -> Path:
    folder = tmp_path_factory.mktemp("release")
    write_cases(folder, bank, ["alice", "bob", "carol"])
    return folder


@pytest.fixture
def displayed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    shown: list[dict[str, object]] = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    for name in ("ANKLE_COURSE_STUDENT", "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    return shown


def test_the_notebook_shows_and_records_the_learners_own_cases(
    release: Path,
    bank: VariantBank,
    displayed: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    monkeypatch.setenv("ANKLE_COURSE_STUDENT", "alice")  # the course's own variable wins
    cases = load_cases(release)
    items = generate(bank, "alice")
    assert cases.student == "alice"
    assert displayed[0][RECORD_MIME] == {
        "assignment": "safety_cases",
        "student": "alice",
        "variant": variant_fingerprint(bank, "alice", items),
        "attempt": 1,
    }
    for number, item in enumerate(items, start=1):
        if item.kind == "scenario":
            assert item.text in cases.text_of(number)
        else:
            assert "Which structure is marked" in cases.text_of(number)
            assert base64.b64decode(cases.items[number - 1]["png"]).startswith(b"\x89PNG")
    cases.show(1)
    assert "Scenario 1." in str(displayed[-1]["text/markdown"])
    with pytest.raises(CasesError, match=f"this assessment has {len(items)}"):
        cases.show(len(items) + 1)
    assert not (release / ID_FILE).exists()


def test_on_the_hub_the_login_name_is_the_id(
    release: Path, displayed: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "carol")
    assert load_cases(release).student == "carol"


def test_a_typed_id_is_asked_once(
    release: Path,
    tmp_path: Path,
    displayed: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / CASES_FILE).write_bytes((release / CASES_FILE).read_bytes())
    answers = iter(["  bob "])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert load_cases(folder).student == "bob"
    assert (folder / ID_FILE).read_text().strip() == "bob"
    assert load_cases(folder).student == "bob"  # not asked again (input would raise)


def test_unknown_id_missing_or_damaged_table_are_messages(
    release: Path,
    tmp_path: Path,
    displayed: list[dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANKLE_COURSE_STUDENT", "mallory")
    with pytest.raises(CasesError, match="no cases for 'mallory'"):
        load_cases(release)
    with pytest.raises(CasesError, match=r"has no cases\.json\.gz"):
        load_cases(tmp_path)
    (tmp_path / CASES_FILE).write_bytes(b"not gzip")
    with pytest.raises(CasesError, match="is damaged"):
        load_cases(tmp_path)
    assert not displayed


def test_the_release_table_holds_no_key_or_structure_id(release: Path, bank: VariantBank) -> None:
    table = gzip.decompress((release / CASES_FILE).read_bytes()).decode()
    data = json.loads(table)
    assert set(data) == {
        "schema_version",
        "assignment",
        "attempt",
        "stories",
        "pictures",
        "learners",
    }
    assert data["attempt"] == 1
    assert "alice" not in table
    for word in ("DO_NOT_MASSAGE", "PROCEED", "SEEK_URGENT_CARE", "situation", "hours_since"):
        assert word not in table
    for structure in bank.diagrams[0].structures:
        if "_" in structure:
            assert structure not in table
    # the pictures' words differ only in where the marked structure lies, never in what it is
    alts = {p["alt"].rsplit(" It lies in the ", 1)[0] for p in data["pictures"].values()}
    assert len(data["pictures"]) > 1
    assert len(alts) == 1


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("calcaneus", True),
        ("Heel bone", True),
        ("CALCANEUS", True),
        ("talus", False),
        ("", False),
        ("bone", False),  # several structures: not an answer
        (None, False),
        (3, False),
    ],
)
def test_any_name_find_resolves_to_the_marked_structure_scores(answer: object, right: bool) -> None:
    assert names_structure(answer, "calcaneus") is right


@pytest.mark.parametrize(
    ("structure", "right"),
    [("talus", True), ("lateral_malleolus", True), ("medial_malleolus", True), ("fibula", False)],
)
def test_an_ambiguous_name_scores_when_the_marked_structure_is_among_its_candidates(
    structure: str, right: bool
) -> None:
    """The course teaches "ankle bone" for the malleoli and for the talus: either scores."""
    for answer in ("ankle bone", "The ankle bone", "ANKLE-BONES"):
        assert names_structure(answer, structure) is right, answer


@pytest.mark.parametrize(
    "structure", ["calcaneus", "anterior_talofibular_ligament", "achilles_tendon"]
)
def test_the_pictures_alt_text_does_not_give_the_answer_away(structure: str) -> None:
    alt = question_alt_text("lateral", LAYERS, structure)
    described = get(structure).description.rstrip(".")
    assert described not in alt
    assert "One structure is marked" in alt
    # every structure of the view is named once (the list), so the name alone says nothing
    assert alt.count(get(structure).name) == 1


def test_the_marked_structure_changes_the_picture() -> None:
    pictures = {
        question_png("lateral", LAYERS, s, dpi=50) for s in ("calcaneus", "talus", "fibula")
    }
    assert len(pictures) == 3


# --- picture questions in a fixed item bank (anatomy_techniques) ------------------------------


def _picture_item(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": "a99",
        "prompt": "Which structure is marked in this picture? Answer with its name.",
        "picture": {"view": "lateral", "layers": list(LAYERS)},
        "answer": "calcaneus",
        "explanation": "The heel bone.",
        "source": ["reference §2"],
    }
    item.update(changes)
    return item


def test_a_picture_question_is_graded_by_name() -> None:
    from course.grading.items.bank import ChoiceItem, ItemBank
    from course.grading.items.keys import verify_keys

    bank = ItemBank.model_validate(
        {
            "schema_version": 1,
            "assignment": "x",
            "title": "x",
            "kind": "choice",
            "pass_percent": 70,
            "points": 1,
            "intro": "x",
            "items": [_picture_item()],
        }
    )
    (cell,) = bank.gradeables
    assert (cell.kind, cell.key) == ("structure", "calcaneus")
    verify_keys(bank)
    with pytest.raises(ValueError, match="a picture question is answered by a name"):
        ChoiceItem.model_validate(_picture_item(options=["calcaneus", "talus"]))
    with pytest.raises(ValueError, match="needs at least two options"):
        ChoiceItem.model_validate({**_picture_item(), "picture": None})
    hidden = bank.model_copy(
        update={"items": (ChoiceItem.model_validate(_picture_item(answer="deltoid_ligament")),)}
    )
    with pytest.raises(GradingError, match="'deltoid_ligament' is not drawn in the lateral view"):
        verify_keys(hidden)
