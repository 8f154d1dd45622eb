import * as fc from 'fast-check';
import { ConnectionStatus as S } from '../../src/index';
import {
  ConnectionQuality,
  QualityThresholds,
  defaultQualityThresholds,
  initialQuality,
  isPoor,
  overallScore,
} from '../../src/model/ConnectionQuality';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { ConnectionState, judgeQuality, nextConnectionState } from '../../src/model/ConnectionState';
import {
  ConnectionStats,
  initialStats,
  reconnectSuccessRate,
  totalDowntime,
  updateStats,
  uptimePercentage,
} from '../../src/model/ConnectionStats';
import { LinkModel, initialLinkModel, nextLinkModel } from '../../src/model/LinkModel';
import { QualitySample } from '../../src/model/QualitySample';
import { updateQuality } from '../../src/model/updateQuality';
import { anyUnstampedSignal, signalSequence, stamp } from './arbitraries';

// The cases of the deleted linkStateFrom, statsFrom and qualityFrom specs, ported to the one fold
// that replaced the three streams (eventsFrom's are in linkEvents.spec.ts and LinkStore.spec.ts).

const thresholds = defaultQualityThresholds;
const step = (model: LinkModel, signal: ConnectionSignal): LinkModel => nextLinkModel(model, signal, thresholds);
const run = (signals: readonly ConnectionSignal[], model = initialLinkModel(0, 5)): LinkModel =>
  signals.reduce(step, model);
/** Every model the fold passes through, the initial one first. */
const trail = (signals: readonly ConnectionSignal[], model = initialLinkModel(0, 5)): LinkModel[] =>
  signals.reduce((models, signal) => [...models, step(models.at(-1) as LinkModel, signal)], [model]);
/** The values of `project` along the trail, each only when it changed (by ===), as a selection shows them. */
const distinct = <T>(models: readonly LinkModel[], project: (model: LinkModel) => T): T[] =>
  models.map(project).filter((value, i, all) => i === 0 || value !== all[i - 1]);

/** Signal builders; the engine always says whether an attempt is a reconnect. */
const connecting = (at: number, attempt = 0, reconnect = attempt > 0): ConnectionSignal => ({
  type: 'connecting',
  at,
  attempt,
  maxAttempts: 5,
  reconnect,
});
const open = (at: number, attempt = 0, reconnect = attempt > 0): ConnectionSignal => ({
  type: 'open',
  at,
  attempt,
  reconnect,
});
const connectFailed = (at: number, attempt: number, reconnect = true): ConnectionSignal => ({
  type: 'connectFailed',
  at,
  attempt,
  error: 'ECONNREFUSED',
  reconnect,
});
const disconnected = (at: number, reason = 'connection closed: 1006 abnormal closure'): ConnectionSignal => ({
  type: 'disconnected',
  at,
  reason,
  code: 1006,
});
const retryScheduled = (at: number, attempt: number, delayMs = 5): ConnectionSignal => ({
  type: 'retryScheduled',
  at,
  attempt,
  maxAttempts: 5,
  delayMs,
});
const roundTrip = (at: number, latencyMs: number, source: 'heartbeat' | 'probe' = 'heartbeat'): ConnectionSignal => ({
  type: 'roundTrip',
  at,
  source,
  latencyMs,
});
/** Over the 1000 ms latency warning: the link turns poor. */
const slow = (at: number): ConnectionSignal => roundTrip(at, 1_500);
const fast = (at: number): ConnectionSignal => roundTrip(at, 40);
const checkFailed = (at: number): ConnectionSignal => ({ type: 'checkFailed', at, error: 'timeout', initial: false });

/** The figures after folding `samples` into `from` by the quality reducer, with the uptime the fold derives. */
const after = (from: ConnectionQuality, uptime: number, ...samples: QualitySample[]): ConnectionQuality => ({
  ...samples.reduce(updateQuality, from),
  uptimePercentage: uptime,
});

const state = (fields: Partial<ConnectionState>): ConnectionState => expect.objectContaining(fields) as ConnectionState;
const stats = (fields: Partial<ConnectionStats>): ConnectionStats => expect.objectContaining(fields) as ConnectionStats;

