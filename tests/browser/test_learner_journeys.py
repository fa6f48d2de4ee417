"""What a learner does in JupyterLab, in a real browser: run lessons, use the diagrams with
mouse and keyboard, step through techniques, answer self-checks, watch progress change.

One JupyterLab server for the module, one Chromium for the session. Each step is saved as a
screenshot under ``artifacts/screenshots/<journey>/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import VIEWPORT
from harness import Server
from notebook_ui import (
    NOTEBOOK,
    SHOWN_PICTURE,
    Shots,
    cell_output,
    click_structure,
    diagram,
    error_outputs,
    info_panel,
    keyboard_select_structure,
    mark_scope,
    open_notebook,
    run_all_cells,
    structure,
    tab_to,
)

from course.content.loader import load_content
from course.content.text import text, ui_text
from course.diagrams.draw import visible_ids
from course.diagrams.geometry import load_view
from course.diagrams.overlays import technique_views
from course.diagrams.palette import LAYERS
from course.diagrams.text import technique_alt_text
from course.widgets.logic import info_panels, technique_announcement

# The structures a learner sees: the explorer keeps every layer in its picture and hides the
# ones switched off, so "drawn" means rendered (not display: none).
SHOWN = """(svg) => [...svg.querySelectorAll('g.structure[data-structure]')]
  .filter(g => getComputedStyle(g).display !== 'none').map(g => g.dataset.structure)"""


def _ids_in(svg: Any) -> set[str]:
    ids: list[str] = svg.evaluate(SHOWN)
    return set(ids)


def _lesson_title(lesson_id: str) -> str:
    return next(lesson.title for lesson in load_content().lessons if lesson.id == lesson_id)


def _name(structure_id: str) -> str:
    return load_content().structures[structure_id].name


@pytest.fixture(scope="module")
def welcome(browser: Any, lab: Server) -> Iterator[Any]:
    """00_welcome opened and run once; the tests below act on it in turn like one learner."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    open_notebook(tab, lab, "00_welcome.ipynb")
    run_all_cells(tab)
    yield tab
    context.close()


def test_welcome_runs_without_errors(welcome: Any) -> None:
    page = welcome
    shots = Shots("00_welcome")
    shots(page, "welcome run")
    assert error_outputs(page) == []
    assert page.page_errors == []
    header = _lesson_title("00_welcome")
    page.locator(f"{NOTEBOOK} .jp-OutputArea").get_by_text(header).first.wait_for()
    assert load_content().disclaimer in page.locator(NOTEBOOK).inner_text()
    summary = cell_output(page, "progress.ProgressSummary()")
    summary.get_by_text(text("progress.heading")).wait_for()
    shots(page, "progress summary", element=summary)


def _question(page: Any, question_id_text: str) -> Any:
    """The self-check question card whose prompt contains ``question_id_text``."""
    return page.locator(f"{NOTEBOOK} .ankle-question").filter(has_text=question_id_text).last


def _check(card: Any) -> Any:
    """The card's Check button: its name says which question it checks."""
    number = card.locator("legend strong").inner_text()
    name = text("quiz.button_name", action=text("quiz.check"), question=number)
    return card.get_by_role("button", name=name, exact=True)


def test_self_check_gives_feedback_right_and_wrong(welcome: Any) -> None:
    page = welcome
    shots = Shots("self_check")
    card = _question(page, "this course can tell you what is wrong")
    card.scroll_into_view_if_needed()
    # the question is the name of its group of options
    group = card.get_by_role("group", name=card.locator("legend").inner_text())
    group.get_by_role("radio", name=text("quiz.true"), exact=True).check()
    _check(card).click()
    feedback = card.locator(".ankle-question-feedback[role=status]")
    feedback.get_by_text(text("quiz.incorrect")).wait_for()
    shots(page, "wrong answer", element=card)
    card.get_by_role("radio", name=text("quiz.false"), exact=True).check()
    _check(card).click()
    feedback.get_by_text(text("quiz.correct"), exact=True).wait_for()
    assert "education, not diagnosis" in feedback.inner_text()
    shots(page, "right answer", element=card)


