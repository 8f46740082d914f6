"""HeldLock: an exclusive `flock` on an open file, this process's until `release`.

The kernel lets go of it when its holder closes the file or ends, however it ends, so that
a holder killed midway leaves nothing locked. The course's locks (records.AssignmentLock)
and the machine's sandbox uids (sandbox/uids.py) are held this way.
"""

from __future__ import annotations

import os
from typing import Self


class HeldLock:
    """A held lock: ``_fd``, the open file it is held on (None once released); a context
    manager that releases it."""

    _fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
