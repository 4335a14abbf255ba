"""Limits that keep a run bounded whatever it is pointed at (issue 8).

A configuration tree may hold a 200 MB file, a glob that matches 100,000 files, sections nested
10,000 deep, or simply more than a CI job should wait for. Each limit has a default that no real
deployment comes near, is set in the configuration file (``max-files = 20000``), and, when a run
reaches it, is a finding (HL010, limit-reached) that names the limit, what was not checked, and
the line that raises it. Nothing is ever read past a limit: sizes are checked before reading.

* ``max-files``: files read in one run (and configuration files a folder walk collects);
* ``max-file-size``: bytes of one file (a larger file is not read at all);
* ``max-total-size``: bytes read in one run;
* ``max-depth``: sections nested in one file (deeper sections are not checked);
* ``timeout``: seconds; after it no file is read, and a deployment still being checked
  ``timeout / 10`` seconds (at least 2) later is abandoned and reported as not checked.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Callable, Iterator, TypeVar

from .source import InputProblem, Location

LIMIT_CODE = "HL010"
T = TypeVar("T")
KiB, MiB, GiB = 1024, 1024 ** 2, 1024 ** 3


@dataclass(frozen=True)
class Limits:
    max_files: int = 10_000
    max_file_size: int = 4 * MiB
    max_total_size: int = 32 * MiB
    max_depth: int = 100
    timeout: float = 300.0

    def value(self, key: str):
        return getattr(self, key.replace("-", "_"))


LIMIT_KEYS = tuple(f.name.replace("_", "-") for f in fields(Limits))
SIZE_KEYS = ("max-file-size", "max-total-size")
_SIZE = re.compile(r"^\s*(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": KiB, "kb": KiB, "kib": KiB, "m": MiB, "mb": MiB, "mib": MiB,
          "g": GiB, "gb": GiB, "gib": GiB}


def parse_limit(key: str, value) -> int | float:
    """A limit's value from the configuration file; ValueError says what is accepted."""
    if key in SIZE_KEYS and isinstance(value, str):
        m = _SIZE.match(value)
        if not m:
            raise ValueError(f"{key} must be a number of bytes or a size such as \"8 MiB\", not {value!r}")
        value = int(m.group(1)) * _UNITS[m.group(2).lower()]
    if key == "timeout":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"timeout must be a number of seconds above 0, not {value!r}")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number above 0, not {value!r}")
    return value


def show_size(n: int) -> str:
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


def show_limit(key: str, value) -> str:
    if key in SIZE_KEYS:
        return show_size(value)
    if key == "timeout":
        return f"{value:g} s"
    return str(value)


def raise_hint(key: str, needed) -> str:
    """How to raise a limit, with a value that would do."""
    if key in SIZE_KEYS:
        shown = f'"{show_size(-(-needed // MiB) * MiB)}"'
    elif key == "timeout":
        shown = f"{needed:g}"
    else:
        shown = str(needed)
    return f"raise it with `{key} = {shown}` in .heatlint.toml (or [tool.heatlint] of pyproject.toml)"


class DeadlineExceeded(BaseException):
    """The hard stop after the timeout: raised in whatever Python code runs then, so no rule or
    walk can hang a run. A BaseException, like KeyboardInterrupt, so no ``except Exception``
    on the way swallows it."""


class Budget:
    """What one run may still read: shared by every deployment the run checks."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self.deadline = self._clock() + self.limits.timeout
        self.files = 0  # files read so far
        self.bytes = 0  # bytes read so far
        self._armed = False

    @contextmanager
    def armed(self) -> Iterator[None]:
        """Code the hard stop may interrupt (one deployment's reading and checking)."""
        self._armed = True
        try:
            yield
        finally:
            self._armed = False

    @staticmethod
    def _clock() -> float:
        return time.monotonic()

    def expired(self) -> bool:
        return self._clock() >= self.deadline

    @property
    def grace(self) -> float:
        """How long after the deadline a deployment may take to finish what it already read."""
        return max(2.0, self.limits.timeout / 10)

    @contextmanager
    def hard_stop(self) -> Iterator[None]:
        """Raise DeadlineExceeded ``grace`` seconds after the deadline in code run under
        :meth:`armed` (SIGALRM: the main thread of a Unix process only, and only when nobody else
        uses the alarm). Outside it the stop is ignored: the deadline has passed, so what comes
        next reads nothing and checks nothing (see resolve.deployment.build)."""
        usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
                  and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
                  and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
        if not usable:
            yield
            return

        def stop(signum, frame):
            if self._armed:
                raise DeadlineExceeded()

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, max(self.deadline + self.grace - self._clock(), 0.001))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def timeout_message(limits: Limits, what: str) -> str:
    return (f"the run reached its time limit (timeout = {limits.timeout:g} s) {what}; "
            + raise_hint("timeout", limits.timeout * 4))


