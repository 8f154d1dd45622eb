import { TestScheduler } from 'rxjs/testing';
import {
  Connection,
  ConnectionEvent,
  ConnectionEventType as E,
  ConnectionState,
  ConnectOptions,
  ConnectionStatus as S,
  GateState,
  connect,
  tradeGate,
} from '../../../src/index';
import { MarbleConnection, MarbleTransport } from '../../../src/testing';
import { Outcome, at, flushPromises, outcomeOf, record } from './virtualTime';

// Issue 10, contract 4: inbound data proves the inbound direction only. When pings stay unanswered
// past `pongTimeout` while data still flows, the outbound path is unconfirmed: the status is Unstable
// with the reason in state$ (`outbound: 'unconfirmed'`) and an event, the trade gate closes, new sends
// wait in the queue under their ttl instead of being written into the void, and past the heartbeat
// timeout the link is replaced (with a reset). A pong confirms the path again.
// spec/streams/connect.spec.ts ('heartbeat') pins the timings with default settings; here, what the
// trader sees and what happens to orders.

const frames = { o: MarbleTransport.OPEN, t: '{"channel":"trades"}' };
/** A tick a second for 100 s. */
const ticking = 'o 999ms ' + 't 999ms '.repeat(100);
/** Pings every 10 s, unconfirmed 5 s after an unanswered one, dead 60 s after it. */
const settings: Partial<ConnectOptions> = { heartbeatInterval: '10s', adaptiveHeartbeat: false, dynamicTimeout: false };

describe('outbound: a one-way link (data in, pings unanswered)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  interface Run {
    link: Connection;
    transport: MarbleTransport;
    events: ConnectionEvent[];
    states: Array<[number, ConnectionState]>;
    gates: Array<[number, GateState]>;
  }

  /** Ticks flow all along; pongs come back after 5 ms except from `silentFrom` to `silentTo`. */
  function start(silentFrom: number, silentTo: number, closeAt: number): Run {
    const transport = new MarbleTransport(testScheduler, [testScheduler.createColdObservable(ticking, frames)], {
      autoPongMs: 5,
    });
    return startOn(transport, silentFrom, silentTo, closeAt);
  }

  function startOn(transport: MarbleTransport, silentFrom: number, silentTo: number, closeAt: number): Run {
    const link = connect({
      url: 'ws://exchange.test',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      ...settings,
    });
    const events: ConnectionEvent[] = [];
    link.events$.subscribe((event) => events.push(event));
    const states = record(testScheduler, link.state$);
    const gates = record(testScheduler, tradeGate(link, {}, testScheduler).gate$);
    at(testScheduler, silentFrom, () => (transport.autoPongMs = undefined));
    if (Number.isFinite(silentTo)) at(testScheduler, silentTo, () => (transport.autoPongMs = 5));
    at(testScheduler, closeAt, () => void link.close());
    return { link, transport, events, states, gates };
  }

  const socket = (run: Run, n = 0): MarbleConnection => run.transport.connections[n] as MarbleConnection;

  it('should go Unstable with the reason in state$ and an event, close the gate, hold new sends, and recover on a pong', async () => {
    let run!: Run;
    let stale!: Outcome;
    let held!: Outcome;
    testScheduler.run(({ cold }) => {
      const transport = new MarbleTransport(testScheduler, [cold(ticking, frames)], { autoPongMs: 5 });
      // The ping at 20 s is never answered; the one at 30 s is.
      run = startOn(transport, 19_999, 29_000, 50_000);
      at(testScheduler, 26_000, () => {
        stale = outcomeOf(run.link.send({ order: 'stale' }, { ttl: '2s' }));
        held = outcomeOf(run.link.send({ order: 'held' }, { ttl: '30s' }));
      });
    });
    await flushPromises();
    const stateAt = (t: number): ConnectionState | undefined => run.states.filter(([time]) => time <= t).pop()?.[1];
    // Unconfirmed pongTimeout (5 s) after the ping at 20 s, though a tick came in every second.
    expect(stateAt(24_999)).toMatchObject({ status: S.Connected, outbound: 'confirmed', ready: true });
    expect(stateAt(25_000)).toMatchObject({ status: S.Unstable, outbound: 'unconfirmed', ready: false });
    expect(stateAt(30_005)).toMatchObject({ status: S.Connected, outbound: 'confirmed', ready: true });
    const said = run.events.filter((e) => e.description.startsWith('outbound path'));
    expect(said.map((e) => [e.timestamp, e.type, e.description])).toEqual([
      [
        25_000,
        E.QualityDegraded,
        'outbound path unconfirmed: no pong and nothing drained for 5s, while data still comes in; sends wait',
      ],
      [30_005, E.QualityImproved, 'outbound path confirmed again'],
    ]);
    // The gate: open after the settle time (5 s), closed while the path is unconfirmed, open 5 s after it is back.
    expect(run.gates.filter(([t]) => t < 50_000).map(([t, g]) => [t, g.open, g.reason])).toEqual([
      [0, false, S.Connecting],
      [0, false, 'notReady'],
      [0, false, 'quality'],
      [5, false, 'settling'],
      [5005, true, 'healthy'],
      [25_000, false, S.Unstable],
      [30_005, false, 'notReady'],
      [30_005, false, 'settling'],
      [35_005, true, 'healthy'],
    ]);
    // Nothing written while unconfirmed: the stale order expired unwritten, the other went out once confirmed.
    expect(stale).toEqual({ state: 'rejected', reason: 'expired' });
    expect(held.state).toBe('resolved');
    expect(socket(run).sent.map((s) => [s.at, s.data])).toEqual([[30_005, '{"order":"held"}']]);
    expect(run.transport.attempts).toBe(1);
  });

  it('should replace the link with a reset past the heartbeat timeout, and send what waited on the new one within its ttl', async () => {
    let run!: Run;
    let early!: Outcome;
    let waiting!: Outcome;
    let late!: Outcome;
    testScheduler.run(() => {
      run = start(19_999, Infinity, 100_000);
      at(testScheduler, 21_000, () => {
        // Written before the path is judged: the kernel takes it. This is what can still arrive late.
        early = outcomeOf(run.link.send({ order: 'early' }));
        socket(run).backlog = true;
      });
      // Written before the judgement too, but still in the socket when it is reset: dropped, rejected.
      at(testScheduler, 22_000, () => (late = outcomeOf(run.link.send({ order: 'in-socket' }))));
      at(testScheduler, 26_000, () => (waiting = outcomeOf(run.link.send({ order: 'waiting' }, { ttl: '90s' }))));
    });
    await flushPromises();
    const timeout = run.events.find((e) => e.type === E.HeartbeatTimeout) as ConnectionEvent;
    // 60 s without a pong or drained bytes after the ping at 20 s, ticks or not.
    expect(timeout.timestamp).toBe(80_000);
    expect(timeout.description).toContain('the outbound path is dead');
    expect(socket(run).aborted).toBe(true);
    expect(socket(run).texts).toEqual(['{"order":"early"}']);
    expect([early.state, late, waiting.state]).toEqual([
      'resolved',
      { state: 'rejected', reason: 'write' },
      'resolved',
    ]);
    // The new socket opens after the first retry delay (2 s) and takes what waited, within its ttl.
    expect(socket(run, 1).sent.map((s) => [s.at, s.data])).toEqual([[82_000, '{"order":"waiting"}']]);
    expect(run.gates.filter(([t]) => t >= 25_000).every(([t, g]) => !g.open || t >= 87_000)).toBe(true);
  });
});
