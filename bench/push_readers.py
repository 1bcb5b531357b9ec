"""The push scenarios' stream readers: N SSE sockets on one epoll, in a process of their own.

Run in a separate process from the submitter, so neither waits for the other's Python
work. One plain epoll loop (no asyncio: a few µs per ready socket, not tens) reads
every socket that is ready and stamps each `requested` event with the monotonic clock
taken as `epoll.poll` returned: the moment the reader has it, not counting the time
this process then spends on the other 499 sockets. What it cannot hide is reported:
its own CPU and the longest batch of work after one wake-up (an arrival during that
batch is stamped late by at most that much).

Each stream is a target (port, path, cookie[, address]): the push scenario opens one
path N times with one login; the fleet opens each associate's own stream on either of
two servers, from its store's address (X-Forwarded-For, as a load balancer sends it).
An arrival names its stream by the target's index in that list.
"""

import re
import select
import socket
import time

REQUESTED = re.compile(rb'"kind":"requested"')
REQUEST_ID = re.compile(rb'"request_id":(\d+)')
DRAIN_S = 3  # after the last submission, how long to wait for deliveries still missing


def _open(port: int, path: str, cookie: str, forwarded_for: str = "") -> socket.socket:
    request = (f"GET {path} HTTP/1.1\r\nHost: bench\r\n"
               + (f"Cookie: {cookie}\r\n" if cookie else "")
               + (f"X-Forwarded-For: {forwarded_for}\r\n" if forwarded_for else "")
               + "Accept: text/event-stream\r\n\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(request)
    sock.setblocking(False)
    return sock


class Readers:
    """The open streams, what arrived on them and when, and what reading them cost."""

    def __init__(self, targets: list[tuple]):
        self.epoll = select.epoll()
        self.sockets: dict[int, socket.socket] = {}
        self.buffers: dict[int, bytes] = {}
        self.index: dict[int, int] = {}  # socket → its target's position in `targets`
        for number, target in enumerate(targets):
            sock = _open(*target)
            self.sockets[sock.fileno()], self.buffers[sock.fileno()] = sock, b""
            self.index[sock.fileno()] = number
            self.epoll.register(sock.fileno(), select.EPOLLIN)
        self.opened: set[int] = set()
        self.closed = 0
        self.arrivals: list[tuple[int, int, int]] = []  # (request id, target, monotonic ns)
        self.longest_batch_ns = 0

    def read(self, until_ns: int, control: int | None = None) -> bool:
        """Read what arrives until `until_ns`; return True early if `control` is readable."""
        while (left := until_ns - time.monotonic_ns()) > 0:
            ready = self.epoll.poll(left / 1e9)
            woke = time.monotonic_ns()
            for fd, _ in ready:
                if fd == control:
                    return True
                self._receive(fd, woke)
            self.longest_batch_ns = max(self.longest_batch_ns, time.monotonic_ns() - woke)
        return False

    def _receive(self, fd: int, woke: int) -> None:
        try:
            chunk = self.sockets[fd].recv(65536)
        except BlockingIOError:
            return
        if not chunk:
            self.epoll.unregister(fd)
            self.closed += 1
            return
        *lines, self.buffers[fd] = (self.buffers[fd] + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b": connected"):
                self.opened.add(fd)
            elif line.startswith(b"data:") and REQUESTED.search(line):
                self.arrivals.append((int(REQUEST_ID.search(line).group(1)), self.index[fd],
                                      woke))

    def close(self) -> None:
        """Close every socket (the server sees each stream end)."""
        for sock in self.sockets.values():
            sock.close()
        self.epoll.close()


def serve(targets: list[tuple], pipe, open_timeout_s: float = 60) -> None:
    """Process entry: open the streams, say how many opened, read until told to stop.

    Sends ("open", count) once every stream said `: connected` (or after `open_timeout_s`:
    the fleet's thousands take minutes, each admission a few ms of a worker's CPU). Then,
    told ("expect", request ids[, deliveries wanted]), reads until that many deliveries
    of them arrived (default: every open stream has every one of them) or DRAIN_S passed,
    and sends ("done", arrivals, cpu_s, wall_s, longest_batch_ms, streams closed by the
    server).
    """
    readers = Readers(targets)
    deadline = time.monotonic_ns() + int(open_timeout_s * 10**9)
    while len(readers.opened) < len(targets) and time.monotonic_ns() < deadline:
        readers.read(min(deadline, time.monotonic_ns() + 10**8))
    pipe.send(("open", len(readers.opened)))
    readers.longest_batch_ns = 0
    cpu, wall = time.process_time(), time.monotonic()
    readers.epoll.register(pipe.fileno(), select.EPOLLIN)
    while not readers.read(time.monotonic_ns() + 10**9, control=pipe.fileno()):
        pass
    _, expected, *wanted = pipe.recv()
    readers.epoll.unregister(pipe.fileno())
    wanted = wanted[0] if wanted else len(expected) * len(readers.opened)
    until = time.monotonic_ns() + DRAIN_S * 10**9
    while sum(rid in expected for rid, _, _ in readers.arrivals) < wanted and \
            time.monotonic_ns() < until:
        readers.read(min(until, time.monotonic_ns() + 10**8))
    pipe.send(("done", readers.arrivals, time.process_time() - cpu, time.monotonic() - wall,
               readers.longest_batch_ns / 1e6, readers.closed))
    readers.close()