def stopped_in(exc: BaseException, rules) -> str:
    """Which rule ran when the hard stop came, from the traceback ("" when none did)."""
    codes = {}
    for rule in rules:
        func = getattr(rule.check, "__func__", rule.check)
        if hasattr(func, "__code__"):
            codes[func.__code__] = f"rule {rule.code} {rule.name}"
    tb, found = exc.__traceback__, ""
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


STACK_PER_LEVEL = 1024  # bytes of C stack one level of recursion may take (pickle takes ~600)
MIN_STACK, MAX_STACK = 64 * MiB, 1 * GiB  # address space only: pages are used as the stack grows
_deep_lock = threading.Lock()
_deep_runs = 0
_default_limit = 0


def deep_stack(run: Callable[[], T], limits: Limits) -> T:
    """``run()`` with room for the read phase's recursion: httpd's 128 nested Includes, each
    holding sections nested up to max-depth (a few Python frames per level). The recursion limit
    is raised only while it runs, and it runs on a thread whose C stack fits that limit, so code
    that recurses in C over deep data (pickle, repr) raises RecursionError instead of crashing
    the process. A hard stop in the calling thread (SIGALRM, Ctrl-C) ends the wait, not the
    thread, which stops soon after: past the deadline it reads nothing."""
    global _deep_runs, _default_limit
    levels = 128 * (2 * limits.max_depth + 16) + 10_000
    stack = min(max(MIN_STACK, levels * STACK_PER_LEVEL), MAX_STACK)
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["value"] = run()
        except BaseException as exc:  # handed to the caller, which raises it
            outcome["error"] = exc

    with _deep_lock:
        if _deep_runs == 0:
            _default_limit = sys.getrecursionlimit()
        _deep_runs += 1
        sys.setrecursionlimit(max(sys.getrecursionlimit(), stack // STACK_PER_LEVEL))
        try:
            previous = threading.stack_size(stack)
            try:
                worker = threading.Thread(target=work, name="heatlint-build", daemon=True)
                worker.start()
            finally:
                threading.stack_size(previous)
        except (ValueError, RuntimeError, MemoryError):
            worker = None  # no thread with such a stack here: run in this one, as deep as it allows
    try:
        if worker is None:
            work()
        while worker is not None and worker.is_alive():
            worker.join(0.05)
    finally:
        with _deep_lock:
            _deep_runs -= 1
            if _deep_runs == 0:
                sys.setrecursionlimit(_default_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def cut_nesting(parsed, max_depth: int) -> list[InputProblem]:
    """Drop sections nested deeper than ``max_depth`` in one parsed Apache file (without
    recursion), and say what was not checked: one finding per file, at the first section dropped."""
    from .parse.apache import Section

    first: Section | None = None
    dropped = 0
    stack = [(parsed.nodes, 1)]  # (nodes, the nesting level of a section among them)
    while stack:
        nodes, level = stack.pop()
        for node in nodes:
            if not isinstance(node, Section) or not node.children:
                continue
            if level < max_depth:
                stack.append((node.children, level + 1))
                continue
            kept = [c for c in node.children if not isinstance(c, Section)]
            if len(kept) == len(node.children):
                continue
            for child in node.children:
                if isinstance(child, Section):
                    first = first or child
                    dropped += _count(child)
            node.children = kept
    if first is None:
        return []
    return [InputProblem(
        LIMIT_CODE, f"<{first.name}> is nested {max_depth + 1} sections deep, deeper than the "
        f"max-depth limit of {max_depth}: it and everything nested like it in this file "
        f"({dropped} sections and directives) were not checked; "
        + raise_hint("max-depth", max(2 * max_depth, 1)), first.location)]


def _count(section) -> int:
    from .parse.apache import Section

    total, stack = 0, [section]
    while stack:
        node = stack.pop()
        total += 1
        if isinstance(node, Section):
            stack.extend(node.children)
    return total


def not_read_problem(limit: str, limits: Limits, budget_files: int, budget_bytes: int,
                     first: Location, others: list[Location]) -> InputProblem:
    """One finding per deployment for files a run-wide limit kept heatlint from reading."""
    from .source import Note

    these = f"this file and {len(others)} more file(s)" if others else "this file"
    unchecked = f"what {'they configure' if others else 'it configures'} was not checked"
    unread = f"{these} {'were' if others else 'was'} not read and {unchecked}"
    if limit == "max-files":
        why = (f"heatlint had read {budget_files} files, its max-files limit, so {unread}; "
               + raise_hint("max-files", budget_files + len(others) + 1 + budget_files // 10))
    elif limit == "max-total-size":
        why = (f"heatlint had read {show_size(budget_bytes)}, its max-total-size limit of "
               f"{show_size(limits.max_total_size)}, so {unread}; "
               + raise_hint("max-total-size", 2 * limits.max_total_size))
    else:
        why = timeout_message(limits, f"before reading {these}, so {unchecked}")
    return InputProblem(LIMIT_CODE, why, first,
                        tuple(Note(o, "not read either") for o in others[:5]))
