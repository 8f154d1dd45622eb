import { TestScheduler } from 'rxjs/testing';
import { Connection, ConnectOptions, connect } from '../../../src/index';
import { MarbleConnection, MarbleTransport } from '../../../src/testing';
import { Outcome, at, flushPromises, outcomeOf } from './virtualTime';

// Issue 10, contract 2: the ttl covers the whole time until the bytes are handed to the kernel.
// While the socket's own buffer holds more than `highWaterMark` bytes, sends wait in lifeline's queue
// (under their ttl), are written in order as it drains, and one whose ttl runs out is rejected with
// SendError('expired') and never written. send() resolves when the kernel has taken the bytes.
// The MarbleConnection's `backlog` holds written frames in the socket's buffer until `drain()`.

const frames = { o: MarbleTransport.OPEN };
/** A frame of `bytes` bytes of JSON text: `{"f":"<name>xxxx…"}`. */
const frame = (name: string, bytes: number): { f: string } => ({ f: name.padEnd(bytes - 8, 'x') });

describe('outbound: the ttl runs until the kernel has the bytes (high-water mark)', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A link that opens at once, with pongs answered after 1 ms, closed at `closeAt`. */
  function start(
    transport: MarbleTransport,
    closeAt: number,
    options: Partial<ConnectOptions> = {},
  ): Connection<unknown, unknown> {
    const link = connect({
      url: 'ws://exchange.test',
      transport,
      scheduler: testScheduler,
      jitter: 'none',
      ...options,
    });
    at(testScheduler, closeAt, () => void link.close());
    return link;
  }

  const socket = (transport: MarbleTransport): MarbleConnection => transport.connections[0] as MarbleConnection;

  it('should keep sends in its own queue while the socket holds more than the high-water mark, and write them in order as it drains', async () => {
    let transport!: MarbleTransport;
    const seen: Array<[number, number, number, number]> = [];
    const order: string[] = [];
    let outcomes: Outcome[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 5000, { highWaterMark: 1000 });
      const look = (t: number): void =>
        void at(testScheduler, t, () =>
          seen.push([t, socket(transport).bufferedAmount, link.snapshot().queued, socket(transport).sent.length]),
        );
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      at(testScheduler, 100, () => {
        // a: 1500 bytes into the socket's buffer (it was empty): over the mark from now on.
        outcomes = ['a', 'b', 'c', 'd', 'e'].map((name) =>
          outcomeOf(link.send(frame(name, name === 'a' ? 1500 : 600)), name, order),
        );
      });
      look(101);
      // The kernel takes a: b goes into the empty socket, c too (600 ≤ 1000), then it is over the mark.
      at(testScheduler, 1000, () => socket(transport).drain(1));
      look(1001);
      // b taken: 600 left (c), under the mark, so d is written; e still waits.
      at(testScheduler, 2000, () => socket(transport).drain(1));
      look(2001);
      at(testScheduler, 3000, () => socket(transport).drain());
      look(3001);
    });
    await flushPromises();
    expect(seen).toEqual([
      // [t, bytes in the socket's buffer, messages in lifeline's queue, frames the kernel took]
      [101, 1500, 4, 0],
      [1001, 1200, 2, 1],
      [2001, 1200, 1, 2],
      [3001, 0, 0, 5],
    ]);
    expect(socket(transport).texts.map((text) => (JSON.parse(text) as { f: string }).f[0])).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    expect(socket(transport).sent.map((s) => s.at)).toEqual([1000, 2000, 3000, 3000, 3000]);
    expect(outcomes.map((o) => o.state)).toEqual(['resolved', 'resolved', 'resolved', 'resolved', 'resolved']);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('should reject a send whose ttl runs out while it waits behind the backlog, and never write it', async () => {
    let transport!: MarbleTransport;
    const queued: Array<[number, number]> = [];
    let expiring!: Outcome;
    let patient!: Outcome;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 10_000, { highWaterMark: 1000 });
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      at(testScheduler, 100, () => {
        void link.send(frame('big', 1500));
        // The link is up and ready: only the socket's backlog holds these back.
        expiring = outcomeOf(link.send({ order: 'expiring' }, { ttl: '2s' }));
        patient = outcomeOf(link.send({ order: 'patient' }, { ttl: '5s' }));
      });
      for (const t of [2099, 2101]) at(testScheduler, t, () => queued.push([t, link.snapshot().queued]));
      at(testScheduler, 3000, () => socket(transport).drain());
      at(testScheduler, 4000, () => socket(transport).drain());
    });
    await flushPromises();
    expect(queued).toEqual([
      [2099, 2],
      [2101, 1],
    ]);
    expect(expiring).toEqual({ state: 'rejected', reason: 'expired' });
    expect(patient.state).toBe('resolved');
    expect(socket(transport).texts.slice(1)).toEqual(['{"order":"patient"}']);
    expect(socket(transport).texts.join()).not.toContain('expiring');
  });

  it('should count the kernel’s unacknowledged backlog too, where the kernel says, once more than the mark went in', async () => {
    let transport!: MarbleTransport;
    const queued: Array<[number, number]> = [];
    let expiring!: Outcome;
    let patient!: Outcome;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 10_000, { highWaterMark: 1000 });
      // The socket's own buffer stays empty: the kernel takes every frame at once, and holds 1500 bytes.
      at(testScheduler, 10, () => (socket(transport).kernelHeld = 0));
      at(testScheduler, 100, () => {
        void link.send(frame('big', 1500));
        socket(transport).kernelHeld = 1500;
        expiring = outcomeOf(link.send({ order: 'expiring' }, { ttl: '2s' }));
        patient = outcomeOf(link.send({ order: 'patient' }, { ttl: '5s' }));
      });
      for (const t of [2099, 2101]) at(testScheduler, t, () => queued.push([t, link.snapshot().queued]));
      // The peer acknowledges it: the kernel holds nothing; the next look (every 20 ms) writes the rest.
      at(testScheduler, 3000, () => (socket(transport).kernelHeld = 0));
    });
    await flushPromises();
    expect(queued).toEqual([
      [2099, 2],
      [2101, 1],
    ]);
    expect(expiring).toEqual({ state: 'rejected', reason: 'expired' });
    expect(patient.state).toBe('resolved');
    const sent = socket(transport).sent.map(({ at: time, data }) => [time, data.toString()]);
    expect(sent.slice(1)).toEqual([[3000, '{"order":"patient"}']]);
  });

  it('should not ask the kernel while less than the mark was written since it last held little', async () => {
    let transport!: MarbleTransport;
    let outcomes: Outcome[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 10_000, { highWaterMark: 1000 });
      // The kernel would say it holds a lot, but 900 bytes of small orders are no reason to ask it.
      at(testScheduler, 10, () => (socket(transport).kernelHeld = 1_000_000));
      at(testScheduler, 100, () => {
        outcomes = [1, 2, 3].map((n) => outcomeOf(link.send(frame(`o${n}`, 300)), `o${n}`));
      });
    });
    await flushPromises();
    expect(outcomes.map((o) => o.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(socket(transport).sent.map(({ at: time }) => time)).toEqual([100, 100, 100]);
  });

  it('should resolve send() only once the kernel has taken the bytes, not when they enter the socket', async () => {
    let transport!: MarbleTransport;
    const states: Array<[number, string[]]> = [];
    let outcomes: Outcome[] = [];
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 5000);
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      at(testScheduler, 100, () => {
        // Both fit under the default mark: written into the socket at once, neither drained yet.
        outcomes = [link.send({ order: 1 }), link.send({ order: 2 })].map((p) => outcomeOf(p));
      });
      at(testScheduler, 1000, () => socket(transport).drain(1));
      at(testScheduler, 1001, () => states.push([1001, socket(transport).texts]));
    });
    await flushPromises();
    expect(states).toEqual([[1001, ['{"order":1}']]]);
    // The first was taken; the second still sits in the socket (never drained): not resolved.
    expect(outcomes.map((o) => o.state)).toEqual(['resolved', 'pending']);
  });

  it('should reject with write, never resolve, a send whose bytes the socket still held when it was abandoned', async () => {
    let transport!: MarbleTransport;
    let held!: Outcome;
    testScheduler.run(({ cold }) => {
      transport = new MarbleTransport(testScheduler, [cold('o', frames), cold('o', frames)], { autoPongMs: 1 });
      const link = start(transport, 5000);
      at(testScheduler, 10, () => (socket(transport).backlog = true));
      at(testScheduler, 100, () => (held = outcomeOf(link.send({ order: 'held' }))));
      at(testScheduler, 1000, () => link.reconnect());
    });
    await flushPromises();
    expect(socket(transport).aborted).toBe(true);
    expect(held).toEqual({ state: 'rejected', reason: 'write' });
    // Written once, on the old socket, and lost with it: never sent again on the new one.
    expect(transport.connections.flatMap((c) => c.texts)).toEqual([]);
  });

  describe('the default high-water mark', () => {
    it('should be 16 KiB: a send is written while the socket holds up to 16384 bytes, and waits above', async () => {
      let transport!: MarbleTransport;
      let link!: Connection;
      const seen: Array<[string, number, number]> = [];
      testScheduler.run(({ cold }) => {
        transport = new MarbleTransport(testScheduler, [cold('o', frames)], { autoPongMs: 1 });
        link = start(transport, 5000);
        at(testScheduler, 10, () => (socket(transport).backlog = true));
        at(testScheduler, 100, () => {
          void link.send(frame('a', 16_384));
          seen.push(['a', socket(transport).bufferedAmount, link.snapshot().queued]);
          // 16384 bytes buffered: at the mark, not over it, so this one is written too.
          void link.send({ b: 1 });
          seen.push(['b', socket(transport).bufferedAmount, link.snapshot().queued]);
          void link.send({ c: 1 });
          seen.push(['c', socket(transport).bufferedAmount, link.snapshot().queued]);
        });
        at(testScheduler, 1000, () => socket(transport).drain());
        // The kernel takes a and b; c is written as room comes, and taken in the same drain.
        at(testScheduler, 1001, () => seen.push(['drained', socket(transport).bufferedAmount, link.snapshot().queued]));
      });
      await flushPromises();
      expect(link.config.highWaterMark).toBe(16 * 1024);
      expect(seen).toEqual([
        ['a', 16_384, 0],
        ['b', 16_384 + '{"b":1}'.length, 0],
        ['c', 16_384 + '{"b":1}'.length, 1],
        ['drained', 0, 0],
      ]);
      expect(socket(transport).texts.slice(1)).toEqual(['{"b":1}', '{"c":1}']);
    });
  });
});
