"""Drawing, labels, palette, alt text, SVG and technique overlays (no widgets)."""

from __future__ import annotations

import itertools
import re

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from course.content.loader import load_content
from course.diagrams.draw import RC, draw_view, new_figure, visible_ids
from course.diagrams.geometry import VIEWS, load_view
from course.diagrams.motion import motion_svg
from course.diagrams.overlay_draw import draw_technique, new_technique_figure
from course.diagrams.palette import LAYERS, PRESSURE_STYLES, STYLES
from course.diagrams.render import render_svg, render_technique_svg
from course.diagrams.text import alt_text, technique_alt_text


def test_every_kind_differs_by_hatch_or_line_style_not_only_colour() -> None:
    kinds = {s.kind for s in load_content().structures.values()}
    assert kinds <= set(STYLES)
    signatures = [(style.hatch, style.linestyle) for style in STYLES.values()]
    assert len(set(signatures)) == len(signatures)


def test_pressure_is_encoded_by_width_and_colour() -> None:
    ranked = sorted((s for s in PRESSURE_STYLES.values() if s.rank), key=lambda s: s.rank)
    widths = [s.width for s in ranked]
    assert widths == sorted(widths)
    assert len(set(widths)) == len(widths)
    assert len({s.colour for s in ranked}) == len(ranked)


@pytest.mark.parametrize("view", VIEWS)
def test_labels_do_not_overlap_and_stay_in_the_figure(view: str) -> None:
    with matplotlib.rc_context(RC):
        fig, ax = new_figure(view)
        drawn = draw_view(ax, view)
        renderer = FigureCanvasAgg(fig).get_renderer()
        boxes = {sid: t.get_window_extent(renderer) for sid, t in drawn.labels.items()}
    assert set(boxes) == set(drawn.ids)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), (view, a, b)
    width, height = fig.bbox.width, fig.bbox.height
    for sid, box in boxes.items():
        assert 0 <= box.x0 <= box.x1 <= width, (view, sid)
        assert 0 <= box.y0 <= box.y1 <= height, (view, sid)


def test_layers_choose_what_is_drawn_and_highlights_stand_out() -> None:
    with matplotlib.rc_context(RC):
        _fig, ax = new_figure("lateral")
        drawn = draw_view(ax, "lateral", ["bones"], ["talus"], labels="highlighted")
    kinds = {load_content().structures[sid].kind for sid in drawn.ids}
    assert kinds == {"bone"}
    assert set(drawn.labels) == {"talus"}
    talus, tibia = drawn.patches["talus"], drawn.patches["tibia"]
    assert talus.get_linewidth() > tibia.get_linewidth()
    assert talus.get_alpha() == 1.0
    assert tibia.get_alpha() is not None
    assert tibia.get_alpha() < 0.5
    assert all(p.get_gid() == sid for sid, p in drawn.patches.items())


def test_unknown_layer_or_structure_lists_the_valid_ones() -> None:
    with matplotlib.rc_context(RC):
        _fig, ax = new_figure("lateral")
        with pytest.raises(ValueError, match="valid layers: muscles, bones"):
            draw_view(ax, "lateral", ["skin"])
        with pytest.raises(ValueError, match=r"not drawn in the lateral view; valid: .*tibia"):
            draw_view(ax, "lateral", highlighted=["deltoid_ligament"])
        with pytest.raises(ValueError, match="valid views"):
            draw_view(ax, "sole")
        with pytest.raises(ValueError, match="hidden layer"):
            draw_view(ax, "lateral", ["bones"], ["achilles_tendon"])


@pytest.mark.parametrize("view", VIEWS)
def test_svg_gives_every_structure_its_id_and_accessible_name(view: str) -> None:
    svg = render_svg(view)
    names = load_content().structures
    for sid in visible_ids(load_view(view), LAYERS):
        pattern = (
            rf'<g id="{sid}" class="structure kind-{names[sid].kind}" data-structure="{sid}">'
            rf"<title>{re.escape(names[sid].name)}</title>"
        )
        assert re.search(pattern, svg), sid
        assert f'<g id="label-{sid}" class="label" data-structure="{sid}"' in svg
    assert svg.startswith("<svg ")
    assert "<title>" in svg.split(">", 2)[1] + ">"
    assert f"<desc>{alt_text(view)}</desc>".replace("&", "&amp;")[:60] in svg


def test_svg_is_cached_per_view_and_layer_set() -> None:
    first = render_svg("medial", ["bones", "ligaments"])
    assert render_svg("medial", ["ligaments", "bones"]) is first
    assert render_svg("medial", ["bones"]) is not first
    assert "deltoid_ligament" not in render_svg("medial", ["bones"])


def test_alt_text_is_generated_from_the_data() -> None:
    text = alt_text("lateral", ["bones", "ligaments"], ["anterior_talofibular_ligament"])
    assert text.startswith(load_view("lateral").title)
    assert "Layers shown: bones, ligaments." in text
    for sid in visible_ids(load_view("lateral"), ("bones", "ligaments")):
        assert load_content().structures[sid].name in text
    assert "Achilles" not in text
    assert "Highlighted: Anterior talofibular ligament (Part of the lateral collateral" in text
    assert "Achilles tendon" in alt_text("lateral", ["tendons"])