def test_progress_summary_changes_after_a_self_check(welcome: Any) -> None:
    page = welcome
    shots = Shots("progress")
    summary = cell_output(page, "progress.ProgressSummary()")
    title = _lesson_title("00_welcome")
    row = summary.locator("tr").filter(has_text=title).first
    before = row.inner_text()
    card = _question(page, "What is the massage in this course meant for?")
    card.scroll_into_view_if_needed()
    card.get_by_role("radio").first.check()
    _check(card).click()
    feedback = card.locator(".ankle-question-feedback")
    feedback.get_by_text(text("quiz.correct"), exact=True).wait_for()
    summary.get_by_role("button", name=text("progress.refresh")).click()
    page.wait_for_function(
        "([row, before]) => row.innerText !== before", arg=[row.element_handle(), before]
    )
    after = row.inner_text()
    assert after != before
    shots(page, "summary after a self-check", element=summary)


def test_anatomy_views_layers_click_and_keyboard(page: Any, lab: Server) -> None:
    shots = Shots("01_anatomy")
    explorer, scope = _first_explorer(page, lab, "anatomy-explorer")
    assert error_outputs(page) == []
    assert _ids_in(diagram(page, scope)) == set(visible_ids(load_view("lateral"), ("bones",)))
    shots(page, "lateral bones", element=explorer)

    # switch views: the View menu, as a learner picks it
    explorer.get_by_label(ui_text("explorer.view")).select_option(label=ui_text("views.medial"))
    medial = set(visible_ids(load_view("medial"), ("bones",)))
    page.wait_for_function(
        f"""([scope, want]) => {{ const svg = document.querySelector(scope + ' {SHOWN_PICTURE}');
        if (!svg) return false;
        const ids = ({SHOWN})(svg).sort();
        return JSON.stringify(ids) === JSON.stringify(want); }}""",
        arg=[scope, sorted(medial)],
    )
    shots(page, "medial view", element=explorer)

    # toggle a layer on and off
    ligaments = explorer.get_by_role("checkbox", name=ui_text("layers.ligaments"), exact=True)
    ligaments.check()
    with_ligaments = set(visible_ids(load_view("medial"), ("bones", "ligaments")))
    assert "deltoid_ligament" in with_ligaments
    structure(page, scope, "deltoid_ligament").wait_for()
    assert _ids_in(diagram(page, scope)) == with_ligaments
    shots(page, "ligaments on", element=explorer)

    # click a ligament: the info panel names it
    click_structure(page, scope, "deltoid_ligament")
    panel = info_panel(page, scope)
    panel.get_by_text(_name("deltoid_ligament")).first.wait_for()
    shots(page, "clicked the deltoid ligament", element=explorer)

    ligaments.uncheck()
    page.wait_for_function(
        f"([scope, id]) => !({SHOWN})(document.querySelector(`${{scope}} {SHOWN_PICTURE}`))"
        ".includes(id)",
        arg=[scope, "deltoid_ligament"],
    )
    assert _ids_in(diagram(page, scope)) == medial

    # keyboard only: Tab into the diagram, arrow keys to the calcaneus, Enter
    page.locator(f"{NOTEBOOK} .jp-Cell").first.click()  # a learner's starting point above
    keyboard_select_structure(page, scope, "calcaneus")
    panel.get_by_text(_name("calcaneus")).first.wait_for()
    focused = page.evaluate("() => document.activeElement.dataset.structure")
    assert focused == "calcaneus"
    shots(page, "calcaneus chosen with the keyboard", element=explorer)

    # keyboard only: Tab to the search box, type another word for a structure, Enter
    search = explorer.get_by_label(ui_text("explorer.search"))
    tab_to(page, search)
    page.keyboard.type(load_content().structures["talus"].synonyms[0])
    page.keyboard.press("Enter")
    panel.get_by_text(_name("talus")).first.wait_for()
    assert "is-selected" in (structure(page, scope, "talus").get_attribute("class") or "")
    shots(page, "talus found by another name", element=explorer)

    # the widgets' stylesheets (static/*.css, anywidget's _css) apply on the page
    assert panel.evaluate("(el) => getComputedStyle(el).borderLeftStyle") == "solid"
    motion = cell_output(page, "widgets.RangeOfMotion()")
    views = motion.locator(".ankle-motion-views")
    views.wait_for()
    assert views.evaluate("(el) => getComputedStyle(el).display") == "flex"
    # the rows wrap at 320 px (motion.css)
    row = motion.locator(".ankle-motion-control").first
    assert row.evaluate("(el) => getComputedStyle(el).display") == "flex"
    slider = motion.get_by_label(ui_text("motion.dorsiflexion"))
    slider.focus()
    page.keyboard.press("ArrowRight")  # the slider keeps the key (and the focus) in the notebook
    page.wait_for_function(
        "(el) => el.getAttribute('aria-valuetext') !== null && el.value === '1'",
        arg=slider.element_handle(),
    )
    assert slider.get_attribute("aria-valuetext") == ui_text("motion.dorsiflexion_value", degrees=1)
    assert slider.evaluate("(el) => document.activeElement === el")
    shots(page, "range of motion after one step", element=motion)

    quiz = cell_output(page, "widgets.FindOnDiagramQuiz(")
    quiz_scope = mark_scope(quiz, "find-on-diagram")
    tibia = structure(page, quiz_scope, "tibia")  # the first structure the quiz asks for
    tibia.scroll_into_view_if_needed()
    tibia.focus()  # (a click may land on the fibula drawn over it)
    page.keyboard.press("Enter")
    page.wait_for_function("(g) => g.classList.contains('mark-found')", arg=tibia.element_handle())
    found = tibia.locator("path").first.evaluate("(p) => getComputedStyle(p).stroke")
    assert found == "rgb(0, 158, 115)"  # diagram.css: a found structure, bluish green
    shots(page, "find on diagram: the tibia found", element=quiz)


