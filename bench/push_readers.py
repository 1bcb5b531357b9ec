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
from collections import deque

REQUESTED = re.compile(rb'"kind":"requested"')
REQUEST_ID = re.compile(rb'"request_id":(\d+)')
DRAIN_S = 3  # after the last submission, how long to wait for deliveries still missing
AT_ONCE = 50  # streams asked for and not yet connected, at most
RETRY_S, ATTEMPTS = 2.0, 3  # a stream refused before connecting: asked again, in all


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
    """The open streams, what arrived on them and when, and what reading them cost.

    Streams are asked for AT_ONCE at a time (the next when one has connected): handhelds
    come on shift over minutes, and thousands asked for in one second would wait for a
    database connection longer than the pool's timeout and be refused with 503 (seen at
    1,800). A stream refused before it connected is asked again after RETRY_S, as an
    EventSource does, up to ATTEMPTS times in all.
    """

    def __init__(self, targets: list[tuple]):
        self.targets = targets
        self.epoll = select.epoll()
        self.sockets: dict[int, socket.socket] = {}
        self.buffers: dict[int, bytes] = {}
        self.index: dict[int, int] = {}  # socket → its target's position in `targets`
        self.attempt: dict[int, int] = {}
        self.waiting = deque((number, 1) for number in range(len(targets)))
        self.retries: list[tuple[int, int, int]] = []  # (due ns, target, attempt)
        self.connecting: set[int] = set()
        self.opened: set[int] = set()  # targets whose stream said `: connected`
        self.closed = self.refused = 0
        self.arrivals: list[tuple[int, int, int]] = []  # (request id, target, monotonic ns)
        self.longest_batch_ns = 0
        self._ask()

    @property
    def settled(self) -> bool:
        """Whether every stream has connected or was refused ATTEMPTS times."""
        return not (self.waiting or self.retries or self.connecting)

    def _ask(self) -> None:
        """Ask for more streams while fewer than AT_ONCE are still connecting."""
        now = time.monotonic_ns()
        self.waiting.extend((number, attempt) for due, number, attempt in self.retries
                            if due <= now)
        self.retries = [retry for retry in self.retries if retry[0] > now]
        while self.waiting and len(self.connecting) < AT_ONCE:
            number, attempt = self.waiting.popleft()
            sock = _open(*self.targets[number])
            fd = sock.fileno()
            self.sockets[fd], self.buffers[fd], self.index[fd] = sock, b"", number
            self.attempt[fd] = attempt
            self.connecting.add(fd)
            self.epoll.register(fd, select.EPOLLIN)

    def read(self, until_ns: int, control: int | None = None) -> bool:
        """Read what arrives until `until_ns`; return True early if `control` is readable."""
        while (left := until_ns - time.monotonic_ns()) > 0:
            ready = self.epoll.poll(min(left / 1e9, 0.1) if not self.settled else left / 1e9)
            woke = time.monotonic_ns()
            for fd, _ in ready:
                if fd == control:
                    return True
                self._receive(fd, woke)
            self.longest_batch_ns = max(self.longest_batch_ns, time.monotonic_ns() - woke)
            if not self.settled:
                self._ask()
        return False

    def _receive(self, fd: int, woke: int) -> None:
        try:
            chunk = self.sockets[fd].recv(65536)
        except BlockingIOError:
            return
        if not chunk:
            self._ended(fd, woke)
            return
        *lines, self.buffers[fd] = (self.buffers[fd] + chunk).split(b"\n")
        for line in lines:
            if line.startswith(b": connected"):
                self.opened.add(self.index[fd])
                self.connecting.discard(fd)
            elif line.startswith(b"data:") and REQUESTED.search(line):
                self.arrivals.append((int(REQUEST_ID.search(line).group(1)), self.index[fd],
                                      woke))

    def _ended(self, fd: int, now: int) -> None:
        """The server closed a stream: ask again if it never connected, else count it."""
        self.epoll.unregister(fd)
        self.sockets.pop(fd).close()
        if fd not in self.connecting:
            self.closed += 1
            return
        self.connecting.discard(fd)
        if self.attempt[fd] < ATTEMPTS:
            self.retries.append((now + int(RETRY_S * 1e9), self.index[fd], self.attempt[fd] + 1))
        else:
            self.refused += 1

    def close(self) -> None:
        """Close every socket (the server sees each stream end)."""
        for sock in self.sockets.values():
            sock.close()
        self.epoll.close()


def serve(targets: list[tuple], pipe, open_timeout_s: float = 60) -> None:
    """Process entry: open the streams, say how many opened, read until told to stop.

    Sends ("open", count) once every stream said `: connected` or was refused ATTEMPTS
    times, or after `open_timeout_s` (the fleet's thousands take minutes). Then,
    told ("expect", request ids[, deliveries wanted]), reads until that many deliveries
    of them arrived (default: every open stream has every one of them) or DRAIN_S passed,
    and sends ("done", arrivals, cpu_s, wall_s, longest_batch_ms, streams closed by the
    server).
    """
    readers = Readers(targets)
    deadline = time.monotonic_ns() + int(open_timeout_s * 10**9)
    while not readers.settled and time.monotonic_ns() < deadline:
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
