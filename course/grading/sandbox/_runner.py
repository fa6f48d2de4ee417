"""Inside the sandbox, as its unprivileged uid: execute the one submission notebook.

Passed as source text to ``python -I -c`` by ``_launch`` (the course package is not
inside the sandbox). Runs every cell with nbclient in a kernel started with its standard
streams closed (kernel output reaches the notebook through Jupyter messages only) over Unix
sockets (the sandbox has no network). Prints one JSON object on standard output: the executed
notebook and, when the run stopped early, why. This process makes itself non-dumpable first,
so the learner's code (same uid) cannot open its file descriptors through ``/proc``.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys


def _main() -> None:
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    out = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing else may write to the reply channel

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    request = json.loads(os.environ.pop("ANKLE_SANDBOX_REQUEST"))
    work = request["work"]
    with os.fdopen(int(request["notebook_fd"]), encoding="utf-8") as source:
        nb = nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call]
    runtime = os.path.join(work, ".jupyter-runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "TMPDIR", "LANG", "MALLOC_ARENA_MAX")
        if key in os.environ
    }
    env.update(
        JUPYTER_RUNTIME_DIR=runtime,
        IPYTHONDIR=os.path.join(work, ".ipython"),
        MPLCONFIGDIR=os.path.join(work, ".matplotlib"),
        NBGRADER_EXECUTION="autograde",
    )
    os.environ.update(env)
    km = KernelManager(
        kernel_name=request.get("kernel_name", "python3"),
        transport="ipc",
        ip=os.path.join(runtime, "kernel"),
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=int(request["cell_timeout"]),
        startup_timeout=int(request["startup_timeout"]),
        allow_errors=True,
        interrupt_on_timeout=True,
        raise_on_iopub_timeout=False,
        resources={"metadata": {"path": work}},
    )
    problem = None
    try:
        client.execute(
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=work,
        )
    except CellTimeoutError:
        problem = "a cell ran longer than the time limit and could not be interrupted"
    except DeadKernelError:
        problem = "the kernel died (a resource limit was reached, or the code ended it)"
    except Exception as exc:  # the reply says why; the parent flags the submission
        problem = f"execution failed: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    text = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    reply = json.dumps({"notebook": text, "problem": problem})
    with os.fdopen(out, "w", encoding="utf-8") as handle:
        handle.write(reply)
    sys.exit(0)


if __name__ == "__main__":
    _main()
