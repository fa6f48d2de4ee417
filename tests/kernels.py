"""A ``python3`` kernelspec that runs this interpreter, for executing the course notebooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def this_python_kernel(root: Path) -> Path:
    """Write ``root/jupyter/kernels/python3``; return the folder to put on ``JUPYTER_PATH``."""
    spec = root / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (course venv)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return root / "jupyter"