def _first_explorer(page: Any, lab: Server, name: str) -> tuple[Any, str]:
    """Lesson 01 run, its first explorer (lateral, bones) scrolled into view: the explorer's
    output and its scope, marked ``name``."""
    open_notebook(page, lab, "01_anatomy.ipynb")
    run_all_cells(page)
    explorer = cell_output(page, 'widgets.AnkleExplorer(view="lateral", layers=["bones"])')
    scope = mark_scope(explorer, name)
    diagram(page, scope).scroll_into_view_if_needed()
    return explorer, scope


# Where the output under an explorer starts (in a section's cell: the table after the widget),
# from the explorer's own top, so scrolling does not count; and the heights of the info panel's
# content and of the picture shown, which the panel and the figure now hold at their tallest.
_BELOW_JS = """(area) => {
  const top = (el) => el.getBoundingClientRect().top;
  const explorer = area.querySelector('.ankle-diagram');
  const panel = explorer.querySelector('.ankle-info');
  const picture = explorer.querySelector('.ankle-view.is-shown > svg');
  return {
    below: top(explorer.closest('.jp-OutputArea-child').nextElementSibling) - top(explorer),
    content: panel.lastElementChild.getBoundingClientRect().bottom - top(panel),
    picture: picture.getBoundingClientRect().height,
    figure: explorer.querySelector('.ankle-figure').getBoundingClientRect().height,
  };
}"""


def test_the_page_below_an_explorer_stays_put(page: Any, lab: Server) -> None:
    """A selection with a shorter description, or a view of a flatter shape, does not move
    what follows the explorer back up: the info panel and the figure keep the tallest height
    they have had (each jump made the browser repaint every cell below; issue 25)."""
    explorer, scope = _first_explorer(page, lab, "steady-explorer")
    panels = info_panels("lateral", LAYERS)
    length = {  # of each description's text
        sid: len(re.sub(r"<[^>]+>", "", panels[sid]))
        for sid in visible_ids(load_view("lateral"), ("bones",))
    }
    longest, shortest = max(length, key=length.__getitem__), min(length, key=length.__getitem__)
    node = explorer.element_handle()

    def select(sid: str) -> dict[str, float]:
        click_structure(page, scope, sid)
        info_panel(page, scope).get_by_text(_name(sid)).first.wait_for()
        measured: dict[str, float] = page.evaluate(_BELOW_JS, node)
        return measured

    long_, short = select(longest), select(shortest)
    assert short["content"] < long_["content"] - 10, (longest, shortest, long_, short)
    assert short["below"] == long_["below"], "the output below moved back up"
    assert select(longest)["below"] == long_["below"]

    view = explorer.get_by_label(ui_text("explorer.view"))
    shapes = {}
    for name in ("lateral", "medial", "lateral", "medial"):
        view.select_option(label=ui_text(f"views.{name}"))
        page.wait_for_function(
            "([scope, title]) => document.querySelector(scope + ' .ankle-view.is-shown > svg > "
            "title')?.textContent === title",
            arg=[scope, load_view(name).title],
        )
        shapes.setdefault(name, []).append(page.evaluate(_BELOW_JS, node))
    pictures = {name: got[0]["picture"] for name, got in shapes.items()}
    assert abs(pictures["lateral"] - pictures["medial"]) > 5, pictures  # shapes that differ
    belows = {got["below"] for seen in shapes.values() for got in seen}
    assert len(belows) == 1, shapes
    figures = [got["figure"] for seen in shapes.values() for got in seen]
    tallest = max(pictures.values())
    assert all(abs(height - tallest) < 0.5 for height in figures), (figures, pictures)


