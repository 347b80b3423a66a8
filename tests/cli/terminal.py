"""Run a command on a real pseudo-terminal, as a user at a terminal runs it, and keep every
byte it wrote there (stdout and stderr together, control sequences included)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class TerminalRun:
    returncode: int
    output: str  # what the terminal received, escape sequences and carriage returns included

    @property
    def lines_that_stay(self) -> list[str]:
        """The lines a user reads once the command is done: each status line (rewritten in
        place after a carriage return and erased with ESC [ K) is gone."""
        kept = []
        for line in self.output.replace("\r\n", "\n").split("\n"):
            line = line.rsplit("\r", 1)[-1].replace("\x1b[K", "")
            kept.append(line)
        return kept[:-1] if kept and not kept[-1] else kept


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300,
                    columns: int = 160) -> TerminalRun:
    """``args`` with stdin, stdout and stderr on a new pseudo-terminal ``columns`` wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(args, cwd=cwd, env=env, stdin=follower, stdout=follower,
                               stderr=follower, close_fds=True, start_new_session=True)
    os.close(follower)
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{args} took more than {timeout} s:\n{received.decode()}")
            ready, _, _ = select.select([leader], [], [], min(left, 1.0))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every process on the terminal has closed it
                break
            if not chunk:
                break
            received += chunk
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    return TerminalRun(process.wait(timeout=30), received.decode("utf-8", errors="replace"))
