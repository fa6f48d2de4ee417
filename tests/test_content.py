"""Content files load into validated models, and bad content is reported precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from course.content.loader import load_content
from course.content.models import Structure
from course.errors import ContentError


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_packaged_content_loads_and_is_cross_checked() -> None:
    content = load_content()
    assert {"tibia", "calcaneus", "anterior_talofibular_ligament", "plantar_fascia"} <= set(
        content.structures
    )
    assert [t.order for t in content.techniques] == list(range(1, len(content.techniques) + 1))
    assert [t.id for t in content.techniques][:4] == [
        "effleurage",
        "petrissage",
        "thumb_circles",
        "fingertip_friction",
    ]
    ids = [lesson.id for lesson in content.lessons]
    assert ids[:7] == [
        "00_welcome",
        "01_anatomy",
        "02_preparation",
        "03_core_techniques",
        "04_ligaments_and_tendons",
        "05_safety",
        "06_review_and_routine",
    ]
    assert [i[:3] for i in ids] == [f"{n:02d}_" for n in range(len(ids))]  # numbered, in order
    assert "education, not diagnosis" in content.disclaimer


def test_models_are_immutable() -> None:
    structure = load_content().structures["tibia"]
    with pytest.raises(ValueError, match="frozen"):
        structure.name = "Shin"  # type: ignore[misc]
    assert isinstance(structure, Structure)


def test_every_technique_carries_the_reference_fields() -> None:
    for technique in load_content().techniques:
        assert technique.hand_part
        assert technique.direction
        assert technique.pressure
        assert technique.steps
        assert technique.source
    sustained = load_content().technique("tendon_sustained_pressure")
    assert sustained.hold_seconds == (5, 10)
    assert "tibia" in load_content().technique("petrissage").avoid


def test_the_steps_name_the_hand_part_as_the_card_does() -> None:
    """One wording per technique: a card whose hand part is "the thumb" never says "your
    thumbs" in its steps, and one of "both thumbs" never says "your thumb"."""
    for technique in load_content().techniques:
        steps = " ".join(technique.steps).casefold()
        if technique.hand_part == "thumb":
            assert "thumbs" not in steps, technique.id
        if technique.hand_part == "thumbs":
            assert re.search(r"\bthumb\b", steps) is None, technique.id


def test_rule_ids_match_the_reference_table() -> None:
    ids = [rule.id for rule in load_content().rules]
    assert ids == [
        "acute-injury",
        "fracture",
        "unsettled-injury",
        "healing-injury",
        "severe-swelling",
        "mild-swelling",
        "infection",
        "spreading-infection",
        "severe-pain",
        "moderate-pain",
        "dvt",
        "dvt-signs",
        "sharp-pain",
        "persistent",
        "local-skin",
        "varicose",
        "blood-thinners",
        "reduced-sensation",
        "wound-without-feeling",
        "none",
    ]


def test_technique_naming_an_unknown_structure(content_copy: Path) -> None:
    _edit(
        content_copy / "techniques.yaml",
        lambda d: d["techniques"][1]["structures"].append("shin_muscle"),
    )
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    message = str(info.value)
    assert "techniques.yaml" in message
    assert "'petrissage'" in message
    assert "structures" in message
    assert "shin_muscle" in message


def test_a_technique_cannot_both_avoid_and_pass_lightly_over_one_place(
    content_copy: Path,
) -> None:
    _edit(
        content_copy / "techniques.yaml",
        lambda d: d["techniques"][1].update(light_over=["tibia"]),  # petrissage avoids it
    )
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    message = str(info.value)
    assert "'petrissage'" in message
    assert "tibia: in both avoid and light_over" in message


def test_duplicate_id(content_copy: Path) -> None:
    _edit(content_copy / "anatomy.yaml", lambda d: d["structures"].append(d["structures"][0]))
    with pytest.raises(ContentError, match=r"anatomy\.yaml: record 'tibia': field id: duplicate"):
        load_content(content_copy)


def test_missing_source(content_copy: Path) -> None:
    _edit(content_copy / "anatomy.yaml", lambda d: d["structures"][3].pop("source"))
    with pytest.raises(
        ContentError,
        match=r"anatomy\.yaml: record 'lateral_malleolus': field source: Field required",
    ):
        load_content(content_copy)


def test_unknown_source_id(content_copy: Path) -> None:
    _edit(content_copy / "lessons.yaml", lambda d: d["lessons"][2].update(source=["wikipedia"]))
    with pytest.raises(ContentError, match=r"lessons\.yaml: record '02_preparation': field source"):
        load_content(content_copy)


