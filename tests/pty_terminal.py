"""A program in a real 80x24 pseudo-terminal, with a pyte screen of what it shows."""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from pathlib import Path

import pyte

COLUMNS, LINES = 80, 24
POLL = 0.05  # seconds between looks at the screen


class PtyTerminal:
    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        # The size is set before the program starts, so its first look sees 80x24 (ssh
        # reads it from its terminal and asks the server for the same).
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.output = bytearray()
        self.open = True

    def pump(self, timeout: float = POLL) -> bool:
        """Feed whatever arrived to the screen (and keep the pty from filling up);
        False once every writer has closed the terminal."""
        if not self.open:
            time.sleep(timeout)
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        while ready:
            try:
                data = os.read(self.master, 65536)
            except OSError as exc:
                if exc.errno != errno.EIO:  # EIO: every writer closed the terminal
                    raise
                data = b""
            if not data:
                self.open = False
                return False
            self.output += data
            self.stream.feed(data)
            ready, _, _ = select.select([self.master], [], [], 0)
        return True

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        os.close(self.master)
