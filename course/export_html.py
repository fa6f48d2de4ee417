"""``ankle-course export-html DIR``: the learner series as static HTML, for reading offline.

Each notebook is executed (with a throw-away progress file, so the learner's own progress is
never touched) and converted with nbconvert. Widgets become their static fallback: diagrams
and charts as ``<img>`` with their alt text, quizzes as plain question lists.

The pages are really offline: the ``offline`` template (``course/export_template``) is
nbconvert's ``lab`` page without the scripts it would fetch from a CDN (require.js, MathJax,
Mermaid), and images are data URIs. The kernels talk to nbclient over local IPC sockets, not
TCP, so nothing is sent over the network and ipykernel has nothing to warn about.
"""

from __future__ import annotations

import base64
import contextlib
import html
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from course.errors import ExportError

__all__ = ["export_html", "lesson_notebooks", "static_outputs"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEMPLATE_DIR = Path(__file__).resolve().parent / "export_template"
TEMPLATE = "offline"


def lesson_notebooks(source: Path) -> list[Path]:
    """The lesson notebooks of a folder, in course order (``NN_name.ipynb``)."""
    return sorted(p for p in source.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def _img_html(png: str, alt: str) -> str:
    from course.display import img_tag

    return img_tag(png, alt)


def static_outputs(notebook: Any) -> Any:
    """Replace live-widget outputs by their static fallback; give every PNG an ``alt`` text.

    A widget output keeps its ``text/html`` (or image) fallback; a PNG without HTML becomes
    ``<img alt=...>`` using the alt text in its metadata or its ``text/plain``.
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            data.pop(WIDGET_VIEW, None)
            png = data.get("image/png")
            if png and "text/html" not in data:
                meta = output.get("metadata", {}).get("image/png", {})
                alt = meta.get("alt") if isinstance(meta, dict) else None
                alt = alt or data.get("text/plain", "")
                if isinstance(png, bytes):
                    png = base64.b64encode(png).decode("ascii")
                data["text/html"] = _img_html(str(png).strip(), str(alt))
    return notebook


_SCRATCH_ENV = "ANKLE_COURSE_EXPORT_SCRATCH"


@contextlib.contextmanager
def _scratch_progress() -> Iterator[dict[str, str]]:
    from course.progress.store import ENV_VAR

    with tempfile.TemporaryDirectory(prefix="ankle-export-") as tmp:
        env = dict(os.environ)
        env[ENV_VAR] = str(Path(tmp) / "progress.json")
        env[_SCRATCH_ENV] = tmp
        env.setdefault("MPLBACKEND", "Agg")
        yield env


def _ipc_kernel_config(scratch: Path) -> Any:
    """Kernel-manager settings: the kernel listens on IPC sockets in ``scratch``, never TCP."""
    from traitlets.config import Config

    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(scratch / "kernel")
    return config


def export_html(destination: Path, source: Path | None = None, timeout: int = 120) -> list[Path]:
    """Execute and convert every lesson notebook; returns the HTML files (index first)."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    from course.content.loader import load_content
    from course.content.resources import notebooks_dir
    from course.content.text import text

    source = source or notebooks_dir()
    notebooks = lesson_notebooks(source)
    if not notebooks:
        raise ExportError(text("export.missing", path=source))
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = exc.strerror or type(exc).__name__
        raise ExportError(text("export.no_folder", path=destination, problem=problem)) from None
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATE_DIR)]
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    written: list[Path] = []
    titles = {lesson.id: lesson.title for lesson in load_content().lessons}
    with _scratch_progress() as env:
        for path in notebooks:
            notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
            client = NotebookClient(
                notebook,
                config=_ipc_kernel_config(Path(env[_SCRATCH_ENV])),
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": str(source)}},
            )
            try:
                client.execute(env=env)
            except Exception as exc:
                problem = (
                    str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
                )
                raise ExportError(
                    text("export.failed", notebook=path.name, problem=problem)
                ) from None
            body, _resources = exporter.from_notebook_node(
                static_outputs(notebook),
                resources={"metadata": {"name": titles.get(path.stem, path.stem)}},
            )
            target = destination / f"{path.stem}.html"
            target.write_text(body, encoding="utf-8")
            written.append(target)
    index = destination / "index.html"
    title = html.escape(text("export.index_title"))
    items = "".join(
        f'<li><a href="{p.name}">{html.escape(titles.get(p.stem, p.stem))}</a></li>'
        for p in written
    )
    disclaimer = html.escape(load_content().disclaimer)
    index.write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><ol>{items}</ol><p><em>{disclaimer}</em></p>"
        "</body></html>\n",
        encoding="utf-8",
    )
    return [index, *written]