def test_wrong_field_type_names_the_field(content_copy: Path) -> None:
    _edit(content_copy / "lessons.yaml", lambda d: d["lessons"][0].update(minutes="ten"))
    with pytest.raises(ContentError, match=r"record '00_welcome': field minutes"):
        load_content(content_copy)


def test_unsupported_schema_version(content_copy: Path) -> None:
    _edit(content_copy / "techniques.yaml", lambda d: d.update(schema_version=99))
    with pytest.raises(ContentError, match=r"techniques\.yaml: .*schema_version: 99"):
        load_content(content_copy)


def test_invalid_yaml_names_the_line(content_copy: Path) -> None:
    (content_copy / "lessons.yaml").write_text("schema_version: 1\nlessons: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"lessons\.yaml: .*not valid YAML at line"):
        load_content(content_copy)


def test_missing_file(content_copy: Path) -> None:
    (content_copy / "safety.yaml").unlink()
    with pytest.raises(ContentError, match=r"safety\.yaml: .*file is missing"):
        load_content(content_copy)


def test_rule_on_an_unknown_situation_field(content_copy: Path) -> None:
    _edit(
        content_copy / "safety.yaml",
        lambda d: next(r for r in d["rules"] if r["id"] == "infection").update(
            when={"field": "temperature", "ge": 38}
        ),
    )
    with pytest.raises(ContentError, match=r"record 'infection': field when: .*'temperature'"):
        load_content(content_copy)


def test_red_flag_rule_must_not_allow_massage(content_copy: Path) -> None:
    _edit(content_copy / "safety.yaml", lambda d: d["rules"][0].update(decision="PROCEED"))
    with pytest.raises(ContentError, match=r"record 'acute-injury': field red_flag"):
        load_content(content_copy)


def test_technique_order_must_be_contiguous(content_copy: Path) -> None:
    _edit(content_copy / "techniques.yaml", lambda d: d["techniques"][0].update(order=12))
    with pytest.raises(ContentError, match=r"techniques\.yaml: .*order"):
        load_content(content_copy)


def test_every_citation_names_a_declared_source() -> None:
    content = load_content()
    records = [
        *content.structures.values(),
        *content.techniques,
        *content.rules,
        *content.lessons,
        *content.decisions.values(),
    ]
    for record in records:
        for citation in record.source:
            assert citation.split()[0] in content.sources, (record, citation)


def test_lesson_sections_are_validated_like_the_rest(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from course.content import sections as _sections

    monkeypatch.setattr(_sections, "content_dir", lambda: content_copy)
    _sections.all_sections.cache_clear()
    prep = "02_preparation"
    try:
        _edit(
            content_copy / "sections.yaml",
            lambda d: d["lessons"][prep].append(d["lessons"][prep][1]),
        )
        with pytest.raises(
            ContentError, match=r"\(02_preparation\): record '\w+': field id: duplicate"
        ):
            _sections.all_sections()
        _sections.all_sections.cache_clear()
        _edit(content_copy / "sections.yaml", lambda d: d["lessons"][prep][0].pop("title"))
        with pytest.raises(ContentError, match=r"\(02_preparation\): record '\w+': field title"):
            _sections.all_sections()
    finally:
        _sections.all_sections.cache_clear()


def _text_keys_in_code() -> list[tuple[str, str, str]]:
    """(file, key, where) of each ``text("k")``, ``texts("k")``, ``ui_text("k")`` with a constant
    key anywhere in ``course/``."""
    import ast

    files = {"text": "study.yaml", "texts": "study.yaml", "ui_text": "ui.yaml"}
    package = Path(__file__).resolve().parent.parent / "course"
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in files and isinstance(first, ast.Constant) and isinstance(first.value, str):
                where = f"{path.relative_to(package.parent)}:{node.lineno}"
                found.append((files[name], first.value, where))
    return found


def test_every_text_key_the_code_names_exists() -> None:
    """A renamed or deleted key in study.yaml or ui.yaml fails here, not in a learner's lesson."""
    from course.content.text import lookup

    keys = _text_keys_in_code()
    assert len(keys) > 100  # the scan sees the code's lookups
    missing = []
    for file, key, where in keys:
        try:
            lookup(file, key)
        except ContentError:
            missing.append(f"{where}: {file}: {key}")
    assert not missing, "\n".join(missing)
