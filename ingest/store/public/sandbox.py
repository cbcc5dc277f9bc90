"""An OS-level barrier that keeps a query worker off the network.

The query guard (ingest.store.public.guard) refuses SERVICE and every other remote fetch after a real
parse, but a parser differs from the engine's own in corners nobody has found yet. This module
makes such a gap harmless: before a worker opens the store, it installs a seccomp filter under
which the process (every thread, and anything it would start) can create only Unix-domain
sockets. `socket(AF_INET, ...)`, `socket(AF_INET6, ...)`, raw/packet/netlink sockets and
io_uring (which can open sockets without the socket syscall) fail with EACCES, so the engine's
SERVICE client cannot connect anywhere, whatever query text reaches it.

If seccomp is not available (another architecture, an old kernel, a container that forbids it),
the fallback is a fresh, empty network namespace (needs CAP_SYS_ADMIN). When neither works the
worker says so and the server refuses to evaluate public queries (fail closed), unless the
operator has said `CASEGRAPH_QUERY_SANDBOX=off` on purpose.

The filter is written by hand (a dozen classic-BPF instructions) through ctypes, so it needs no
compiled extension and no library beyond libc.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct

# Syscall numbers and audit architecture tokens, per machine.
_ARCHES: dict[str, dict[str, int]] = {
    "x86_64": {"audit": 0xC000003E, "socket": 41, "io_uring_setup": 425, "seccomp": 317, "unshare": 272},
    "aarch64": {"audit": 0xC00000B7, "socket": 198, "io_uring_setup": 425, "seccomp": 277, "unshare": 97},
}

# Classic BPF opcodes and seccomp constants (linux/filter.h, linux/seccomp.h).
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_KILL_PROCESS = 0x80000000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_CLONE_NEWNET = 0x40000000
# Offsets into struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little-endian).
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16
_X32_SYSCALL_BIT = 0x40000000


class SandboxUnavailable(Exception):
    """Neither barrier could be put up; the message says what was tried."""


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(arch: dict[str, int]) -> bytes:
    """Allow everything except: a foreign syscall ABI (kill), socket() of any family other than
    AF_UNIX (EACCES), io_uring_setup (EACCES)."""
    deny = _RET_ERRNO | errno.EACCES
    code = [
        _instruction(_LD_W_ABS, 0, 0, _OFF_ARCH),
        _instruction(_JEQ_K, 1, 0, arch["audit"]),  # our ABI: go on; else kill
        _instruction(_RET_K, 0, 0, _RET_KILL_PROCESS),
        _instruction(_LD_W_ABS, 0, 0, _OFF_NR),
        _instruction(_JGE_K, 5, 0, _X32_SYSCALL_BIT),  # x32 numbers on x86_64: deny
        _instruction(_JEQ_K, 5, 0, arch["io_uring_setup"]),  # -> deny
        _instruction(_JEQ_K, 0, 5, arch["socket"]),  # not socket: -> allow
        _instruction(_LD_W_ABS, 0, 0, _OFF_ARG0),  # the address family
        _instruction(_JEQ_K, 3, 0, socket.AF_UNIX),  # -> allow
        _instruction(_RET_K, 0, 0, deny),
        _instruction(_RET_K, 0, 0, deny),  # x32
        _instruction(_RET_K, 0, 0, deny),  # io_uring
        _instruction(_RET_K, 0, 0, _RET_ALLOW),
    ]
    return b"".join(code)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _install_seccomp() -> None:
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise OSError(f"no seccomp filter for the {platform.machine()} architecture")
    libc = ctypes.CDLL(None, use_errno=True)
    program = _program(arch)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    # seccomp(2) with TSYNC puts every thread of the process under the filter at once.
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    result = syscall(
        ctypes.c_long(arch["seccomp"]),
        ctypes.c_uint(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_uint(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(fprog),
    )
    if result != 0:
        number = ctypes.get_errno()
        if number != errno.ENOSYS:
            raise OSError(number, f"seccomp() failed: {os.strerror(number)}")
        # old kernel: prctl covers the calling thread; workers install it before starting any other
        if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def _enter_empty_network_namespace() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"unshare(CLONE_NEWNET) failed: {os.strerror(number)}")


def network_reachable() -> bool:
    """True when this process can still create an Internet socket (the barrier is not up)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        # In an empty network namespace the socket exists but nothing, not even loopback, answers.
        probe.settimeout(0.2)
        probe.connect(("127.0.0.1", 9))
    except OSError as exc:
        return exc.errno not in (errno.ENETUNREACH, errno.EACCES, errno.EPERM)
    finally:
        probe.close()
    return True


def deny_network() -> str:
    """Put this process off the network for good; return the barrier used ("seccomp" or
    "netns"). Raises SandboxUnavailable when no barrier holds."""
    tried: list[str] = []
    for name, install in (("seccomp", _install_seccomp), ("netns", _enter_empty_network_namespace)):
        try:
            install()
        except OSError as exc:
            tried.append(f"{name}: {exc}")
            continue
        if not network_reachable():
            return name
        tried.append(f"{name}: installed but a socket still reaches the network")
    raise SandboxUnavailable("; ".join(tried))