describe('LinkModel', () => {
  describe('initialLinkModel', () => {
    it('should start Connecting, with no figure measured and nothing counted', () => {
      expect(initialLinkModel(1_000, 5)).toEqual({
        state: {
          status: S.Connecting,
          since: 1_000,
          attempt: 0,
          maxAttempts: 5,
          poor: false,
          ready: false,
          setUp: false,
          outbound: 'confirmed',
        },
        quality: initialQuality,
        stats: initialStats(1_000),
        feedLag: [],
      });
    });

    it('should start from restored statistics, with the uptime derived from them', () => {
      const restored: ConnectionStats = {
        ...initialStats(0),
        totalConnections: 3,
        closedDowntime: 2_500,
        downSince: 8_000,
      };
      const model = initialLinkModel(10_000, 5, restored);
      // 10 s monitored, 2.5 s of ended outages + 2 s of the current one.
      expect(model.quality).toEqual({ ...initialQuality, uptimePercentage: 55 });
      expect(model.stats).toBe(restored);
    });
  });

  describe('status', () => {
    it('should move through the status diagram of the reconnect cycle', () => {
      const models = trail([
        connecting(1),
        open(4),
        disconnected(8),
        retryScheduled(11, 1),
        connecting(16, 1),
        open(19, 1),
      ]);
      expect(distinct(models, (m) => m.state.status)).toEqual([
        S.Connecting,
        S.Connected,
        S.Disconnected,
        S.Reconnecting,
        S.Connected,
      ]);
    });

    it('should reach each state the signals lead to, quality judged in the same step', () => {
      const models = trail([open(1), slow(3), disconnected(5, 'socket closed')]);
      // Not ready: nothing set the session up (the engine says so with a 'setUp' signal).
      const session = { ready: false, setUp: false, outbound: 'confirmed' } as const;
      expect(models.map((m) => m.state)).toEqual([
        { status: S.Connecting, since: 0, attempt: 0, maxAttempts: 5, poor: false, ...session },
        { status: S.Connected, since: 1, attempt: 0, maxAttempts: 5, poor: false, ...session },
        { status: S.Unstable, since: 3, attempt: 0, maxAttempts: 5, poor: true, ...session },
        {
          status: S.Disconnected,
          since: 5,
          attempt: 0,
          maxAttempts: 5,
          poor: true,
          lastError: 'socket closed',
          ...session,
        },
      ]);
    });

    it('should keep the same state for a measurement that leaves the judgement unchanged', () => {
      // Was a 'quality' signal per judgement; now the round trips themselves, judged by the fold.
      const models = trail([
        open(1),
        fast(2),
        roundTrip(3, 4_000),
        roundTrip(5, 4_000),
        roundTrip(7, 0),
        roundTrip(9, 0),
        roundTrip(11, 0),
        fast(13),
      ]);
      // Averages: 40, 1228, 2060, 1442, 1009 (all poor), then 706 ms (good).
      expect(distinct(models, (m) => m.state)).toEqual([
        state({ status: S.Connecting }),
        state({ status: S.Connected, since: 1, poor: false }),
        state({ status: S.Unstable, since: 3, poor: true }),
        state({ status: S.Connected, since: 11, poor: false }),
      ]);
    });

    it.each<ConnectionSignal>([
      { type: 'heartbeatTimeout', at: 3, silentMs: 60_000, timeoutMs: 60_000 },
      { type: 'dataResumed', at: 4, silentMs: 10, afterOpen: true },
      { type: 'error', at: 5, message: 'malformed message' },
      { type: 'feedStale', at: 5, feed: 'trades', silentMs: 30_000, resubscribed: true },
      { type: 'feedResumed', at: 5, feed: 'trades', silentMs: 30_000 },
      { type: 'forecast', at: 5, currentMs: 400, projectedMs: 1_200, slopeMsPerSecond: 13, horizonMs: 60_000 },
      fast(6),
      { type: 'throughput', at: 6, messagesPerSecond: 25 },
    ])('should keep the same state on $type, which does not move the status machine', (signal) => {
      const connected = run([open(1)]);
      expect(step(connected, signal).state).toBe(connected.state);
    });

    // Was "come back Unstable": the fold judges in the step of the open, and a new socket starts
    // latency, loss and errors afresh (startSession), so a link poor while down opens Connected.
    // (The status machine alone still opens Unstable when poor: ConnectionState.spec.ts.)
    it('should keep the judgement while down, and judge afresh when a new socket opens', () => {
      const models = trail([
        open(1),
        disconnected(3),
        checkFailed(4),
        checkFailed(5),
        checkFailed(6),
        retryScheduled(7, 1),
        connecting(9, 1),
        open(11, 1),
      ]);
      expect(models.slice(1).map((m) => m.state)).toEqual([
        state({ status: S.Connected, since: 1, poor: false }),
        state({ status: S.Disconnected, since: 3, poor: false }),
        state({ status: S.Disconnected, since: 3, poor: false }),
        state({ status: S.Disconnected, since: 3, poor: false }),
        // Still Disconnected, but the judgement (error rate 14 %) is kept for when the link comes back.
        state({ status: S.Disconnected, since: 3, poor: true }),
        state({ status: S.Reconnecting, since: 7, attempt: 1, nextRetryAt: 12 }),
        state({ status: S.Reconnecting, since: 7, attempt: 1, nextRetryAt: undefined, poor: true }),
        state({ status: S.Connected, since: 11, poor: false }),
      ]);
    });

    it('should end in Failed when the retry budget is spent', () => {
      const model = run([
        open(1),
        disconnected(3),
        retryScheduled(5, 1),
        { type: 'failed', at: 7, attempts: 1, error: 'ECONNREFUSED' },
      ]);
      expect(model.state).toEqual(
        state({ status: S.Failed, since: 7, lastError: 'ECONNREFUSED', nextRetryAt: undefined }),
      );
    });

    it('should ignore every signal after the application closed the handle', () => {
      const closed = run([open(1), { type: 'closed', at: 3 }]);
      expect(closed.state).toEqual(state({ status: S.Disconnected, since: 3, closedByApp: true }));
      expect(run([connecting(5, 1), open(7, 1), slow(9), checkFailed(10)], closed)).toBe(closed);
    });
  });

  describe('statistics', () => {
    it('should count the connections, the disconnection, the reconnect attempt and its success', () => {
      // Both connecting signals are attempt 0: the first try of the handle, then the immediate try after the disconnect.
      const initial = initialStats(0);
      const models = trail([connecting(1), open(3), disconnected(7), connecting(9, 0, true), open(11, 0, true)]);
      const a: ConnectionStats = { ...initial, totalConnections: 1, closedDowntime: 3, downSince: undefined };
      const b: ConnectionStats = { ...a, totalDisconnections: 1, lastDisconnectTime: 7, downSince: 7 };
      const c: ConnectionStats = { ...b, totalReconnectAttempts: 1 };
      const d: ConnectionStats = {
        ...c,
        totalConnections: 2,
        successfulReconnects: 1,
        closedDowntime: 7,
        downSince: undefined,
      };
      expect(distinct(models, (m) => m.stats)).toEqual([initial, a, b, c, d]);
      const last = (models.at(-1) as LinkModel).stats;
      expect(reconnectSuccessRate(last)).toBe(100);
      expect(totalDowntime(last, 20)).toBe(7);
      expect(uptimePercentage(last, 20)).toBeCloseTo(65);
    });

    it('should keep the same statistics for signals that count nothing', () => {
      const models = trail([
        connecting(1),
        { type: 'error', at: 3, message: 'malformed message' },
        open(5),
        fast(7),
        { type: 'dataResumed', at: 9, silentMs: 3, afterOpen: true },
        { type: 'heartbeatTimeout', at: 11, silentMs: 60_000, timeoutMs: 60_000 },
        disconnected(13),
        disconnected(15),
        { type: 'closed', at: 17 },
      ]);
      // The second disconnected and the close find the link already down: nothing to count.
      const initial = initialStats(0);
      expect(distinct(models, (m) => m.stats)).toEqual([
        initial,
        { ...initial, totalConnections: 1, closedDowntime: 5, downSince: undefined },
        {
          ...initial,
          totalConnections: 1,
          totalDisconnections: 1,
          closedDowntime: 5,
          lastDisconnectTime: 13,
          downSince: 13,
        },
      ]);
    });

    it('should count failed reconnect attempts against the success rate', () => {
      const models = trail([
        open(1),
        disconnected(3),
        connecting(5, 1),
        connectFailed(7, 1),
        connecting(9, 2),
        connectFailed(11, 2),
        connecting(13, 3),
        open(15, 3),
      ]);
      const seen = distinct(models, (m) => m.stats);
      expect(seen).toEqual([
        initialStats(0),
        stats({ totalConnections: 1 }),
        stats({ totalDisconnections: 1, downSince: 3 }),
        stats({ totalReconnectAttempts: 1, successfulReconnects: 0 }),
        stats({ totalReconnectAttempts: 2, successfulReconnects: 0 }),
        stats({ totalReconnectAttempts: 3, successfulReconnects: 0 }),
        stats({ totalConnections: 2, totalReconnectAttempts: 3, successfulReconnects: 1, closedDowntime: 1 + 12 }),
      ]);
      expect(seen.map(reconnectSuccessRate)).toEqual([100, 100, 100, 0, 0, 0, 100 / 3]);
    });

    it('should start the downtime clock when the application closes an open link, without counting a disconnection', () => {
      const initial = initialStats(0);
      const models = trail([open(2), { type: 'closed', at: 5 }]);
      expect(models.map((m) => m.stats)).toEqual([
        initial,
        { ...initial, totalConnections: 1, closedDowntime: 2, downSince: undefined },
        { ...initial, totalConnections: 1, closedDowntime: 2, downSince: 5 },
      ]);
    });
  });

  describe('quality', () => {
    // Opened at 0 and never down since: the derived uptime stays 100 in these cases.
    const connected = (): LinkModel => run([open(0)]);

    it('should fold a round trip, a failed check and a throughput tick into the figures', () => {
      const models = trail(
        [fast(2), checkFailed(6), { type: 'throughput', at: 10, messagesPerSecond: 100 }],
        connected(),
      );
      const a = after(initialQuality, 100, { kind: 'heartbeat', rttMs: 40 });
      const b = after(a, 100, { kind: 'error' });
      const c = after(b, 100, { kind: 'throughput', messagesPerSecond: 100 });
      expect(models.slice(1).map((m) => m.quality)).toEqual([a, b, c]);
      // The figures the model gives, pinned so that the fold is not only checked against the reducer.
      expect(a).toMatchObject({ averageLatencyMs: 40, latencySamples: 1, errorRate: 0 });
      expect(b.errorRate).toBeCloseTo(0.05);
      expect(b.connectionStability).toBeCloseTo(95);
      expect(c.dataThroughput).toBeCloseTo(30);
    });

    it('should fold each measurement into the figures so far', () => {
      const models = trail([fast(1), { type: 'pingLost', at: 2 }, fast(3), disconnected(4)], connected());
      const a = after(initialQuality, 100, { kind: 'heartbeat', rttMs: 40 });
      const b = after(a, 100, { kind: 'lost' });
      const c = after(b, 100, { kind: 'heartbeat', rttMs: 40 });
      const d = after(c, 100, { kind: 'disconnect' });
      expect(models.slice(1).map((m) => m.quality)).toEqual([a, b, c, d]);
      expect(b.packetLossRate).toBeCloseTo(0.05);
      expect(d.connectionStability).toBeLessThan(c.connectionStability);
    });

    it('should weigh a probe round trip like a heartbeat one, without a packet-loss outcome', () => {
      const lossy = run([{ type: 'pingLost', at: 1 }], connected());
      const model = step(lossy, roundTrip(2, 250, 'probe'));
      expect(model.quality).toEqual(after(lossy.quality, 100, { kind: 'probe', latencyMs: 250 }));
      expect(model.quality.packetLossRate).toBe(lossy.quality.packetLossRate);
    });

    it('should count a failed attempt as a failed check', () => {
      const model = run([connectFailed(5, 0, false)]);
      expect(model.quality.errorRate).toBeCloseTo(0.05);
      expect(model.quality.connectionStability).toBeCloseTo(95);
    });

    it('should start latency, loss and errors afresh on a new socket, keeping the stability', () => {
      const worn = run([slow(1), { type: 'pingLost', at: 2 }, checkFailed(3), disconnected(4)], connected());
      const reopened = step(worn, open(10, 0, true));
      expect(reopened.quality).toMatchObject({
        averageLatencyMs: 0,
        latencySamples: 0,
        packetLossRate: 0,
        errorRate: 0,
        connectionStability: worn.quality.connectionStability,
      });
    });

    // `requested` is new: reconnect() and the failback end a link on purpose, without a stability penalty.
    it('should take 30 % off the stability when an up link is lost, but not when it is ended on purpose', () => {
      const lost = step(connected(), disconnected(5));
      const requested = step(connected(), { type: 'disconnected', at: 5, reason: 'reconnect()', requested: true });
      expect(lost.quality.connectionStability).toBeCloseTo(70);
      expect(requested.quality.connectionStability).toBe(100);
      expect(requested.state.status).toBe(S.Disconnected);
    });

    it('should not take stability off for a disconnect while the link was not up', () => {
      const down = run([disconnected(5)]);
      expect(down.quality.connectionStability).toBe(100);
    });

    // Was "one quality per sample, even when the figures do not move": quality is now a selection
    // of the one model, and the fold keeps the same object when a measurement moves no figure.
    it('should keep the same quality when a measurement moves no figure', () => {
      const model = connected();
      expect(step(model, { type: 'throughput', at: 1, messagesPerSecond: NaN }).quality).toBe(model.quality);
      expect(step(model, { type: 'throughput', at: 2, messagesPerSecond: 0 }).quality).toBe(model.quality);
    });
  });

  describe('uptime', () => {
    it('should be derived from the statistics at the time of the signal that moved the model', () => {
      const models = trail([open(1_000), fast(2_000), disconnected(3_000), checkFailed(4_000)]);
      expect(models.map((m) => m.quality.uptimePercentage)).toEqual([100, 0, 50, 200 / 3, 50]);
    });

    it('should not be moved by a signal that changes nothing else', () => {
      const down = run([open(1_000), disconnected(3_000)]);
      const later = step(down, { type: 'heartbeatTimeout', at: 9_000, silentMs: 60_000, timeoutMs: 60_000 });
      expect(later).toBe(down);
    });
  });

  describe('poor judgement', () => {
    it('should make a Connected link Unstable in the step whose round trip raises the latency warning', () => {
      const model = step(run([open(1)]), slow(5));
      expect(model.state).toEqual(state({ status: S.Unstable, since: 5, poor: true }));
      expect(isPoor(model.quality, thresholds)).toBe(true);
    });

    it('should make a link whose latency is not measured yet poor only by a warning', () => {
      const opened = run([open(1)]);
      // Unmeasured, its latency part scores 0, yet the missing figure alone does not make it poor.
      expect(opened.state).toEqual(state({ status: S.Connected, poor: false }));
      const flaky = run([checkFailed(2), checkFailed(3), checkFailed(4)], opened);
      expect(flaky.state).toEqual(state({ status: S.Unstable, since: 4, poor: true }));
    });

    it('should judge against the thresholds it is given', () => {
      const strict: QualityThresholds = { qualityThreshold: 70, latencyWarning: 30, errorRateWarning: 0.1 };
      const model = nextLinkModel(run([open(1)]), fast(5), strict);
      expect(model.state).toEqual(state({ status: S.Unstable, poor: true }));
      expect(step(run([open(1)]), fast(5)).state).toEqual(state({ status: S.Connected, poor: false }));
    });

    it('should make a link whose score falls under the threshold poor, with no warning', () => {
      // 700 ms, under the warning: 0.3 × 68.4 + 20 + 0.2 × 34.3 (three lost links) + 20 + 0.1 × 10 (up) = 68.4.
      const flapping = run([
        open(0),
        disconnected(100),
        open(200, 0, true),
        disconnected(300),
        open(400, 0, true),
        disconnected(500),
        open(3_000, 0, true),
      ]);
      const model = step(flapping, roundTrip(3_001, 700));
      expect(overallScore(model.quality)).toBeLessThan(70);
      expect(model.state).toEqual(state({ status: S.Unstable, poor: true }));
    });
  });

  describe('properties', () => {
    const start = 1_700_000_000_000;

    it('should keep every figure in range for any signal sequence', () => {
      fc.assert(
        fc.property(signalSequence(start), (signals) => {
          let model = initialLinkModel(start, 5);
          for (const signal of signals) {
            model = step(model, signal);
            const { quality: q, stats: s } = model;
            expect(Number.isFinite(q.averageLatencyMs) && q.averageLatencyMs >= 0).toBe(true);
            expect(Number.isInteger(q.latencySamples) && q.latencySamples >= 0).toBe(true);
            expect(q.packetLossRate).toBeGreaterThanOrEqual(0);
            expect(q.packetLossRate).toBeLessThanOrEqual(1);
            expect(q.errorRate).toBeGreaterThanOrEqual(0);
            expect(q.errorRate).toBeLessThanOrEqual(1);
            expect(q.connectionStability).toBeGreaterThanOrEqual(0);
            expect(q.connectionStability).toBeLessThanOrEqual(100);
            expect(Number.isFinite(q.dataThroughput) && q.dataThroughput >= 0).toBe(true);
            expect(q.uptimePercentage).toBeGreaterThanOrEqual(0);
            expect(q.uptimePercentage).toBeLessThanOrEqual(100);
            expect(overallScore(q)).toBeGreaterThanOrEqual(0);
            expect(overallScore(q)).toBeLessThanOrEqual(100);
            expect(totalDowntime(s, signal.at)).toBeGreaterThanOrEqual(0);
            expect(totalDowntime(s, signal.at)).toBeLessThanOrEqual(signal.at - start);
            expect(reconnectSuccessRate(s)).toBeGreaterThanOrEqual(0);
            expect(reconnectSuccessRate(s)).toBeLessThanOrEqual(100);
          }
        }),
      );
    });

    it('should store the uptime once: the quality figure is always the statistics’ as of the last move', () => {
      fc.assert(
        fc.property(signalSequence(start), (signals) => {
          let model = initialLinkModel(start, 5);
          let movedAt = start;
          for (const signal of signals) {
            const next = step(model, signal);
            // The feeds' lag figures are not the link: replacing them moves neither uptime nor quality.
            if (next.state !== model.state || next.quality !== model.quality || next.stats !== model.stats) {
              movedAt = signal.at;
            }
            expect(next.quality.uptimePercentage).toBe(uptimePercentage(next.stats, movedAt));
            model = next;
          }
        }),
      );
    });

    it('should be the status machine, the statistics and the quality reducers composed, judged once', () => {
      fc.assert(
        fc.property(signalSequence(start), (signals) => {
          let model = initialLinkModel(start, 5);
          for (const signal of signals) {
            const next = step(model, signal);
            if (!model.state.closedByApp) {
              expect(next.stats).toEqual(updateStats(model.stats, signal));
              const moved = nextConnectionState(model.state, signal);
              expect(next.state).toEqual(judgeQuality(moved, isPoor(next.quality, thresholds), signal.at));
              expect(next.state.poor).toBe(isPoor(next.quality, thresholds));
            }
            model = next;
          }
        }),
      );
    });

    it('should return the same model for a signal that measures nothing and moves neither the status nor the statistics', () => {
      const measuring = new Set([
        'roundTrip',
        'pingLost',
        'checkFailed',
        'connectFailed',
        'throughput',
        'open',
        'disconnected',
        'feedLag',
      ]);
      let quietSeen = 0;
      fc.assert(
        fc.property(signalSequence(start), anyUnstampedSignal, (signals, unstamped) => {
          const model = run(signals, initialLinkModel(start, 5));
          const signal = stamp(unstamped, (signals.at(-1)?.at ?? start) + 1);
          const quiet =
            model.state.closedByApp === true ||
            (!measuring.has(signal.type) &&
              nextConnectionState(model.state, signal) === model.state &&
              updateStats(model.stats, signal) === model.stats);
          if (quiet) {
            quietSeen++;
            expect(step(model, signal)).toBe(model);
          }
        }),
      );
      expect(quietSeen).toBeGreaterThan(0);
    });

    it('should never mutate the model it is given', () => {
      fc.assert(
        fc.property(signalSequence(start, 15), (signals) => {
          let model = initialLinkModel(start, 5);
          for (const signal of signals) {
            const copy = structuredClone(model);
            const next = step(model, signal);
            expect(model).toEqual(copy);
            model = next;
          }
        }),
      );
    });

    it('should replace only the feeds’ lag figures on a feedLag signal, and keep the model for the same list', () => {
      const model = run([open(0)]);
      const feeds = [
        {
          feed: 'trades',
          lastMs: 2_600,
          smoothedMs: 1_900,
          maxMs: 2_600,
          p95Ms: 2_600,
          recent: 8,
          stale: true,
          maxLagMs: 1_000,
          samples: 8,
          invalid: 0,
        },
      ];
      const next = step(model, { type: 'feedLag', at: 5_000, feeds });
      expect(next).toEqual({ ...model, feedLag: feeds });
      expect([next.state, next.quality, next.stats]).toEqual([model.state, model.quality, model.stats]);
      expect(next.state).toBe(model.state);
      expect(step(next, { type: 'feedLag', at: 6_000, feeds })).toBe(next);
    });

    // A quiet feed's sampling tick (throughput 0 on a link up since it started) changes nothing: the
    // fold keeps the model itself, so no selection emits.
    it('should return the same model for a sampling tick that moves no figure', () => {
      const model = run([open(0)]);
      expect(step(model, { type: 'throughput', at: 5_000, messagesPerSecond: 0 })).toBe(model);
    });
  });
});
