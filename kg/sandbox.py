"""Limits a worker process puts on itself before it runs untrusted work (the SPARQL console).

* :func:`cap_memory`: ``RLIMIT_AS``, so a query that builds a huge intermediate result fails
  inside the worker (the engine aborts on a failed allocation) instead of growing the
  machine into swap. The parent recognises the abort and says how much the query needed.
* :func:`forbid_network`: a seccomp filter that makes ``socket(AF_INET|AF_INET6, ...)``
  fail with EACCES (and refuses io_uring, which could open sockets behind the filter's
  back). Oxigraph evaluates ``SERVICE <url>`` as soon as a query is prepared, before any
  result is read, so a parser we do not control deciding that a clause is SERVICE must
  still not reach the network: a worker on a local store needs no socket at all.

Both are Linux facilities; elsewhere :func:`forbid_network` returns False and the guard's
parse checks are the only line (the caller decides whether that is acceptable).
"""

from __future__ import annotations

import ctypes
import platform
import resource
import socket
import struct

# (AUDIT_ARCH_*, __NR_socket, __NR_io_uring_setup) per machine
_ARCH = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _EACCES = 0x7FFF0000, 0x00050000 | 13  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EACCES
_X32_BIT = 0x40000000  # x32 system calls on x86_64: never used by us, refused outright


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space to ``megabytes`` (it can only be lowered later)."""
    limit = int(megabytes) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _network_filter(arch: int, nr_socket: int, nr_uring: int) -> list[bytes]:
    """The BPF program: deny inet sockets and io_uring, allow everything else of this arch.
    Offsets into struct seccomp_data: nr at 0, arch at 4, args[0] (low word) at 16."""
    return [
        _insn(_LD_W_ABS, 0, 0, 4),                # 0: A = arch
        _insn(_JEQ_K, 1, 0, arch),                # 1: our arch -> 3
        _insn(_RET_K, 0, 0, _EACCES),             # 2: another ABI: refuse the call
        _insn(_LD_W_ABS, 0, 0, 0),                # 3: A = syscall number
        _insn(_JGE_K, 6, 0, _X32_BIT),            # 4: x32 -> deny (11)
        _insn(_JEQ_K, 5, 0, nr_uring),            # 5: io_uring_setup -> deny (11)
        _insn(_JEQ_K, 0, 3, nr_socket),           # 6: socket -> 7, else allow (10)
        _insn(_LD_W_ABS, 0, 0, 16),               # 7: A = domain
        _insn(_JEQ_K, 2, 0, socket.AF_INET),      # 8: -> deny (11)
        _insn(_JEQ_K, 1, 0, socket.AF_INET6),     # 9: -> deny (11)
        _insn(_RET_K, 0, 0, _ALLOW),              # 10
        _insn(_RET_K, 0, 0, _EACCES),             # 11
    ]


def forbid_network() -> bool:
    """Make every later attempt of this process (and its threads) to open an IPv4/IPv6 socket
    fail. Call it while the process has a single thread (threads started before keep their
    old, unfiltered view). True when the filter is in place, False when the platform has no
    seccomp for us (the caller then knows SERVICE is stopped by the parse checks alone)."""
    numbers = _ARCH.get(platform.machine())
    if numbers is None or platform.system() != "Linux":
        return False
    program = b"".join(_network_filter(*numbers))
    buffer = ctypes.create_string_buffer(program)
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