def test_technique_overlay_has_strokes_arrows_hand_cautions_and_legend() -> None:
    with matplotlib.rc_context(RC):
        _fig, ax = new_technique_figure("medial")
        artists = draw_technique(ax, "petrissage", "medial")
    gids = {a.get_gid() for a in ax.get_children()} | {
        a.get_gid() for a in ax.patches
    }  # fmt: skip
    assert {"stroke-0", "arrow-0", "hand", "avoid-tibia", "legend", "cautions"} <= gids
    assert "avoid-tibia" in artists
    svg = render_technique_svg("tendon_sustained_pressure")
    assert 'id="hold-0"' in svg
    assert 'id="light-touch-caution_dorsalis_pedis"' in svg
    alt = technique_alt_text("tendon_sustained_pressure")
    assert "Light touch only: over the foot pulse;" in alt
    assert "Keep off" not in alt
    assert "Never worked on directly: Tibia." in technique_alt_text("petrissage")
    friction = technique_alt_text("malleolar_friction", "medial")
    assert "drawn thin and light blue, for light touch only" in friction


def test_pressure_differs_between_techniques() -> None:
    gentle = render_technique_svg("achilles_strokes")
    firm = render_technique_svg("fingertip_friction")
    assert PRESSURE_STYLES["gentle"].colour.lower() in gentle.lower()
    assert PRESSURE_STYLES["firm_not_painful"].colour.lower() in firm.lower()


def test_technique_alt_text_carries_the_record() -> None:
    text = technique_alt_text("achilles_cross_fibre_friction")
    assert "fingertips" in text
    assert "across the fibres" in text
    assert "moderate" in text
    assert "Only for deeper tension, carefully, moderate pressure" in text


def test_motion_svg_has_a_pivot_inside_the_picture() -> None:
    for movement in ("dorsiflexion", "inversion"):
        svg, (px, py) = motion_svg(movement)
        width, height = (
            float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()
        )  # type: ignore[union-attr]
        assert 0 < px < width
        assert 0 < py < height


def test_both_movements_turn_the_whole_foot_below_the_joint() -> None:
    """Plantarflexion turns every foot bone below the ankle joint; inversion (a whole-foot
    figure: subtalar and midfoot joints) turns the forefoot with the heel bone, and the talus
    stays with the leg in both."""
    from course.diagrams.geometry import load_view

    for view, foot in (
        ("lateral", {"calcaneus", "navicular", "cuboid", "cuneiforms", "metatarsals"}),
        ("posterior", {"calcaneus", "metatarsals"}),
    ):
        motion = load_view(view).motion
        assert motion is not None
        assert foot <= set(motion.moving), view
        assert not {"tibia", "fibula"} & set(motion.moving), view
    assert "talus" not in load_view("posterior").motion.moving  # type: ignore[union-attr]
    svg, _pivot = motion_svg("inversion")
    assert 'data-structure="metatarsals"' in svg


def test_public_api_is_small_and_importable() -> None:
    from typing import get_args

    import course.diagrams as diagrams
    from course.content.models import View

    assert get_args(View) == diagrams.VIEWS  # the one View literal, in its order
    assert diagrams.VIEWS[:4] == ("lateral", "medial", "posterior", "dorsal")
    assert "ligaments" in diagrams.LAYERS
    assert "Deltoid ligament" in diagrams.alt_text("medial", ["ligaments"], ["deltoid_ligament"])
    assert "achilles_tendon" in diagrams.render_svg("posterior")


def test_inlined_svgs_carry_no_stylesheet_of_their_own() -> None:
    """Every SVG the browser is sent (explorer views, find quiz, technique, range of motion)
    has no ``<style>``: matplotlib's ``*{stroke-linejoin; stroke-linecap}`` would be a
    stylesheet of the whole page, restyling every element each time a picture is shown or
    removed (issue 25). Its defaults are inherited from the root instead."""
    from course.diagrams.browser import explorer_svg
    from course.diagrams.render import inline_defaults

    pictures = [
        explorer_svg("lateral"),
        render_svg("dorsal", None, "none"),
        render_technique_svg("thumb_circles"),
        motion_svg("dorsiflexion")[0],
    ]
    for svg in pictures:
        assert "<style" not in svg
        root = re.match(r"<svg [^>]*>", svg)
        assert root is not None
        assert 'stroke-linejoin="round"' in root.group(0)
        assert 'stroke-linecap="butt"' in root.group(0)
        # the only elements with joins or caps of their own are paths, as before
        assert set(re.findall(r"<(\w+)[^>]*stroke-line(?:join|cap)", svg[root.end() :])) <= {"path"}
    plain = '<svg width="1"><defs>\n <style type="text/css">*{a-b: c; e-f: g"h}</style></defs>\n'
    assert inline_defaults(plain) == '<svg a-b="c" e-f="g&quot;h" width="1">'
    assert inline_defaults('<svg width="1"><g/></svg>') == '<svg width="1"><g/></svg>'
