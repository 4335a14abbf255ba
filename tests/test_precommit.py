"""heatlint as a pre-commit hook: --changed-only, and the real `pre-commit try-repo` against
temporary git repositories holding a good and a broken deployment, in both layouts (a system-root
copy rootfs/etc/apache2/… and loose httpd/*.conf + uwsgi/*.ini files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.cli import main
from treeutil import write_tree as write


ROOT = Path(__file__).resolve().parent.parent  # the repository
WORKING = ROOT / "examples" / "heat-working" / "etc"
# Loose files: Heat's Apache snippet and uwsgi ini from the working example (kept clean under every
# rule by test_examples), and the same with the socket path changed on the uwsgi side only.
GOOD_LOOSE = {
    "deploy/heat/httpd/heat-api.conf": (WORKING / "apache2/sites-available/heat-api.conf").read_text(),
    "deploy/heat/uwsgi/heat-api-uwsgi.ini": (WORKING / "heat/heat-api-uwsgi.ini").read_text(),
}
BROKEN_LOOSE = {**GOOD_LOOSE, "deploy/heat/uwsgi/heat-api-uwsgi.ini":
                GOOD_LOOSE["deploy/heat/uwsgi/heat-api-uwsgi.ini"].replace("heat-api.socket", "heat.sock")}
GIT = shutil.which("git")



def repository(root: Path, rootfs: str, loose: dict[str, str]) -> Path:
    """A configuration repository: rootfs/ (a copy of an example system root) and loose files."""
    shutil.copytree(ROOT / "examples" / rootfs, root / "rootfs", symlinks=True)
    return write(root, loose)


def check(*args: str):
    return CliRunner().invoke(main, ["check", *args], env={"GITHUB_ACTIONS": None})


# -- --changed-only, in process -----------------------------------------------------------------

def test_changed_only_checks_the_deployments_that_hold_a_changed_file(tmp_path, monkeypatch):
    repo = repository(tmp_path, "heat-working", BROKEN_LOOSE)
    monkeypatch.chdir(repo)
    rootfs_file = "rootfs/etc/apache2/sites-available/heat-api.conf"
    result = check("--changed-only", rootfs_file)  # the good system root only
    assert result.exit_code == 0 and "1 deployment(s)" in result.stdout
    result = check("--changed-only", "deploy/heat/httpd/heat-api.conf")  # the loose files, all of them
    assert result.exit_code == 1 and "HL302" in result.stdout and "2 file(s)" in result.stdout
    assert "heat-api-uwsgi.ini" in result.stdout  # the finding's partner file, which did not change
    result = check("--changed-only", rootfs_file, "deploy/heat/uwsgi/heat-api-uwsgi.ini")
    assert result.exit_code == 1 and "2 deployment(s)" in result.stdout


def test_changed_only_follows_symlinked_enabled_entries_and_ignores_unrelated_files(tmp_path, monkeypatch):
    repo = repository(tmp_path, "heat-broken", GOOD_LOOSE)
    write(repo, {"notes/todo.conf.txt": "not configuration\n"})
    monkeypatch.chdir(repo)
    enabled = sorted((repo / "rootfs/etc/apache2/sites-enabled").iterdir())[0]
    result = check("--changed-only", str(enabled.relative_to(repo)))
    assert result.exit_code == 1 and "rootfs/etc/apache2" in result.stdout
    result = check("--changed-only", "notes/todo.conf.txt")
    assert result.exit_code == 0 and "0 deployment(s)" in result.stdout


def test_changed_only_searches_only_the_folders_given(tmp_path, monkeypatch):
    repo = repository(tmp_path, "heat-working", BROKEN_LOOSE)
    monkeypatch.chdir(repo)
    result = check("--changed-only", "rootfs", "deploy/heat/uwsgi/heat-api-uwsgi.ini")
    assert result.exit_code == 0 and "0 deployment(s)" in result.stdout  # deploy/ is not searched
    assert check("--changed-only", "missing.conf").exit_code == 2


# -- the real pre-commit ------------------------------------------------------------------------

def _git(*args: str, cwd: Path) -> None:
    subprocess.run([GIT, "-c", "user.name=heatlint tests", "-c", "user.email=tests@heatlint.invalid",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True, timeout=120)


def snapshot_of_this_tree(dest: Path) -> Path:
    """A git repository whose HEAD is heatlint as it is on disk now (tracked and untracked files,
    less what .gitignore excludes): try-repo clones HEAD, and must test this working tree."""
    listing = subprocess.run([GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    for name in sorted(set(filter(None, listing.decode().split("\0")))):
        src = ROOT / name
        if not os.path.lexists(src) or src.is_dir() and not src.is_symlink():
            continue  # deleted in the working tree, or a submodule
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name, follow_symlinks=False)
    _git("init", "-q", cwd=dest)
    _git("add", "-A", cwd=dest)
    _git("commit", "-q", "-m", "snapshot", cwd=dest)
    return dest


def try_repo(hook_repo: Path, target: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GITHUB_ACTIONS="false",
               NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "heatlint",
                           "--all-files", "--color", "never"],
                          cwd=target, env=env, capture_output=True, text=True, timeout=900)


def _skip_if_the_install_failed(proc: subprocess.CompletedProcess) -> None:
    """pre-commit builds a virtualenv and pip-installs heatlint and its dependencies from the
    package index: without the network that fails, and that is no verdict on heatlint."""
    out = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1) or "An unexpected error has occurred" in out:
        if "Installing environment" in out or "pip" in out or "virtualenv" in out:
            pytest.skip("pre-commit could not install heatlint's hook environment (needs the package "
                        f"index): {out.strip().splitlines()[-1][:300]}")


@pytest.mark.precommit
@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_pre_commit_try_repo_passes_good_and_fails_broken_deployments(tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")
    hook_repo = snapshot_of_this_tree(tmp_path / "heatlint")
    results = {}
    for name, rootfs, loose in (("good", "heat-working", GOOD_LOOSE),
                                ("broken", "heat-broken", BROKEN_LOOSE)):
        target = repository(tmp_path / name, rootfs, loose)
        _git("init", "-q", cwd=target)
        _git("add", "-A", cwd=target)
        _git("commit", "-q", "-m", "configuration", cwd=target)
        proc = try_repo(hook_repo, target, tmp_path / f"home-{name}")
        _skip_if_the_install_failed(proc)
        results[name] = proc
    good, broken = results["good"], results["broken"]
    assert good.returncode == 0, good.stdout + good.stderr
    assert "heatlint (Apache + uwsgi deployment checks)" in good.stdout and "Passed" in good.stdout
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "HL302" in broken.stdout and "rootfs/etc/apache2/sites-enabled/heat-api.conf" in broken.stdout
    assert "deploy/heat/httpd/heat-api.conf" in broken.stdout and "/var/run/uwsgi/heat.sock" in broken.stdout
