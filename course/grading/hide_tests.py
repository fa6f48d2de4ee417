"""An nbgrader preprocessor that keeps hidden tests and answer keys out of feedback.

nbgrader's own ``GenerateFeedback`` (``nbgrader generate_feedback``, formgrader's "generate
feedback" button) renders the *autograded* notebook, whose test cells hold the instructor's
hidden tests, expected values included, and their failure tracebacks. ``grading/
nbgrader_config.py`` adds :class:`HideTests` to ``GenerateFeedback.preprocessors`` after
``GetGrades`` (which needs the cells' grade ids, not their source), so even plain nbgrader
feedback never shows a key: every autograder test cell loses its source and outputs (its
points stay), and any hidden-test block left in another cell is cut out.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import ClearHiddenTests
from traitlets import Bool


class HideTests(Preprocessor):
    """Remove autograder test cells' source and outputs and every hidden-test block."""

    enabled = Bool(True, help="Hide hidden tests and test outputs in feedback.").tag(config=True)

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        delimiters = ClearHiddenTests(parent=self)
        self._begin = delimiters.begin_test_delimeter
        self._end = delimiters.end_test_delimeter
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = ""
            if cell.get("cell_type") == "code":
                cell.outputs = []
                cell.execution_count = None
            return cell, resources
        cell.source = self._without_hidden_tests(cell.get("source", ""))
        return cell, resources

    def _without_hidden_tests(self, source: str) -> str:
        kept: list[str] = []
        hidden = False
        for line in source.splitlines(keepends=True):
            if self._begin in line:
                hidden = True
            elif self._end in line and hidden:
                hidden = False
            elif not hidden:
                kept.append(line)
        return "".join(kept)