# Each message the page sends a kernel (JupyterLab's kernel WebSocket) whose text names
# `key`, timed; and the first change inside `figure` and the page's first and second
# animation frames after it, timed when their callbacks run.
_RECORD_JS = """([figure, key]) => {
  const log = (window.__ankleLog = { sends: [], frames: [] });
  const send = WebSocket.prototype.send;
  window.__ankleSend = send;
  WebSocket.prototype.send = function (data) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    if (text.includes(key)) log.sends.push(performance.now());
    return send.call(this, data);
  };
  const observer = new MutationObserver(() => {
    observer.disconnect();
    log.changed = performance.now();
    const now = () => log.frames.push(performance.now());
    requestAnimationFrame(() => { now(); requestAnimationFrame(now); });
  });
  observer.observe(document.querySelector(figure), { subtree: true, attributes: true });
}"""


def test_a_change_reaches_python_after_it_is_painted(page: Any, lab: Server) -> None:
    """A layer switched in the explorer is saved to Python after the frame that paints it, not
    before: the kernel's replies would otherwise hold that frame back (issue 25). It still
    reaches Python (the explorer's message, written by Python, counts the new structures),
    also in a page that draws no frames (a hidden tab)."""
    explorer, scope = _first_explorer(page, lab, "save-explorer")
    ligaments = explorer.get_by_role("checkbox", name=ui_text("layers.ligaments"), exact=True)

    def python_counts(layers: tuple[str, ...]) -> None:
        count = len(visible_ids(load_view("lateral"), layers))
        words = ui_text("explorer.showing", view=ui_text("views.lateral"), count=count)
        explorer.get_by_text(words, exact=True).wait_for()

    page.evaluate(_RECORD_JS, [f"{scope} .ankle-figure", '"layers"'])
    ligaments.check()
    python_counts(("bones", "ligaments"))
    log = page.evaluate("() => window.__ankleLog")
    assert len(log["sends"]) == 1, log  # one message for the change
    assert len(log["frames"]) == 2, log
    assert log["changed"] <= log["frames"][0] <= log["frames"][1] <= log["sends"][0], log

    # no animation frames at all: the change is still saved, on a timer
    page.evaluate(
        "() => { window.__ankleFrame = requestAnimationFrame; requestAnimationFrame = () => 0; }"
    )
    try:
        ligaments.uncheck()
        python_counts(("bones",))
    finally:
        page.evaluate(
            "() => { requestAnimationFrame = window.__ankleFrame;"
            " WebSocket.prototype.send = window.__ankleSend; }"
        )


