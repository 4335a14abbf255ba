#!/usr/bin/env python3
"""Run one end-to-end scenario against the real Apache httpd and uwsgi, and print what happened.

This script runs as PID 1 of private mount, PID and network namespaces, started by the harness as

    unshare --mount --pid --net --fork --mount-proc --propagation private --kill-child \
        python3 driver.py WORKDIR

so nothing it mounts, starts or binds is visible on the host, and every process it starts dies with
it. ``WORKDIR/spec.json`` says what to run; ``WORKDIR/root`` is the scenario's system root.

Inside the namespaces it:
  * mounts a fresh tmpfs on /run (so /var/run and /var/lock too) and on /var/log/apache2;
  * puts an overlay over /etc (upper layer on a tmpfs) so /etc/heat can exist without touching the
    host, then bind-mounts the scenario's etc/apache2 over /etc/apache2 and etc/heat over /etc/heat:
    absolute symlinks and socket paths mean what they mean on a host;
  * brings up loopback (a private network namespace: ports never collide between scenarios);
  * creates the runtime directories the scenario's etc/tmpfiles.d/*.conf declares (``d`` lines
    under /run, as systemd-tmpfiles would at boot);
  * runs ``apache2ctl -t``, starts each uwsgi (``uwsgi --ini``, as the service manager's user when
    the scenario names one), starts Apache with ``apache2ctl start`` (Debian's envvars), sends the
    requests to 127.0.0.1 with urllib, and the concurrent slow requests of the concurrency probe;
  * stops Apache and uwsgi by PID with bounded waits (SIGKILL as a last resort), and prints one
    JSON object with every measurement and log line.

Only the standard library is used: it runs under the system python3, outside the virtualenv.
"""

from __future__ import annotations

import fcntl
import glob
import grp
import json
import os
import pwd
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
APACHE_PIDFILE = "/run/apache2/apache2.pid"
APACHE_ERROR_LOG = "/var/log/apache2/error.log"


def run(cmd: list[str], timeout: float = 20, **kw) -> dict:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=ENV, **kw)
        return {"rc": p.returncode, "output": (p.stdout + p.stderr).strip()}
    except subprocess.TimeoutExpired as exc:
        return {"rc": None, "output": f"timed out after {timeout} s: {exc}"}


def must(cmd: list[str]) -> None:
    r = run(cmd)
    if r["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r['output']}")


# -- isolation -----------------------------------------------------------------------------------
def isolate(workdir: str, root: str) -> None:
    must(["mount", "--make-rprivate", "/"])
    must(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"])
    os.makedirs("/run/lock", exist_ok=True)
    os.chmod("/run/lock", 0o1777)
    os.makedirs("/var/log/apache2", exist_ok=True)
    must(["mount", "-t", "tmpfs", "-o", "mode=0750", "tmpfs", "/var/log/apache2"])
    # Files bind-mounted inside /etc (a container's /etc/hosts, say) would be hidden by the overlay:
    # keep each one and mount it again on top.
    scratch = os.path.join(workdir, "ns")
    os.makedirs(scratch, exist_ok=True)
    must(["mount", "-t", "tmpfs", "-o", "mode=0700", "tmpfs", scratch])
    submounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4]
            if point.startswith("/etc/") and os.path.isfile(point):
                keep = os.path.join(scratch, f"keep{len(submounts)}")
                open(keep, "w").close()
                must(["mount", "--bind", point, keep])
                submounts.append((keep, point))
    for d in ("upper", "work"):
        os.makedirs(os.path.join(scratch, d))
    must(["mount", "-t", "overlay", "overlay", "-o",
          f"lowerdir=/etc,upperdir={scratch}/upper,workdir={scratch}/work", "/etc"])
    for keep, point in submounts:
        must(["mount", "--bind", keep, point])
    for sub in ("apache2", "heat"):
        src = os.path.join(root, "etc", sub)
        if os.path.isdir(src):
            os.makedirs(f"/etc/{sub}", exist_ok=True)
            must(["mount", "--bind", src, f"/etc/{sub}"])
    loopback_up()


