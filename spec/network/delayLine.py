"""A packet delay line for the network test bed: this kernel has no netem.

Runs in the router namespace, attached to a TUN device that policy routing sends the forwarded
traffic through. Each IP packet read from the device is held for a uniform random delay in
[delay - jitter, delay + jitter] ms and written back, where the kernel forwards it on by its main
routing table. Packets toward one destination leave in the order they came (a release is never
earlier than the one before it toward the same address), so the line delays and jitters without
reordering a TCP stream, and no packet waits longer than delay + jitter.

Usage: python3 delayLine.py DEVICE DELAY_MS JITTER_MS [SEED]
Prints "ready" once attached; exits on SIGTERM, SIGINT or end of stdin, printing its counts.
Python standard library only.
"""

import collections
import fcntl
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MAX_HELD = 20000  # packets; past this the line drops, as a full router queue would


def main() -> int:
    device, delay_ms, jitter_ms = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else None)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", device.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)

    queues: dict[bytes, collections.deque] = collections.defaultdict(collections.deque)
    last_release: dict[bytes, float] = {}
    counts = {"forwarded": 0, "dropped": 0}
    held = 0
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)
    stdin = sys.stdin.fileno()
    watch = [fd, stdin]

    while not stopping:
        now = time.monotonic()
        due = min((q[0][0] for q in queues.values() if q), default=now + 0.5)
        try:
            readable, _, _ = select.select(watch, [], [], max(0.0, due - now))
        except InterruptedError:
            continue
        if stdin in readable and not os.read(stdin, 4096):
            break
        if fd in readable:
            while True:
                try:
                    packet = os.read(fd, 65535)
                except BlockingIOError:
                    break
                if len(packet) < 20:
                    continue
                if held >= MAX_HELD:
                    counts["dropped"] += 1
                    continue
                destination = packet[16:20]
                arrived = time.monotonic()
                release = arrived + rng.uniform(delay_ms - jitter_ms, delay_ms + jitter_ms) / 1000
                release = max(release, last_release.get(destination, 0.0))
                last_release[destination] = release
                queues[destination].append((release, packet))
                held += 1
        now = time.monotonic()
        for queue in queues.values():
            while queue and queue[0][0] <= now:
                _, packet = queue.popleft()
                held -= 1
                try:
                    os.write(fd, packet)
                    counts["forwarded"] += 1
                except OSError:
                    counts["dropped"] += 1

    print(f"forwarded {counts['forwarded']} dropped {counts['dropped']} held {held}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
