"""Structures are found by id, name or synonym."""

from __future__ import annotations

import pytest

from course import anatomy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ATFL", "anterior_talofibular_ligament"),
        ("atfl", "anterior_talofibular_ligament"),
        ("heel bone", "calcaneus"),
        ("Heel-Bone", "calcaneus"),
        ("peroneus longus", "fibularis_longus_tendon"),
        ("outer ankle bone", "lateral_malleolus"),
        ("inner ankle bone", "medial_malleolus"),
        ("shin bone", "tibia"),
        ("calcaneal tendon", "achilles_tendon"),
        ("  Plantar Fascia ", "plantar_fascia"),
        ("deltoid_ligament", "deltoid_ligament"),
        ("Talus", "talus"),
        ("Achilles", "achilles_tendon"),
        ("deltoid", "deltoid_ligament"),
    ],
)
def test_find_resolves_ids_names_and_synonyms(text: str, expected: str) -> None:
    assert anatomy.find(text).id == expected


def test_find_suggests_close_matches() -> None:
    with pytest.raises(LookupError, match=r"no structure matches 'calcaneous'.*'Calcaneus'"):
        anatomy.find("calcaneous")


def test_suggestions_are_structure_names_not_lookup_keys() -> None:
    with pytest.raises(LookupError) as info:
        anatomy.find("atfk")
    assert "'Anterior talofibular ligament'" in str(info.value)
    assert "'atfl'" not in str(info.value)


def test_find_needs_text() -> None:
    with pytest.raises(TypeError, match="text"):
        anatomy.find(None)  # type: ignore[arg-type]


def test_find_without_any_close_match() -> None:
    with pytest.raises(LookupError) as info:
        anatomy.find("xyzzy")
    assert "did you mean" not in str(info.value)


def test_get_lists_valid_ids() -> None:
    assert anatomy.get("talus").name == "Talus"
    with pytest.raises(ValueError, match=r"unknown structure 'ankle'; valid: tibia, fibula"):
        anatomy.get("ankle")


def test_structures_are_in_content_order() -> None:
    ids = [s.id for s in anatomy.structures()]
    assert ids[0] == "tibia"
    assert len(ids) == len(set(ids))


def test_a_word_shared_by_several_structures_is_ambiguous() -> None:
    with pytest.raises(LookupError, match=r"'malleolus' matches several structures"):
        anatomy.find("malleolus")
