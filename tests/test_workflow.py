"""The GitHub Pages workflow and the system-package script it shares with CI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
INSTALL = ROOT / ".ci" / "install-system-packages.sh"
TEX_SUBSET = ["latexmk", "texlive-latex-recommended", "texlive-latex-extra",
              "texlive-fonts-recommended", "tex-gyre", "poppler-utils"]


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(PAGES.read_text(encoding="utf-8"))


def actionlint(system_tool) -> str:
    beside = Path(sys.executable).with_name("actionlint")
    return system_tool("actionlint", "to lint the workflows (pip: see requirements.txt)",
                       path=str(beside))


def steps(workflow: dict):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def test_actionlint_passes(system_tool):
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert PAGES in files
    result = subprocess.run([actionlint(system_tool), "-no-color", "-oneline", *map(str, files)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(system_tool, tmp_path):
    broken = PAGES.read_text(encoding="utf-8").replace("runs-on: ubuntu-24.04", "runs-onn: ubuntu-24.04", 1)
    (tmp_path / "broken.yml").write_text(broken, encoding="utf-8")
    result = subprocess.run([actionlint(system_tool), "-no-color", "-oneline", str(tmp_path / "broken.yml")],
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_runs_on_push_to_main(workflow):
    # PyYAML reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]


def test_every_action_is_pinned_to_a_commit(workflow):
    lines = PAGES.read_text(encoding="utf-8").splitlines()
    uses = [line for line in lines if re.match(r"\s*(-\s*)?uses:", line)]
    assert uses
    for line in uses:
        assert re.search(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_permissions_are_least_privilege(workflow):
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_builds_html_and_pdf_from_a_clean_checkout(workflow):
    build = workflow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in build]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    assert uses[0] == "actions/checkout"
    assert build[0].get("with", {}).get("persist-credentials") is False
    setup = next(s for s in build if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    order = [next(i for i, r in enumerate(runs) if cmd in r)
             for cmd in (".ci/install-system-packages.sh", "make build", "make pdf")]
    assert order == sorted(order)
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    deploy = [s.get("uses", "") for s in workflow["jobs"]["deploy"]["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in deploy)


def test_no_repository_address_is_hard_coded():
    """The repository's address lives in _config.yml's `repository:` block only."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "url" in config["repository"]
    text = PAGES.read_text(encoding="utf-8")
    assert not re.search(r"https?://github\.com/", text)
    if not config["repository"]["url"]:
        html = config.get("html", {})
        for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
            assert not html.get(button), f"{button} needs repository.url"


def test_install_script_is_valid_and_lists_the_tex_subset():
    subprocess.run(["bash", "-n", str(INSTALL)], check=True)
    text = INSTALL.read_text(encoding="utf-8")
    for package in [*TEX_SUBSET, "chromium"]:
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", text), package
    assert "--no-install-recommends" in text
    result = subprocess.run(["bash", str(INSTALL), "--no-such-option"], capture_output=True, text=True)
    assert result.returncode == 2