def loopback_up() -> None:
    """``ip link set lo up`` without iproute2: a new network namespace starts with lo down."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = fcntl.ioctl(s, siocgifflags, struct.pack("16sH22x", b"lo", 0))
        flags = struct.unpack("16sH22x", ifreq)[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))


def apply_tmpfiles(root: str) -> list[str]:
    """``d``/``D`` lines of the scenario's etc/tmpfiles.d for paths under /run."""
    made = []
    for conf in sorted(glob.glob(os.path.join(root, "etc", "tmpfiles.d", "*.conf"))):
        with open(conf) as f:
            for line in f:
                fields = line.split()
                if len(fields) < 2 or fields[0] not in ("d", "D") or line.lstrip().startswith("#"):
                    continue
                path = fields[1]
                if path.startswith("/var/run/"):
                    path = "/run/" + path[len("/var/run/"):]
                if not path.startswith("/run/"):
                    continue
                mode = int(fields[2], 8) if len(fields) > 2 and fields[2] != "-" else 0o755
                user = fields[3] if len(fields) > 3 and fields[3] != "-" else "root"
                group = fields[4] if len(fields) > 4 and fields[4] != "-" else "root"
                os.makedirs(path, exist_ok=True)
                os.chmod(path, mode)
                os.chown(path, pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid)
                made.append(f"{path} {mode:04o} {user}:{group}")
    return made


