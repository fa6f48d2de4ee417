"""Structures are found by id, name or synonym."""

from __future__ import annotations

import pytest

from course.content import anatomy


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


@pytest.mark.parametrize("text", ["ankle bone", "Ankle bones", "the ankle bone"])
def test_ankle_bone_lists_the_candidates_with_an_explanation(text: str) -> None:
    with pytest.raises(anatomy.AmbiguousNameError) as info:
        anatomy.find(text)
    ids = [s.id for s in info.value.candidates]
    assert ids == ["medial_malleolus", "lateral_malleolus", "talus"]
    assert "malleoli" in info.value.explanation
    assert "talus" in info.value.explanation
    message = str(info.value)
    assert "'Medial malleolus', 'Lateral malleolus', 'Talus'" in message
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize(
    ("text", "structure"),
    [
        ("the talus", "talus"),
        ("The outer ankle bone", "lateral_malleolus"),
        ("a fibula", "fibula"),
        ("Achilles' tendon", "achilles_tendon"),
        ("the Achilles\u2019 tendon", "achilles_tendon"),
    ],
)
def test_an_article_or_apostrophe_does_not_hide_a_name(text: str, structure: str) -> None:
    assert anatomy.find(text).id == structure


@pytest.mark.parametrize("text", ["calf muscle", "Calf muscles", "the calf muscle", "calf"])
def test_calf_muscle_names_both_petrissage_targets(text: str) -> None:
    """The gastrocnemius and the soleus are equally the calf muscle petrissage kneads."""
    with pytest.raises(anatomy.AmbiguousNameError) as info:
        anatomy.find(text)
    assert [s.id for s in info.value.candidates] == ["gastrocnemius", "soleus"]
    assert "petrissage" in info.value.explanation
    for muscle in ("gastrocnemius", "soleus"):
        assert "calf muscle" not in anatomy.get(muscle).synonyms


def test_explorer_search_explains_an_ambiguous_name() -> None:
    from course.widgets.logic import search

    result = search("ankle bone", "lateral")
    assert result.structure_id is None
    assert "Medial malleolus, Lateral malleolus, Talus" in result.message
    assert "malleoli" in result.message


def test_anatomy_corrections() -> None:
    plantar = anatomy.get("plantar_fascia")
    assert not {"arch of the foot", "the arch"} & set(plantar.synonyms)
    assert "one of several supports of the arch" in plantar.description
    with pytest.raises(LookupError):
        anatomy.find("the arch")
    soleus = anatomy.get("soleus")
    assert "deep calf muscle" not in soleus.synonyms
    assert soleus.description.startswith("The calf muscle under the gastrocnemius")
    assert "whole foot" in anatomy.get("subtalar_joint").description
    assert (
        "passage behind and below the inner ankle bone"
        in anatomy.get("flexor_retinaculum").description
    )
    assert "sural_nerve" in anatomy.get("caution_small_saphenous").contains
    assert "deep_fibular_nerve" in anatomy.get("caution_dorsalis_pedis").contains
    for nerve in ("sural_nerve", "deep_fibular_nerve"):
        assert any(c.startswith("grays-1918") for c in anatomy.get(nerve).source)


def _band(view: str, structure_id: str) -> list[list[float]]:
    import yaml

    from course.content.resources import assets_dir

    data = yaml.safe_load((assets_dir() / "ankle" / f"{view}.yaml").read_text(encoding="utf-8"))
    record = next(s for s in data["structures"] if s["id"] == structure_id)
    points: list[list[float]] = record["shapes"][0]["band"]
    return points


def test_the_aitfl_runs_down_and_outward_from_tibia_to_fibula() -> None:
    # Top-of-foot view: x grows toward the outer (fibula) side, y toward the toes (downward on
    # the leg). The fibula end is the outer end, and it must be the lower (more distal) one.
    dorsal = _band("dorsal", "anterior_inferior_tibiofibular_ligament")
    tibia_end, fibula_end = sorted(dorsal, key=lambda p: p[0])[0], max(dorsal, key=lambda p: p[0])
    assert fibula_end[1] > tibia_end[1]
    # Outer view: x grows forward (the tibia end is in front), y grows upward.
    lateral = _band("lateral", "anterior_inferior_tibiofibular_ligament")
    tibia_end, fibula_end = max(lateral, key=lambda p: p[0]), min(lateral, key=lambda p: p[0])
    assert fibula_end[1] < tibia_end[1]


def test_nerves_are_drawn_beside_their_caution_zones() -> None:
    from course.diagrams.geometry import load_view

    assert "sural_nerve" in load_view("lateral").structures
    assert "sural_nerve" in load_view("posterior").structures
    assert "deep_fibular_nerve" in load_view("dorsal").structures