def test_core_techniques_step_through_routine_and_play(page: Any, lab: Server) -> None:
    shots = Shots("03_core_techniques")
    open_notebook(page, lab, "03_core_techniques.ipynb")
    run_all_cells(page)
    assert error_outputs(page) == []
    demo = cell_output(page, 'widgets.TechniqueDemo(technique="effleurage")')
    scope = mark_scope(demo, "technique-demo")
    ordered = sorted(load_content().techniques, key=lambda t: t.order)
    total = len(ordered)

    def heading(n: int) -> str:
        return ui_text("technique.step_of", n=n, total=total, name=ordered[n - 1].name)

    demo.get_by_role("heading", name=heading(1)).wait_for()
    demo.scroll_into_view_if_needed()
    shots(page, "effleurage", element=demo)
    previous = demo.get_by_role("button", name=ui_text("technique.previous"), exact=True)
    following = demo.get_by_role("button", name=ui_text("technique.next"), exact=True)
    announcer = demo.locator(".ankle-nav [role=status]")
    assert previous.get_attribute("aria-disabled") == "true"

    # the whole routine with the keyboard: Tab to "Next technique", then Enter at each step;
    # the focus stays on the button and the new technique is announced
    tab_to(page, following)
    has_focus = "(el) => document.activeElement === el"
    for n in range(2, total + 1):
        page.keyboard.press("Enter")
        demo.get_by_role("heading", name=heading(n)).wait_for()
        page.wait_for_function(
            "([el, text]) => el.textContent.startsWith(text + '.')",
            arg=[announcer.element_handle(), heading(n)],
        )
        assert following.evaluate(has_focus)
        figure = page.locator(f"{scope} .ankle-figure").first
        tid = ordered[n - 1].id
        # more than a name: what the technique is for, the view and how many strokes
        said = {technique_announcement(tid, view) for view in technique_views(tid)}
        assert announcer.text_content() in said
        alts = {technique_alt_text(tid, view) for view in technique_views(tid)}
        assert figure.get_attribute("aria-label") in alts
        if n == 3:
            shots(page, f"step {n} {ordered[n - 1].id}", element=demo)
    assert following.get_attribute("aria-disabled") == "true"
    page.keyboard.press("Enter")  # nothing after the last one, and the focus stays
    assert following.evaluate(has_focus)
    shots(page, "last technique", element=demo)
    previous.click()
    demo.get_by_role("heading", name=heading(total - 1)).wait_for()
    for _ in range(total - 2):
        previous.click()
    demo.get_by_role("heading", name=heading(1)).wait_for()

    # play the strokes: a toggle button, pressed while the stroke is drawn progressively
    play = demo.get_by_role("button", name=ui_text("technique.play"))
    assert play.get_attribute("aria-pressed") == "false"
    play.click()
    demo.get_by_role("button", name=ui_text("technique.play"), pressed=True).wait_for()
    offsets: list[str] = []
    stroke = diagram(page, scope).locator('g[id*="-stroke-"] path').first
    page.wait_for_function(
        "(path) => path.style.strokeDashoffset !== '' && parseFloat(getComputedStyle(path)"
        ".strokeDashoffset) > 0",
        arg=stroke.element_handle(),
    )
    offsets.append(stroke.evaluate("(p) => getComputedStyle(p).strokeDashoffset"))
    shots(page, "playing the strokes", element=demo)
    page.wait_for_function(
        "([path, first]) => getComputedStyle(path).strokeDashoffset !== first",
        arg=[stroke.element_handle(), offsets[0]],
    )
    demo.get_by_role("button", name=ui_text("technique.play"), pressed=False).wait_for(
        timeout=30_000
    )
    status = demo.locator(".ankle-diagram > .ankle-sr-only[role=status]")
    assert ui_text("technique.played") in status.inner_text()
    assert stroke.evaluate("(p) => p.style.strokeDasharray") == ""
    shots(page, "played", element=demo)


def test_practice_by_keyboard_only(page: Any, lab: Server) -> None:
    """Lesson 05's practice: Tab into the decision group, arrow keys to "I don't know", Space
    on Check (the verdict is announced, the focus stays on Check), then Next case (the new
    case is announced and the focus is on its first choice)."""
    shots = Shots("practice")
    open_notebook(page, lab, "05_safety.ipynb")
    run_all_cells(page)
    assert error_outputs(page) == []
    widget = page.locator(f"{NOTEBOOK} .ankle-practice").first
    widget.scroll_into_view_if_needed()
    story = widget.locator(".ankle-practice-story")
    first_story = story.inner_text()
    assert first_story
    group = widget.get_by_role("group", name=text("practice.decision_legend"))
    radios = group.get_by_role("radio")
    assert radios.count() == len(load_content().decisions) + 1
    tab_to(page, group)
    page.keyboard.press("ArrowUp")  # from the first choice round to the last: I don't know
    assert group.get_by_role("radio", name=text("practice.dont_know")).is_checked()
    check = widget.get_by_role("button", name=text("practice.check"))
    tab_to(page, check)
    page.keyboard.press("Space")
    feedback = widget.locator(".ankle-practice-feedback[role=status]")
    feedback.get_by_text(text("practice.dont_know_feedback")).wait_for()
    assert "The policy says" in feedback.inner_text()
    assert page.evaluate("(el) => el === document.activeElement", check.element_handle())
    shots(page, "I don't know: the explanation", element=widget)
    next_case = widget.get_by_role("button", name=text("practice.next"))
    tab_to(page, next_case)
    page.keyboard.press("Enter")
    feedback.get_by_text(text("practice.new_case", number=2)).wait_for()
    page.wait_for_function(
        "([el, before]) => el.innerText !== before", arg=[story.element_handle(), first_story]
    )
    page.wait_for_function(
        "(group) => group.contains(document.activeElement)"
        " && document.activeElement.type === 'radio'",
        arg=group.element_handle(),
    )
    shots(page, "the next case", element=widget)
