"""The ankle-course command line: assess, validate, lab; errors are one line with exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.cli import main
from course.content.loader import load_content


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_assess_prints_decision_refer_reasons_and_disclaimer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["assess", "--injury", "sprain", "--hours-since-injury", "24", "--swelling", "mild"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "DO_NOT_MASSAGE" in out
    assert "Refer to a professional: no" in out
    assert "[acute-injury]" in out
    assert "[mild-swelling]" in out
    assert "education, not diagnosis" in out


def test_assess_help_shows_every_default() -> None:
    from course.safety import Situation

    result = _run("assess", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    assert "[default: True]" in result.stdout  # --improving
    with_default = [f for f in Situation.model_fields.values() if f.default is not None]
    assert len(with_default) == len(Situation.model_fields) - 1  # all but --hours-since-injury
    assert result.stdout.count("[default:") == len(with_default) + 1  # and --json


def test_assess_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", "--fever", "--warmth", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["decision"] == "SEEK_URGENT_CARE"
    assert data["refer"] is True
    assert [r["rule"] for r in data["reasons"]] == ["infection", "spreading-infection"]


def test_assess_every_situation_field_has_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "assess",
        "--json",
        "--injury=strain",
        "--hours-since-injury=100",
        "--swelling=mild",
        "--no-sudden-swelling",
        "--no-warmth",
        "--redness",
        "--no-fever",
        "--no-red-streaks",
        "--pain=5",
        "--no-unexplained-pain",
        "--no-dvt-diagnosed",
        "--no-dvt-signs",
        "--no-sharp-pain-during",
        "--discomfort-days=9",
        "--no-improving",
        "--skin-problem",
        "--varicose-veins",
        "--blood-thinners",
        "--reduced-sensation",
    ]
    assert main(args) == 0
    rules = {r["rule"] for r in json.loads(capsys.readouterr().out)["reasons"]}
    assert rules == {
        "unsettled-injury",
        "mild-swelling",
        "moderate-pain",
        "persistent",
        "local-skin",
        "varicose",
        "blood-thinners",
        "reduced-sensation",
        "wound-without-feeling",
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["assess", "--pain", "11"], "--pain: Input should be less than or equal to 10"),
        (["assess", "--pain", "x"], "--pain"),
        (["assess", "--injury", "sprain"], "--hours-since-injury: required"),
        (["assess", "--hours-since-injury", "4"], "--hours-since-injury: must be left out"),
        (["assess", "--swelling", "huge"], "--swelling"),
        (["assess", "--discomfort-days", "-1"], "--discomfort-days"),
        (["assess", "--bogus"], "No such option: --bogus"),
        (["nonsense"], "No such command"),
    ],
)
def test_wrong_input_exits_2_with_one_line(args: list[str], expected: str) -> None:
    result = _run(*args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ankle-course: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_validate_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    for label in (
        "content",
        "lesson sections",
        "self-check questions",
        "diagram geometry and technique overlays",
        "situation labels",
    ):
        assert f"ok {label}" in out
    content = load_content()
    assert f"{len(content.rules)} safety rules, {len(content.lessons)} lessons" in out


def test_validate_fails_on_broken_content(
    monkeypatch: pytest.MonkeyPatch, content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from course import validate
    from course.content import loader

    (content_copy / "anatomy.yaml").write_text("schema_version: 2\n", encoding="utf-8")
    monkeypatch.setattr(loader, "load_content", lambda: loader._load(content_copy))
    monkeypatch.setattr(
        validate, "VALIDATORS", (("content", "course.content.loader:load_content"),)
    )
    assert main(["validate"]) == 1
    captured = capsys.readouterr()
    assert "FAILED content" in captured.out
    assert "anatomy.yaml: record -: field schema_version: 2 is not supported" in captured.err


@pytest.mark.parametrize(
    ("key", "drop", "message"),
    [
        ("scenario.fields", "blood_thinners", "field fields.blood_thinners: missing label"),
        ("scenario.choices", "injury", "field choices.injury: missing label for 'none'"),
    ],
)
def test_validate_finds_a_situation_field_without_its_label(
    monkeypatch: pytest.MonkeyPatch, key: str, drop: str, message: str
) -> None:
    """A new Situation field needs its scenario-explorer label in study.yaml (validate says so)."""
    from course.content import text
    from course.validate import check_situation_labels

    real = text.texts

    def without(asked: str) -> object:
        found = real(asked)
        return {k: v for k, v in found.items() if k != drop} if asked == key else found

    monkeypatch.setattr(text, "texts", without)
    with pytest.raises(ValueError, match=f"study.yaml: record scenario: {message}"):
        check_situation_labels()


def test_lab_dry_run_prepares_the_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "mine"
    assert (
        main(["lab", "--dir", str(workspace), "--no-browser", "--port", "8999", "--dry-run"]) == 0
    )
    out = capsys.readouterr().out
    assert "jupyterlab" in out
    assert f"--ServerApp.root_dir={workspace}" in out
    assert "--LabApp.default_url=/lab/tree/00_welcome.ipynb" in out
    assert "--ServerApp.port=8999" in out
    assert "--no-browser" in out
    assert ("--allow-root" in out) == (os.geteuid() == 0)
    # learner mode: nbgrader's server side off, the course's own config folder for the page
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in out
    assert f"\nJUPYTER_CONFIG_PATH={workspace / '.ankle-course-jupyter'}" in out
    page_config = json.loads(
        (workspace / ".ankle-course-jupyter" / "labconfig" / "page_config.json").read_text()
    )
    assert page_config["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    assert sorted(p.name for p in workspace.glob("*.ipynb")) == sorted(
        p.name for p in (Path(__file__).parent.parent / "notebooks").glob("*.ipynb")
    )


def test_lab_reports_a_course_folder_it_cannot_prepare_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["lab", "--dir", str(blocker / "ws"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ankle-course: error: cannot create the course folder {blocker}/ws")
    assert len(err.strip().splitlines()) == 1
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / ".ankle-course-jupyter").write_text("x", encoding="utf-8")
    assert main(["lab", "--dir", str(workspace), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"ankle-course: error: cannot write the course's JupyterLab settings in {workspace}"
    )
    assert "Traceback" not in err


def test_lab_rejects_a_bad_port() -> None:
    result = _run("lab", "--port", "70000", "--dry-run")
    assert result.returncode == 2
    assert "--port" in result.stderr


def test_app_takes_an_address_a_base_url_and_voila_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["app", "--dry-run", "--no-browser", "--ip", "0.0.0.0", "--base-url", "/course/app/"]
    assert main([*args, "--Voila.tornado_settings={'x': 1}"]) == 0
    printed = capsys.readouterr().out
    assert printed.rstrip().endswith("--Voila.tornado_settings={'x': 1}")  # passed through, last
    out = printed.split()
    assert "--Voila.ip=0.0.0.0" in out
    assert "--Voila.base_url=/course/app/" in out
    assert "--strip_sources=True" in out
    assert main(["app", "--dry-run"]) == 0
    assert "--Voila.ip=127.0.0.1" in capsys.readouterr().out  # localhost unless asked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "course"], "--base-url must start and end with '/'"),
        (["stray"], "unexpected argument 'stray'"),
    ],
)
def test_app_refuses_bad_options_in_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["app", "--dry-run", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
