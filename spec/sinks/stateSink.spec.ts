import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY, Subject, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ConfigError,
  Connection,
  ConnectionEventType as E,
  ConnectionStatus as S,
  ConnectOptions,
  ConnectionSnapshot,
  ConnectionStats,
  PersistedState,
  connect,
} from '../../src/index';
import { initialStats } from '../../src/model/ConnectionStats';
import { parseState } from '../../src/model/PersistedState';
import { readStateFile } from '../../src/sinks/readStateFile';
import { StateSource, stateSink } from '../../src/sinks/stateSink';
import { MarbleTransport } from '../../src/testing';
const { OPEN, closedBy } = MarbleTransport;
import { TestServer, startTestServer, waitFor } from '../support/testServer';

const frames = { o: OPEN };

/** A snapshot with these statistics and no events: the sink reads only `stats` and `recentEvents`. */
const snapshotOf = (stats: ConnectionStats): ConnectionSnapshot =>
  ({ stats, recentEvents: [] }) as Partial<ConnectionSnapshot> as ConnectionSnapshot;

describe('stateSink', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-state-'));
    path = join(dir, 'state.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const saved = (): PersistedState => parseState(readFileSync(path, 'utf8'));

  describe('in virtual time', () => {
    let testScheduler: TestScheduler;

    beforeEach(() => {
      testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    });

    const at = (ms: number, work: () => void): Subscription => testScheduler.schedule(work, ms);

    /** A source whose snapshot counts the snapshots taken. */
    function countingSource(status$: StateSource['status$']): StateSource & { taken: number } {
      const source = {
        taken: 0,
        status$,
        snapshot: () => snapshotOf({ ...initialStats(0), totalConnections: ++source.taken }),
      };
      return source;
    }

    it('should save every interval and once more when status$ completes, then stop', () => {
      const savedAt: Array<[number, number | undefined]> = [];
      testScheduler.run(({ cold }) => {
        const source = countingSource(cold('a 149999ms |'));
        stateSink(source, { path, every: '1m' }, testScheduler);
        for (const t of [59_999, 60_001, 119_999, 120_001, 150_001, 250_000]) {
          at(t, () => savedAt.push([t, readStateFile(path).state?.savedAt]));
        }
      });
      // status$ completes at 150 000: the final save; no tick at 180 000 or 240 000.
      expect(savedAt).toEqual([
        [59_999, undefined],
        [60_001, 60_000],
        [119_999, 60_000],
        [120_001, 120_000],
        [150_001, 150_000],
        [250_000, 150_000],
      ]);
      expect(saved().stats.totalConnections).toBe(3);
    });

    it('should default to saving every minute, and save once more when it is unsubscribed', () => {
      let taken: number[] = [];
      testScheduler.run(({ hot }) => {
        const source = countingSource(hot('a'));
        const sink = stateSink(source, { path }, testScheduler);
        at(60_001, () => taken.push(source.taken));
        at(90_000, () => sink.unsubscribe());
        at(200_000, () => taken.push(source.taken));
      });
      taken = [...taken, saved().savedAt];
      expect(taken).toEqual([1, 2, 90_000]);
    });

    it('should save once at once for a source that is already closed', () => {
      let taken = -1;
      testScheduler.run(({ cold }) => {
        const source = countingSource(cold('|'));
        stateSink(source, { path }, testScheduler);
        at(300_000, () => (taken = source.taken));
      });
      expect(taken).toBe(1);
      expect(saved().savedAt).toBe(0);
    });

    it('should report a failed save and keep saving', () => {
      const errors: unknown[] = [];
      writeFileSync(join(dir, 'file'), '');
      testScheduler.run(({ cold }) => {
        // The "directory" is a file: every save fails.
        const source = countingSource(cold('a 149999ms |'));
        stateSink(
          source,
          { path: join(dir, 'file', 'state.json'), every: '1m', onError: (e) => errors.push(e) },
          testScheduler,
        );
      });
      expect(errors).toHaveLength(3); // 60 s, 120 s, 150 s (the close)
      expect(String(errors[0])).toMatch(/ENOTDIR|EEXIST/);
      expect(readdirSync(dir)).toEqual(['file']);
    });

    it('should report an error of the source, and save once more', () => {
      const errors: unknown[] = [];
      testScheduler.run(({ cold }) => {
        const source = countingSource(cold('a 99ms #', undefined, new Error('boom')));
        stateSink(source, { path, onError: (e) => errors.push(e) }, testScheduler);
      });
      expect(errors).toEqual([new Error('boom')]);
      expect(saved().savedAt).toBe(100);
    });

    it('should save the statistics and recent events of a real link, and its close', () => {
      let mid!: PersistedState;
      testScheduler.run(({ cold }) => {
        const transport = new MarbleTransport(
          testScheduler,
          [cold('-o 999ms #', frames, closedBy(1006)), cold('-o', frames)],
          {
            autoPongMs: 5,
          },
        );
        const link = connect({ url: 'ws://exchange.test', transport, scheduler: testScheduler, jitter: 'none' });
        stateSink(link, { path, every: '10s' }, testScheduler);
        at(10_001, () => (mid = saved()));
        at(15_000, () => void link.close());
      });
      expect(mid.savedAt).toBe(10_000);
      expect(mid.stats).toMatchObject({ totalConnections: 2, totalDisconnections: 1, totalReconnectAttempts: 1 });
      expect(mid.recentEvents.map((e) => e.type)).toEqual([
        E.Connected,
        E.Disconnected,
        E.ReconnectAttempt,
        E.ReconnectSuccess,
      ]);
      const last = saved();
      expect(last.savedAt).toBe(15_000);
      expect(last.stats.downSince).toBe(15_000);
      expect(last.recentEvents.map((e) => e.type).slice(-1)).toEqual([E.Disconnected]);
      expect(readdirSync(dir)).toEqual(['state.json']);
    });
  });

  it('should create a missing directory', () => {
    const nested = join(dir, 'a', 'b', 'state.json');
    // EMPTY: a link already closed, so one save at once.
    const sink = stateSink({ status$: EMPTY, snapshot: () => snapshotOf(initialStats(0)) }, { path: nested });
    sink.unsubscribe();
    expect(readStateFile(nested).state?.version).toBe(1);
  });

  describe('configuration', () => {
    const source: StateSource = {
      status$: new Subject<S>(),
      snapshot: () => snapshotOf(initialStats(0)),
    };

    it.each([
      ['path', { path: '' }],
      ['path', { path: 42 }],
      ['every', { path: 'x.json', every: '0s' }],
      ['every', { path: 'x.json', every: 'often' }],
      ['onError', { path: 'x.json', onError: 'log' }],
      ['config', undefined],
    ])('should throw a ConfigError naming %s', (field, config) => {
      expect(() => stateSink(source, config as never)).toThrow(expect.objectContaining({ field }));
      expect(() => stateSink(source, config as never)).toThrow(ConfigError);
    });

    it('should throw a ConfigError for a source without status$ and snapshot()', () => {
      expect(() => stateSink({} as never, { path })).toThrow(expect.objectContaining({ field: 'source' }));
    });
  });

  describe('across a restart, on a real socket', () => {
    let server: TestServer | undefined;
    let link: Connection | undefined;

    afterEach(async () => {
      await link?.close();
      await server?.close();
      link = undefined;
      server = undefined;
    });

    const fast: Partial<ConnectOptions> = {
      heartbeatInterval: 100,
      heartbeatTimeout: 300,
      initialDelay: 50,
      jitter: 'none',
      resetOnSuccess: 0,
      sampleInterval: 50,
    };

    it('should carry totals and history into the next connect()', async () => {
      server = await startTestServer();
      // First run: no file yet; connect, lose the link once, reconnect, shut down.
      const first = readStateFile(path);
      expect(first.warning).toMatch(/first run/);
      link = connect({ url: server.url, ...fast, restore: first });
      stateSink(link, { path, every: '1h' });
      const socket = await server.nextConnection();
      await waitFor(() => link?.snapshot().status === S.Connected, 3000, 'Connected');
      socket.terminate();
      await waitFor(() => link?.snapshot().stats.successfulReconnects === 1, 3000, 'the reconnect');
      const before = link.snapshot();
      await link.close();
      // The final save happened inside close(): the process could exit now.
      const restored = readStateFile(path);
      expect(restored.warning).toBeUndefined();
      expect(restored.state?.stats).toMatchObject({
        totalConnections: 2,
        totalDisconnections: 1,
        totalReconnectAttempts: 1,
        successfulReconnects: 1,
      });

      // Second run.
      link = connect({ url: server.url, ...fast, restore: restored });
      await waitFor(() => link?.snapshot().status === S.Connected, 3000, 'Connected again');
      const after = link.snapshot();
      expect(after.stats).toMatchObject({
        totalConnections: 3,
        totalDisconnections: 1,
        totalReconnectAttempts: 1,
        successfulReconnects: 1,
        connectionStartTime: before.stats.connectionStartTime,
      });
      const types = after.recentEvents.map((e) => e.type);
      expect(types).toEqual([
        E.ErrorOccurred, // the first run's "no state file" warning, carried over
        E.Connected,
        E.Disconnected,
        E.ReconnectAttempt,
        E.ReconnectSuccess,
        E.Disconnected, // closed by the application
        E.Connected, // this run
      ]);
      expect(after.recentEvents.slice(0, 5)).toEqual(before.recentEvents);
      // The time between the two runs counts as downtime.
      expect(after.totalDowntime).toBeGreaterThanOrEqual(before.totalDowntime);
    });
  });
});
