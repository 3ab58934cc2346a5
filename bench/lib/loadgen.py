"""Open-loop HTTP/1.1 load for the side-by-side benchmark (wrk2 is not packaged on Debian).

Fixed rate: request i is due at t0 + i/rate whatever happened before (open loop), on a keep-alive
connection taken from a pool (a new one is opened when none is idle). Latency is measured from the
due time, so time spent waiting behind a slow server counts (no coordinated omission).

Streams: N concurrent SSE requests; time to first content event, events received, completions.

Written by hand because no packaged tool does open-loop fixed-rate HTTP with percentiles here; the
client is raw asyncio (Protocol) so the generator's own cost stays small next to the servers'.
"""
import asyncio
import time
from collections import deque

try:  # uvloop halves the generator's CPU; plain asyncio works too.
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None


# uvloop's loop.time() has millisecond resolution: every timestamp taken for a measurement uses this.
clock = time.perf_counter


def new_loop():
    return uvloop.new_event_loop() if uvloop else asyncio.new_event_loop()


def build_request(host, port, path, body, headers):
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Conn(asyncio.Protocol):
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self):
        self.transport = None
        self.buf = bytearray()
        self.waiter = None
        self.closed = False
        self.stream_cb = None

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.closed = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))

    def data_received(self, data):
        self.buf += data
        if self.stream_cb:
            self.stream_cb()
        if self.waiter and not self.waiter.done():
            result = self._parse()
            if result is not None:
                self.waiter.set_result(result)

    def _parse(self):
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        length, chunked, close = None, False, False
        for line in head[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and "close" in value.lower():
                close = True
        start = end + 4
        if length is not None:
            if len(self.buf) < start + length:
                return None
            body = bytes(self.buf[start:start + length])
            del self.buf[:start + length]
            return status, body, close
        if chunked:
            pos, body = start, bytearray()
            while True:
                eol = self.buf.find(b"\r\n", pos)
                if eol < 0:
                    return None
                size = int(bytes(self.buf[pos:eol]).split(b";")[0], 16)
                if len(self.buf) < eol + 2 + size + 2:
                    return None
                body += self.buf[eol + 2:eol + 2 + size]
                pos = eol + 2 + size + 2
                if size == 0:
                    del self.buf[:pos]
                    return status, bytes(body), close
        return None  # read-until-close bodies are not used by the targets

    async def request(self, payload):
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        try:
            return await self.waiter
        finally:
            self.waiter = None


async def _connect(host, port):
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(_Conn, host, port)
    return proto


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


async def fixed_rate(host, port, path, body, headers, rate, duration, max_conns=512, timeout=30.0):
    """Returns dict: sent, ok, errors (by kind), latencies ms (sorted), achieved rate."""
    payload = build_request(host, port, path, body, headers)
    idle, latencies, errors = deque(), [], {}
    conns = 0
    total = int(rate * duration)
    inflight = set()
    loop = asyncio.get_running_loop()

    async def one(due):
        nonlocal conns
        conn = None
        try:
            while idle:
                c = idle.pop()
                if not c.closed:
                    conn = c
                    break
                conns -= 1
            if conn is None:
                while conns >= max_conns and not idle:
                    await asyncio.sleep(0.0005)
                if idle:
                    conn = idle.pop()
                else:
                    conns += 1
                    try:
                        conn = await _connect(host, port)
                    except OSError:
                        conns -= 1
                        raise
            status, _, close = await asyncio.wait_for(conn.request(payload), timeout)
            done = clock()
            if status == 200:
                latencies.append((done - due) * 1000.0)
            else:
                errors[f"http_{status}"] = errors.get(f"http_{status}", 0) + 1
            if close or conn.closed:
                conn.transport.close()
                conns -= 1
            else:
                idle.append(conn)
        except (asyncio.TimeoutError, ConnectionError, OSError) as e:
            kind = "timeout" if isinstance(e, asyncio.TimeoutError) else "connection"
            errors[kind] = errors.get(kind, 0) + 1
            if conn is not None:
                conn.transport.close()
                conns -= 1

    t0 = clock() + 0.05
    i = 0
    while i < total:
        now = clock()
        while i < total and t0 + i / rate <= now:
            task = loop.create_task(one(t0 + i / rate))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
            i += 1
        if i < total:
            await asyncio.sleep(max(0.0, t0 + i / rate - clock()))
    if inflight:
        await asyncio.wait(inflight, timeout=timeout + 1)
    elapsed = clock() - t0
    for c in idle:
        c.transport.close()
    latencies.sort()
    return {"sent": total, "ok": len(latencies), "errors": errors, "latencies": latencies,
            "achieved_rps": len(latencies) / elapsed if elapsed > 0 else 0.0}


async def _one_stream(host, port, payload, started, timeout):
    """Returns (ttft_ms or None, events, ok)."""
    loop = asyncio.get_running_loop()
    conn = await _connect(host, port)
    state = {"first": None, "events": 0, "done": False}
    finished = loop.create_future()

    def on_data():
        buf = conn.buf
        if state["first"] is None and b'"content":"' in buf:
            state["first"] = clock()
        state["events"] = buf.count(b"data:")
        if b"[DONE]" in buf and not finished.done():
            finished.set_result(True)

    conn.stream_cb = on_data
    conn.transport.write(payload)
    try:
        await asyncio.wait_for(asyncio.shield(finished), timeout)
        ok = conn.buf.startswith(b"HTTP/1.1 200")
    except (asyncio.TimeoutError, ConnectionError):
        ok = False
    finally:
        conn.transport.close()
    ttft = (state["first"] - started) * 1000.0 if state["first"] else None
    return ttft, state["events"], ok


async def streams(host, port, path, body, headers, count, timeout=120.0, ramp_per_second=2000, rss_probe=None):
    """Opens `count` concurrent SSE streams (ramped), waits for all to finish.

    Returns dict: ok, failed, events, wall seconds, events/s, ttft ms (sorted), peak concurrent open."""
    payload = build_request(host, port, path, body, headers)
    loop = asyncio.get_running_loop()
    results = []
    t0 = clock()

    async def runner(i):
        await asyncio.sleep(i / ramp_per_second)
        started = clock()
        try:
            results.append(await _one_stream(host, port, payload, started, timeout))
        except OSError:
            results.append((None, 0, False))

    await asyncio.gather(*(runner(i) for i in range(count)))
    wall = clock() - t0
    ok = [r for r in results if r[2]]
    events = sum(r[1] for r in results)
    ttfts = sorted(r[0] for r in ok if r[0] is not None)
    return {"ok": len(ok), "failed": len(results) - len(ok), "events": events, "wall_s": wall,
            "events_per_s": events / wall if wall > 0 else 0.0, "ttft": ttfts}


async def sequential_ttft(host, port, path, body, headers, count, timeout=30.0):
    """`count` streams one after another: time to first content event (ms, sorted)."""
    payload = build_request(host, port, path, body, headers)
    loop = asyncio.get_running_loop()
    out, failed = [], 0
    for _ in range(count):
        started = clock()
        try:
            ttft, _, ok = await _one_stream(host, port, payload, started, timeout)
        except OSError:
            ttft, ok = None, False
        if ok and ttft is not None:
            out.append(ttft)
        else:
            failed += 1
    out.sort()
    return {"ttft": out, "failed": failed}
