"""What differs between the book build and a reader's live notebook (an IPython extension).

The calculator pages (``book/tools/*.md``) carry build-time cells: they glue the default result's
numbers into the prose and assert them against hand calculations. In a reader's notebook
(Binder, ``make lab``) those cells would run on whatever the reader typed into the form and fail.
Pages load this extension in their first cell, ``%load_ext portal_tools.notebook``, and start each
build-time cell with the cell magic ``%%build_only``: the cell runs when the page is executed by
the book build (or any kernel started without a Jupyter server), and is skipped in a notebook
opened through a Jupyter server.
"""

from __future__ import annotations

import hashlib
import linecache
import os
from typing import Any

# jupyter_server sets this in the environment of every kernel it starts for a notebook (the path
# of that notebook); the book build (myst-nb through jupyter-cache/nbclient) starts
# its kernels without a server and never sets it.
SERVER_SESSION_VARIABLE = "JPY_SESSION_NAME"


def building() -> bool:
    """True when the page runs in the book build (no Jupyter server), False when a reader runs
    it in JupyterLab or Notebook (a kernel started by a Jupyter server)."""
    return SERVER_SESSION_VARIABLE not in os.environ


def build_only(shell: Any, cell: str) -> None:
    """Run ``cell`` in ``shell``'s namespace when :func:`building`, else do nothing.

    The code runs as if it were the cell itself: same namespace, IPython syntax allowed, and any
    exception (such as a failing check) propagates so that the build or test fails.
    """
    if not building():
        return
    source = shell.transform_cell(cell)
    name = f"<build-only cell {hashlib.sha1(source.encode()).hexdigest()[:8]}>"
    linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
    exec(compile(source, name, "exec"), shell.user_ns)


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%%build_only`` cell magic (``%load_ext portal_tools.notebook``)."""

    def magic(line: str, cell: str) -> None:
        build_only(ipython, cell)

    ipython.register_magic_function(magic, magic_kind="cell", magic_name="build_only")