# -- processes -----------------------------------------------------------------------------------
def reap() -> None:
    """We are PID 1 of the namespace: daemons that double-fork become our children."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def alive(pid: int) -> bool:
    reap()
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def read(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


READY = ("spawned uWSGI worker", "uWSGI http bound", "Operational MODE: no-workers")
APP_STATE = ("WSGI app 0", "unable to load app", "no app loaded", "no request plugin is loaded",
             "UNABLE to load uWSGI plugin")


def start_uwsgi(item: dict, logdir: str) -> dict:
    ini = item["ini"]
    log_path = os.path.join(logdir, os.path.basename(ini) + ".log")
    cmd = ["uwsgi", "--ini", ini]
    if item.get("user"):  # the service manager's User= (a systemd unit, devstack's run_process)
        user = pwd.getpwnam(item["user"])
        cmd = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups"] + cmd
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            cwd="/", env=ENV, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        if any(s in read(log_path) for s in READY):
            break
        time.sleep(0.05)
    # lazy-apps workers import the app after they are spawned: give them a moment to say so.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and proc.poll() is None:
        if any(s in read(log_path) for s in APP_STATE):
            break
        time.sleep(0.05)
    time.sleep(0.2)
    return {"ini": ini, "user": item.get("user") or "root", "proc": proc, "log_path": log_path,
            "exited_at_start": proc.poll()}


def stop_uwsgi(state: dict) -> dict:
    proc = state["proc"]
    how = "exited by itself"
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # 2.0: SIGTERM reloads unless die-on-term
        how = "SIGINT"
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
            how = "SIGKILL after 5 s"
    try:  # workers of a master that died
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    reap()
    return {"ini": state["ini"], "user": state["user"], "exited_at_start": state["exited_at_start"],
            "exit_code": proc.returncode, "stopped": how,
            "log": read(state["log_path"]).splitlines()}


def apache_pid() -> int | None:
    text = read(APACHE_PIDFILE).strip()
    return int(text) if text.isdigit() else None


def stop_apache() -> str:
    pid = apache_pid()
    if pid is None or not alive(pid):
        return "not running"
    os.kill(pid, signal.SIGTERM)  # what `apache2 -k stop` sends
    if wait_gone(pid, 8):
        return "SIGTERM"
    os.kill(pid, signal.SIGKILL)
    wait_gone(pid, 3)
    return "SIGKILL after 8 s"


def wait_port(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# -- requests ------------------------------------------------------------------------------------
def request(req: dict) -> dict:
    url = f"http://127.0.0.1:{req.get('port', 80)}{req['path']}"
    headers = dict(req.get("headers", {}))
    if req.get("token_bytes"):
        headers["X-Auth-Token"] = "gAAAAA" + "x" * (req["token_bytes"] - 6)
    start = time.monotonic()
    out = {"name": req["name"], "path": req["path"], "port": req.get("port", 80)}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=req.get("timeout", 12)) as resp:
            out.update(status=resp.status, body=resp.read(4000).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        out.update(status=exc.code, body=exc.read(1000).decode("utf-8", "replace"))
    except Exception as exc:  # refused, reset, timed out: no HTTP status at all
        out.update(status=None, body="", error=f"{type(exc).__name__}: {exc}")
    out["elapsed"] = round(time.monotonic() - start, 3)
    return out


def concurrency(probe: dict) -> dict:
    results: list[dict] = []
    reqs = [{"name": f"slow{i}", "port": probe.get("port", 80),
             "path": f"{probe['path']}?s={probe['seconds']}", "timeout": 30}
            for i in range(probe["count"])]
    threads = [threading.Thread(target=lambda r=r: results.append(request(r))) for r in reqs]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    return {"count": probe["count"], "seconds": probe["seconds"],
            "elapsed": round(time.monotonic() - start, 3),
            "statuses": sorted(str(r["status"]) for r in results),
            "overlap": max_overlap(results)}


def max_overlap(results: list[dict]) -> int:
    """How many requests the app served at the same time, from the times it reports: unlike the
    total time, this does not depend on how fast a loaded machine schedules the clients."""
    spans = []
    for r in results:
        try:
            body = json.loads(r["body"])
            spans.append((body["started"], body["ended"]))
        except (ValueError, KeyError, TypeError):
            continue
    return max((sum(1 for s, e in spans if s <= t < e) for t, _ in spans), default=0)


def unix_sockets() -> list[dict]:
    found = []
    for dirpath, dirnames, filenames in os.walk("/run"):
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISSOCK(st.st_mode):
                found.append({"path": path, "mode": f"{stat.S_IMODE(st.st_mode):04o}",
                              "owner": f"{_user(st.st_uid)}:{_group(st.st_gid)}"})
    return found


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def leftovers() -> list[str]:
    """Processes still alive in our PID namespace besides ourselves (should be none)."""
    reap()
    left = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid() and alive(int(entry)):
            left.append(read(f"/proc/{entry}/cmdline").replace("\0", " ").strip())
            try:
                os.kill(int(entry), signal.SIGKILL)
            except ProcessLookupError:
                pass
    return left


def main() -> int:
    workdir = sys.argv[1]
    with open(os.path.join(workdir, "spec.json")) as f:
        spec = json.load(f)
    root = os.path.join(workdir, "root")
    logdir = os.path.join(workdir, "logs")
    os.makedirs(logdir, exist_ok=True)
    result: dict = {"uwsgi": [], "requests": []}
    started: list[dict] = []
    try:
        isolate(workdir, root)
        result["runtime_dirs"] = apply_tmpfiles(root)
        result["configtest"] = run(["apache2ctl", "-t"])
        for item in spec["uwsgi"]:
            started.append(start_uwsgi(item, logdir))
        start = run(["apache2ctl", "start"], timeout=30)
        running = False
        deadline = time.monotonic() + (20 if start["rc"] == 0 else 0)
        while time.monotonic() < deadline:
            # httpd writes its pid file after it detaches, and logs "resuming normal operations"
            # once its listeners are open: only then is a refused connection the scenario's.
            pid = apache_pid()
            if pid is not None and alive(pid) and "AH00489" in read(APACHE_ERROR_LOG):
                running = True
                break
            if pid is not None and not alive(pid):
                break
            time.sleep(0.05)
        ports = sorted({r.get("port", 80) for r in spec["requests"]})
        result["apache"] = dict(start, running=running,
                                listening={str(p): running and wait_port(p, 1) for p in ports})
        if running:
            result["requests"] = [request(r) for r in spec["requests"]]
            if spec.get("concurrency"):
                result["concurrency"] = concurrency(spec["concurrency"])
        result["sockets"] = unix_sockets()
    except Exception as exc:  # a harness failure, reported as such: never as a scenario outcome
        result["harness_error"] = f"{type(exc).__name__}: {exc}"
    finally:
        result["apache_stopped"] = stop_apache()
        result["uwsgi"] = [stop_uwsgi(s) for s in started]
        result["error_log"] = read(APACHE_ERROR_LOG).splitlines()
        result["leftovers"] = leftovers()
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
