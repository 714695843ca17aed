"""Query workers cannot reach the network, whatever a query asks for.

The SPARQL engine can call other servers (SERVICE) and has no switch to turn that off from
Python. The query check (api/services/query_check.py) refuses such queries; this is the second
wall, which holds even if the check were wrong: each query worker installs a seccomp filter
(libseccomp through `pyseccomp`) before it opens the store, under which creating any socket but a
local (AF_UNIX) one fails with EACCES, and io_uring, which could create sockets without the
socket() call, cannot be set up. A seccomp filter needs no privilege (no_new_privs is set for the
worker only), so this holds for a non-root deployment too; it is inherited by every thread the
engine starts and cannot be lifted by the process.

Where seccomp is not available (not Linux, no libseccomp), a worker running as root moves into a
network namespace of its own (only a loopback interface, down); failing that it says so loudly
in the log, and the query check is the only wall.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import socket

log = logging.getLogger("cspkg.api.sandbox")

CLONE_NEWNET = 0x40000000


def deny_network() -> str:
    """Cut this process off the network for good; the means used ("seccomp", "netns") or "none"."""
    try:
        _seccomp_filter()
        return "seccomp"
    except (ImportError, OSError, RuntimeError) as exc:
        reason = f"seccomp: {exc}"
    try:
        _own_network_namespace()
        return "netns"
    except OSError as exc:
        reason += f"; network namespace: {exc}"
    log.error("query worker NOT isolated from the network (%s): only the query check stands", reason)
    return "none"


def _seccomp_filter() -> None:
    import pyseccomp as seccomp

    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    # Any address family but AF_UNIX is refused: a NE comparison fails safe (odd upper bits refuse).
    rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    rules.add_rule(seccomp.ERRNO(errno.EACCES), "socketpair", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), call)
    rules.load()  # sets no_new_privs for this process, as an unprivileged filter requires


def _own_network_namespace() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise OSError(code, errno.errorcode.get(code, str(code)))
