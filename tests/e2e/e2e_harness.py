"""End-to-end harness: build a scenario's system root, run it for real, classify what happened.

A scenario is one TOML file in ``scenarios/`` (see ``scenarios/README.md`` for the format). The
harness

1. materialises its system root: Debian's own ``/etc/apache2`` from this machine (the packaged
   apache2.conf, envvars, ports.conf, mods-/conf-/sites-available), with the enabled sets rebuilt
   from Debian's defaults plus the scenario's ``mods``/``sites``, the scenario's files on top, and
   the echo app written to ``etc/heat/e2e_app.py``;
2. runs ``driver.py`` inside private mount, PID and network namespaces (``unshare``), which starts
   the real Apache and uwsgi on that tree and measures requests;
3. classifies the measurements as ``works``, ``degraded`` or ``broken`` (:func:`outcome`), from
   status codes, which app answered and at which path, a large-token request and a concurrency
   probe, never from what the scenario expects;
4. runs ``heatlint check ROOT --format json`` on the same tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
APP = HERE / "e2e_app.py"
DRIVER = HERE / "driver.py"
HOST_APACHE = Path("/etc/apache2")

# What a fresh Debian 12 apache2 install enables (a2enmod/a2enconf/a2ensite in its postinst).
DEBIAN_MODS = ["access_compat", "alias", "auth_basic", "authn_core", "authn_file", "authz_core",
               "authz_host", "authz_user", "autoindex", "deflate", "dir", "env", "filter", "mime",
               "mpm_event", "negotiation", "reqtimeout", "setenvif", "status"]
DEBIAN_CONFS = ["charset", "localized-error-pages", "other-vhosts-access-log", "security",
                "serve-cgi-bin"]
DEBIAN_SITES = ["000-default"]

UNSHARE = ["unshare", "--mount", "--pid", "--net", "--fork", "--mount-proc", "--propagation",
           "private", "--kill-child"]
BIG_TOKEN = 6000  # bytes: a PKI/PKIZ-sized Keystone token, or a federated one with many groups
DRIVER_TIMEOUT = 120


@dataclass
class Scenario:
    name: str
    path: Path
    data: dict

    @property
    def expect(self) -> str:
        return self.data["expect"]

    @property
    def codes(self) -> list[str]:
        return list(self.data.get("codes", []))

    @property
    def xfail(self) -> str:
        return self.data.get("xfail", "")

    @property
    def requests(self) -> list[dict]:
        return self.data.get("request", [])


def load_scenarios() -> list[Scenario]:
    out = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        if data.get("expect") not in ("works", "broken", "degraded"):
            raise ValueError(f"{path.name}: expect must be works, broken or degraded")
        if data["expect"] != "works" and not data.get("codes"):
            raise ValueError(f"{path.name}: a {data['expect']} scenario names the codes of its cause")
        if not data.get("request"):
            raise ValueError(f"{path.name}: no [[request]]")
        out.append(Scenario(path.stem, path, data))
    return out


# -- materialising a system root -----------------------------------------------------------------
def _link(entry: Path, target: str) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    if entry.is_symlink() or entry.exists():
        entry.unlink()
    os.symlink(target, entry)


def _enable(apache: Path, kind: str, name: str) -> None:
    if kind == "mods":
        for suffix in (".load", ".conf"):
            if (apache / "mods-available" / f"{name}{suffix}").exists():
                _link(apache / "mods-enabled" / f"{name}{suffix}", f"../mods-available/{name}{suffix}")
    else:
        _link(apache / f"{kind}-enabled" / f"{name}.conf", f"../{kind}-available/{name}.conf")


def materialise(scenario: Scenario, root: Path) -> Path:
    data = scenario.data
    apache = root / "etc" / "apache2"
    apache.mkdir(parents=True)
    for name in ("apache2.conf", "envvars", "magic", "ports.conf"):
        shutil.copy2(HOST_APACHE / name, apache / name)
    for sub in ("mods-available", "conf-available", "sites-available"):
        shutil.copytree(HOST_APACHE / sub, apache / sub, symlinks=True)
    for kind in ("mods", "conf", "sites"):
        (apache / f"{kind}-enabled").mkdir()
    drop = set(data.get("disable", []))
    for mod in DEBIAN_MODS + data.get("mods", []):
        if mod not in drop:
            _enable(apache, "mods", mod)
    for conf in DEBIAN_CONFS:
        _enable(apache, "conf", conf)
    for site in DEBIAN_SITES + data.get("sites", []):
        if site not in drop:
            _enable(apache, "sites", site)
    heat = root / "etc" / "heat"
    heat.mkdir(parents=True)
    shutil.copy2(APP, heat / "e2e_app.py")
    for name, text in data.get("files", {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for entry, target in data.get("links", {}).items():
        _link(root / entry, target)
    # The tree is read by www-data (mod_wsgi) and by uwsgi running as another user: world-readable.
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            p = Path(dirpath) / f
            if not p.is_symlink():
                os.chmod(p, 0o644)
    root.chmod(0o755)
    return root


def driver_spec(scenario: Scenario, root: Path) -> dict:
    data = scenario.data
    inis = data.get("start")
    if inis is None:
        inis = sorted(str(p.relative_to(root)) for p in (root / "etc" / "heat").glob("*.ini"))
    users = data.get("uwsgi_user", {})
    uwsgi = [{"ini": "/" + ini, "user": users.get(Path(ini).name) if isinstance(users, dict) else users}
             for ini in inis]
    first = scenario.requests[0]
    requests = [dict(r, kind="basic") for r in scenario.requests]
    requests.append(dict(first, name=f"{first['name']} (large token)", kind="token",
                         token_bytes=BIG_TOKEN))
    probe = {"port": first.get("port", 80), "path": first["path"].rstrip("/") + "/sleep",
             "count": 4, "seconds": 1.0}
    return {"uwsgi": uwsgi, "requests": requests, "concurrency": probe,
            "expected": {r["name"]: r for r in requests}}


def run_scenario(scenario: Scenario, workdir: Path) -> dict:
    """Build the tree, run it for real and run heatlint on it. Never raises for a scenario
    outcome; a harness failure (the driver crashed or timed out) is returned as ``harness_error``."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    root = materialise(scenario, workdir / "root")
    spec = driver_spec(scenario, root)
    (workdir / "spec.json").write_text(json.dumps(spec))
    try:
        p = subprocess.run(UNSHARE + [sys.executable, str(DRIVER), str(workdir)], capture_output=True,
                           text=True, timeout=DRIVER_TIMEOUT)
        real = json.loads(p.stdout) if p.stdout.strip() else {
            "harness_error": f"driver exited {p.returncode}: {p.stderr[-2000:]}"}
    except subprocess.TimeoutExpired:
        real = {"harness_error": f"driver did not finish in {DRIVER_TIMEOUT} s"}
    except json.JSONDecodeError as exc:
        real = {"harness_error": f"driver printed no JSON ({exc}): {p.stdout[-500:]} {p.stderr[-2000:]}"}
    real["expected"] = spec["expected"]
    lint = subprocess.run([sys.executable, "-m", "heatlint", "check", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    try:
        findings = json.loads(lint.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        findings = [{"code": "?", "severity": "crash", "message": lint.stderr[-2000:]}]
    return {"scenario": scenario.name, "workdir": str(workdir), "real": real,
            "outcome": outcome(real), "heatlint": findings, "heatlint_exit": lint.returncode}


# -- classification -------------------------------------------------------------------------------
def request_ok(got: dict, want: dict) -> bool:
    """200 from the app the request was meant for, which saw the path it would route."""
    if got.get("status") != 200:
        return False
    try:
        body = json.loads(got["body"])
    except (json.JSONDecodeError, KeyError):
        return False
    if "app" in want and body.get("app") != want["app"]:
        return False
    if "path_info" in want and body.get("path_info") != want["path_info"]:
        return False
    if want.get("token_bytes") and body.get("token_bytes") != want["token_bytes"]:
        return False
    return True


def outcome(real: dict) -> str:
    """``broken``: Apache refused the configuration or did not start, or a plain request did not
    reach the right app at the right path. ``degraded``: plain requests work, but a large-token
    request fails or concurrent slow requests are serialised. ``works``: everything passed."""
    if "harness_error" in real:
        return "harness-error"
    if real.get("configtest", {}).get("rc") != 0 or not real.get("apache", {}).get("running"):
        return "broken"
    expected = real["expected"]
    got = {r["name"]: r for r in real["requests"]}
    basic = [n for n, w in expected.items() if w["kind"] == "basic"]
    if not all(request_ok(got.get(n, {}), expected[n]) for n in basic):
        return "broken"
    if not all(request_ok(got.get(n, {}), expected[n]) for n, w in expected.items() if w["kind"] == "token"):
        return "degraded"
    if serialised(real.get("concurrency")):
        return "degraded"
    return "works"


def serialised(probe: dict | None) -> bool:
    """The app never served all the concurrent slow requests at once."""
    if not probe:
        return False
    if any(s != "200" for s in probe["statuses"]):
        return True
    return probe["overlap"] < probe["count"]


def summary(result: dict) -> str:
    """One line for humans (and the README table): what really happened."""
    real = result["real"]
    if "harness_error" in real:
        return f"harness error: {real['harness_error']}"
    ct = real.get("configtest", {})
    if ct.get("rc") != 0:
        return f"`apache2ctl -t` fails: {_said(ct.get('output', ''))}"
    apache = real.get("apache", {})
    if not apache.get("running"):
        return f"Apache does not start: {_said(apache.get('output', ''))}"
    parts = []
    expected = real["expected"]
    for r in real["requests"]:
        want = expected[r["name"]]
        if request_ok(r, want):
            parts.append(f"{r['name']}: 200")
            continue
        status = r.get("status") or ("connection refused" if "refused" in r.get("error", "")
                                     else r.get("error", "no response").split(":")[0])
        detail = ""
        if r.get("status") == 200:
            try:
                body = json.loads(r["body"])
                detail = f" from {body.get('app')} with PATH_INFO={body.get('path_info')!r}"
            except json.JSONDecodeError:
                detail = " (not the app)"
        slow = f" after {r['elapsed']:.1f} s" if r["elapsed"] >= 2 else ""
        parts.append(f"{r['name']}: {status}{detail}{slow}")
    probe = real.get("concurrency")
    if probe and all(request_ok(r, expected[r["name"]]) for r in real["requests"]
                     if expected[r["name"]]["kind"] == "basic"):
        parts.append(f"{probe['count']}×{probe['seconds']:g} s concurrent requests: {probe['elapsed']:.1f} s, "
                     f"at most {probe['overlap']} at once")
    return "; ".join(parts)


_NOISE = ("AH00558", "Action '", "The Apache error log may have more information")


def _said(output: str) -> str:
    """The line of httpd's output that says why, shortened for a table cell."""
    lines = [l.strip() for l in output.splitlines() if l.strip() and not l.strip().startswith(_NOISE)]
    line = next((l for l in lines if "Address already in use" in l), lines[-1] if lines else "")
    if len(line) > 150 and "Cannot load" in line:
        line = line[line.index("Cannot load"):]
    return line if len(line) <= 150 else line[:147] + "…"


def errors_and_warnings(findings: list[dict]) -> tuple[set[str], set[str]]:
    errors = {f["code"] for f in findings if f.get("severity") == "error"}
    warnings = {f["code"] for f in findings if f.get("severity") == "warning"}
    return errors, warnings


def missing_modules(scenario: Scenario) -> str:
    """Why this scenario cannot run here (a module it enables is not installed), or ""."""
    for mod in scenario.data.get("mods", []):
        if not (HOST_APACHE / "mods-available" / f"{mod}.load").exists():
            package = "libapache2-mod-wsgi-py3" if mod == "wsgi" else "the package that provides it"
            return f"mod_{mod} is not installed (apt-get install {package})"
    return ""


def available() -> str:
    """Why the end-to-end suite cannot run here, or "" when it can."""
    for tool in ("apache2ctl", "apache2", "uwsgi", "unshare", "setpriv"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed (apt-get install apache2 uwsgi-core uwsgi-plugin-python3 " \
                   "libapache2-mod-wsgi-py3 util-linux)"
    if not Path("/usr/lib/uwsgi/plugins/python3_plugin.so").exists():
        return "uwsgi's python3 plugin is not installed (apt-get install uwsgi-plugin-python3)"
    if not (HOST_APACHE / "apache2.conf").exists():
        return "Debian's /etc/apache2 is missing"
    if os.geteuid() != 0:
        return "needs root (mount namespaces, binding port 80, running uwsgi as other users)"
    try:
        p = subprocess.run(UNSHARE + ["true"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare does not work here: {exc}"
    if p.returncode != 0:
        return f"unshare --mount --pid --net does not work here: {p.stderr.strip()}"
    return ""
