import { TestScheduler } from 'rxjs/testing';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionState,
  ConnectOptions,
  ConnectionStatus as S,
  connect,
} from '../../../src/index';
import { MarbleConnection, MarbleTransport } from '../../../src/testing';
import { at, record } from './virtualTime';

// Issue 10, contract 3: outbound progress (the socket's buffer draining) counts as life. A link busy
// uploading to a quiet server, whose pings wait behind its own frames, is delivering: it must never
// be declared dead. A backlog that does not drain is no progress, and the link is replaced.
// The MarbleConnection's `backlog` holds written frames (and the pings behind them) until `drain()`.

const frames = { o: MarbleTransport.OPEN, t: '{"channel":"trades"}' };
/** A 20 KB frame: over the default high-water mark (16 KiB) on its own. */
const bulk = { bulk: 'x'.repeat(20_000) };
/** Three heartbeat timeouts (60 s each, the default). */
const RUN_MS = 180_000;

describe('outbound: progress counts as life', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A link that opens at once and is closed at `closeAt`, with every event and state recorded. */
  function start(
    transport: MarbleTransport,
    closeAt: number,
    options: Partial<ConnectOptions> = {},
  ): { link: Connection; events: ConnectionEvent[]; states: Array<[number, ConnectionState]> } {
    const link = connect({
      url: 'ws://exchange.test',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      ...options,
    });
    const events: ConnectionEvent[] = [];
    link.events$.subscribe((event) => events.push(event));
    const states = record(testScheduler, link.state$);
    at(testScheduler, closeAt, () => void link.close());
    return { link, events, states };
  }

  const socket = (transport: MarbleTransport): MarbleConnection => transport.connections[0] as MarbleConnection;

  /** From `from` to `to`: a bulk frame every `everyMs`, errors (expired under backpressure) ignored. */
  function upload(link: Connection, from: number, to: number, everyMs: number, frame: object = bulk): void {
    for (let t = from; t < to; t += everyMs) at(testScheduler, t, () => void link.send(frame).catch(() => undefined));
  }

  /** From `from` to `to`: the "kernel" takes one buffered frame every `everyMs` (a slow uplink). */
  function drip(transport: MarbleTransport, from: number, to: number, everyMs: number): void {
    for (let t = from; t < to; t += everyMs) at(testScheduler, t, () => socket(transport).drain(1));
  }

  it('should never declare dead a link whose backlog keeps draining while the quiet server answers no ping', () => {
    let transport!: MarbleTransport;
    let run!: ReturnType<typeof start>;
    testScheduler.run(({ cold }) => {
      // No pong ever comes back (they would wait behind our frames), and the server sends no data.
      transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)]);
      run = start(transport, RUN_MS);
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      upload(run.link, 100, RUN_MS, 1000);
      drip(transport, 1100, RUN_MS, 2000);
    });
    const types = run.events.map((e) => e.type);
    expect(types).not.toContain(E.HeartbeatTimeout);
    expect(transport.attempts).toBe(1);
    expect(socket(transport).aborted).toBe(false);
    // Bytes drained every 2 s, well within pongTimeout (5 s): the outbound path stays confirmed.
    expect(run.states.filter(([, s]) => s.outbound === 'unconfirmed')).toEqual([]);
    expect(run.states.filter(([, s]) => s.status === S.Unstable)).toEqual([]);
    // Delivering all along: a frame every 2 s for three minutes.
    expect(socket(transport).sent.length).toBeGreaterThanOrEqual(RUN_MS / 2000 - 1);
  });

  it('should answer the pings stuck behind the frames late, and measure how slow the link is by them', () => {
    let transport!: MarbleTransport;
    let run!: ReturnType<typeof start>;
    let latencies: Array<[number, { latencyMs: number }]> = [];
    let last!: ReturnType<Connection['snapshot']>;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)], { autoPongMs: 5 });
      run = start(transport, RUN_MS, { unstableTimeout: 'Infinity', adaptiveHeartbeat: false });
      latencies = record(testScheduler, run.link.latency$);
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      // 6 KB a second into an uplink that takes a frame every 2 s: the socket holds three frames
      // (up to the high-water mark, and one more), and every ping waits behind them.
      upload(run.link, 100, RUN_MS, 1000, { bulk: 'x'.repeat(6000) });
      drip(transport, 1100, RUN_MS, 2000);
      at(testScheduler, RUN_MS - 1, () => (last = run.link.snapshot()));
    });
    expect(run.events.map((e) => e.type)).not.toContain(E.HeartbeatTimeout);
    expect(transport.attempts).toBe(1);
    // The ping at the open went out at once; each later one waited behind three frames (2 s each).
    expect(latencies.map(([, sample]) => sample.latencyMs)).toEqual([5, 5105, 5105, 5105, 5105, 5105]);
    // The round trips say how slow it is (a latency warning); each ping waited longer than pongTimeout,
    // yet the outbound path stayed confirmed, by the bytes draining meanwhile.
    expect(last.warnings).toContain('latency');
    expect(last.state.outbound).toBe('confirmed');
    expect(run.states.filter(([, s]) => s.outbound === 'unconfirmed')).toEqual([]);
  });

  it('should replace a link whose backlog stops draining, counting from the first ping unanswered after the last bytes drained', () => {
    let transport!: MarbleTransport;
    let run!: ReturnType<typeof start>;
    testScheduler.run(({ cold }) => {
      // Market data flows in all along (a tick a second): only the outbound direction is stuck.
      const ticks = 'o 999ms ' + 't 999ms '.repeat(150);
      transport = new MarbleTransport(testScheduler, [cold(ticks, frames), cold('o', frames)], { autoPongMs: 5 });
      run = start(transport, 150_000, { adaptiveHeartbeat: false, dynamicTimeout: false });
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      upload(run.link, 100, 30_000, 1000);
      // The uplink drains until 20 s, then nothing more leaves.
      drip(transport, 1100, 20_000, 2000);
    });
    const unconfirmed = run.states.find(([, s]) => s.outbound === 'unconfirmed');
    const timeout = run.events.find((e) => e.type === E.HeartbeatTimeout) as ConnectionEvent;
    // Last bytes drained at 19.1 s; the ping at 30 s waits behind frames that never leave: unconfirmed
    // pongTimeout (5 s) later, dead heartbeatTimeout (60 s) later, ticks or not.
    expect(unconfirmed?.[0]).toBe(35_000);
    expect(timeout.timestamp).toBe(90_000);
    expect(timeout.description).toContain('the outbound path is dead');
    expect(socket(transport).aborted).toBe(true);
    expect(transport.attempts).toBe(2);
  });

  it('should replace a link whose backlog never drains to a quiet server, as dead', () => {
    let transport!: MarbleTransport;
    let run!: ReturnType<typeof start>;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)], { autoPongMs: 5 });
      run = start(transport, 100_000, { adaptiveHeartbeat: false, dynamicTimeout: false });
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      upload(run.link, 100, 30_000, 1000);
    });
    const timeout = run.events.find((e) => e.type === E.HeartbeatTimeout) as ConnectionEvent;
    // The pong of the ping at the open (5 ms) was the last sign of life.
    expect(timeout.timestamp).toBe(60_005);
    expect(socket(transport).aborted).toBe(true);
    expect(socket(transport).sent).toEqual([]);
    expect(transport.attempts).toBe(2);
  });

  describe('a backlog in the kernel, out of the socket’s sight', () => {
    // The socket's buffer is empty (the kernel took every frame at once), the pings wait in the
    // kernel behind them, the server is quiet: only the peer's TCP acknowledgements say the link lives.
    const fast = { heartbeatInterval: 500, heartbeatTimeout: 1000, pongTimeout: 500 } as const;

    function acknowledging(
      until: number,
      backlog = 200_000,
    ): { transport: MarbleTransport; run: ReturnType<typeof start> } {
      let transport!: MarbleTransport;
      let run!: ReturnType<typeof start>;
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)]);
        run = start(transport, 20_000, fast);
        upload(run.link, 100, 20_000, 250, { order: 1 });
        // 25 KB acknowledged every 100 ms: a 2 Mbit/s uplink busy with bytes queued in the kernel.
        at(testScheduler, 0, () => (socket(transport).kernelHeld = backlog));
        for (let t = 0; t <= until; t += 100) at(testScheduler, t, () => (socket(transport).acked = t * 250));
      });
      return { transport, run };
    }

    it('should keep a link alive while the peer keeps acknowledging our bytes, with no pong and no data', () => {
      const { transport, run } = acknowledging(20_000);
      expect(run.events.map((e) => e.type)).not.toContain(E.HeartbeatTimeout);
      // Down only when closed, at the end.
      expect(run.events.filter((e) => e.type === E.Disconnected).map((e) => e.timestamp)).toEqual([20_000]);
      expect(transport.attempts).toBe(1);
    });

    it('should declare it dead a timeout after the acknowledgements stop', () => {
      const { transport, run } = acknowledging(5000);
      const timeouts = run.events.filter((e) => e.type === E.HeartbeatTimeout).map((e) => e.timestamp);
      // Last acknowledged at 5000: dead a timeout later, at most a window (300 ms) more to read it again.
      expect(timeouts[0]).toBeGreaterThanOrEqual(6000);
      expect(timeouts[0]).toBeLessThanOrEqual(6300);
      expect(socket(transport).aborted).toBe(true);
    });

    it('should not let acknowledgements excuse a missing pong with no backlog to wait behind (a proxy acking for a dead server)', () => {
      const { run } = acknowledging(20_000, 2000);
      const timeouts = run.events.filter((e) => e.type === E.HeartbeatTimeout).map((e) => e.timestamp);
      expect(timeouts[0]).toBeLessThanOrEqual(1300);
    });

    it('should declare it dead at the timeout where the kernel does not say (acked unset)', () => {
      const { run } = acknowledging(-1);
      const timeouts = run.events.filter((e) => e.type === E.HeartbeatTimeout).map((e) => e.timestamp);
      expect(timeouts[0]).toBeLessThanOrEqual(1100);
    });
  });
});
