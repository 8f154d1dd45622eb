// fast-check arbitraries shared by the model specs (not a spec itself).
import * as fc from 'fast-check';
import { ConnectionQuality } from '../../src/index';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { QualitySample } from '../../src/model/QualitySample';

/** Any number at all: NaN, ±Infinity, ±0, huge, tiny, negative. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, 1e308, -1e308, 0, -0, 5e-324),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
);

/** Every kind of quality sample, with any number where a sample carries one. */
export const anyQualitySample: fc.Arbitrary<QualitySample> = fc.oneof(
  anyNumber.map((rttMs): QualitySample => ({ kind: 'heartbeat', rttMs })),
  fc.constant<QualitySample>({ kind: 'lost' }),
  anyNumber.map((latencyMs): QualitySample => ({ kind: 'probe', latencyMs })),
  fc.constant<QualitySample>({ kind: 'error' }),
  anyNumber.map((messagesPerSecond): QualitySample => ({ kind: 'throughput', messagesPerSecond })),
  anyNumber.map((percentage): QualitySample => ({ kind: 'uptime', percentage })),
  fc.constant<QualitySample>({ kind: 'disconnect' }),
  fc.constant<QualitySample>({ kind: 'sessionStart' }),
);

/** A quality value whose figures are all in range. */
export const validQuality: fc.Arbitrary<ConnectionQuality> = fc.record({
  averageLatencyMs: fc.double({ min: 0, max: 100_000, noNaN: true }),
  latencySamples: fc.nat({ max: 1000 }),
  packetLossRate: fc.double({ min: 0, max: 1, noNaN: true }),
  connectionStability: fc.double({ min: 0, max: 100, noNaN: true }),
  dataThroughput: fc.double({ min: 0, max: 100_000, noNaN: true }),
  errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
  uptimePercentage: fc.double({ min: 0, max: 100, noNaN: true }),
});

type Unstamped<S> = S extends ConnectionSignal ? Omit<S, 'at'> : never;
export type UnstampedSignal = Unstamped<ConnectionSignal>;

const attempt = fc.nat({ max: 8 });
const maxAttempts = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(Infinity));

/** A round-trip time: mostly realistic (either side of the 1000 ms warning), sometimes any number at all. */
const latencyMs = fc.oneof(fc.integer({ min: 0, max: 3_000 }), anyNumber);
const url = fc.constantFrom('wss://a.example/ws', 'wss://b.example/ws', 'not a url');

/**
 * Every signal type, without its timestamp. `reconnect` is always present where the engine always
 * says it; the measurement signals (roundTrip, pingLost, checkFailed, throughput) move the quality,
 * so sequences of them turn it poor and good again.
 */
export const anyUnstampedSignal: fc.Arbitrary<UnstampedSignal> = fc.oneof(
  fc.record(
    { type: fc.constant('connecting' as const), attempt, maxAttempts, reconnect: fc.boolean(), endpoint: url },
    { requiredKeys: ['type', 'attempt', 'maxAttempts', 'reconnect'] },
  ),
  fc.record({ type: fc.constant('open' as const), attempt, reconnect: fc.boolean() }),
  fc.record(
    {
      type: fc.constant('disconnected' as const),
      reason: fc.string(),
      code: fc.integer({ min: 1000, max: 4999 }),
      requested: fc.boolean(),
    },
    { requiredKeys: ['type', 'reason'] },
  ),
  fc.record({ type: fc.constant('connectFailed' as const), attempt, error: fc.string(), reconnect: fc.boolean() }),
  fc.record({
    type: fc.constant('retryScheduled' as const),
    attempt,
    maxAttempts,
    delayMs: fc.nat({ max: 120_000 }),
  }),
  fc.record(
    {
      type: fc.constant('failed' as const),
      attempts: attempt,
      error: fc.string(),
      recoveryInMs: fc.nat({ max: 600_000 }),
    },
    { requiredKeys: ['type', 'attempts', 'error'] },
  ),
  fc.record({
    type: fc.constant('heartbeatTimeout' as const),
    silentMs: fc.nat({ max: 300_000 }),
    timeoutMs: fc.nat({ max: 300_000 }),
  }),
  fc.record({ type: fc.constant('error' as const), message: fc.string() }),
  fc.record({ type: fc.constant('dataResumed' as const), silentMs: fc.nat({ max: 300_000 }), afterOpen: fc.boolean() }),
  fc.record({ type: fc.constant('budgetWait' as const), waitMs: fc.nat({ max: 120_000 }) }),
  fc.record({ type: fc.constant('failover' as const), from: url, to: url, reason: fc.string() }),
  fc.record({
    type: fc.constant('feedStale' as const),
    feed: fc.string(),
    silentMs: fc.nat({ max: 300_000 }),
    resubscribed: fc.boolean(),
  }),
  fc.record({ type: fc.constant('feedResumed' as const), feed: fc.string(), silentMs: fc.nat({ max: 300_000 }) }),
  fc.record({
    type: fc.constant('feedStale' as const),
    feed: fc.string(),
    reason: fc.constant('lag' as const),
    lagMs: fc.integer({ min: -5_000, max: 300_000 }),
    maxLagMs: fc.integer({ min: 1, max: 60_000 }),
  }),
  fc.record({
    type: fc.constant('feedResumed' as const),
    feed: fc.string(),
    reason: fc.constant('lag' as const),
    lagMs: fc.integer({ min: -5_000, max: 300_000 }),
  }),
  fc.record({
    type: fc.constant('feedLag' as const),
    feeds: fc.array(
      fc.record({
        feed: fc.string(),
        lastMs: fc.integer({ min: -5_000, max: 300_000 }),
        smoothedMs: fc.integer({ min: -5_000, max: 300_000 }),
        maxMs: fc.integer({ min: -5_000, max: 300_000 }),
        p95Ms: fc.integer({ min: -5_000, max: 300_000 }),
        recent: fc.integer({ min: 1, max: 64 }),
        stale: fc.boolean(),
        maxLagMs: fc.integer({ min: 1, max: 60_000 }),
        samples: fc.nat(),
        invalid: fc.nat(),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.record({
    type: fc.constant('forecast' as const),
    currentMs: fc.nat({ max: 3_000 }),
    projectedMs: fc.nat({ max: 10_000 }),
    slopeMsPerSecond: fc.double({ min: 0, max: 1_000, noNaN: true }),
    horizonMs: fc.nat({ max: 600_000 }),
  }),
  // Measurements are the most frequent signals on a live link: weighted so sequences flip the quality.
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('roundTrip' as const),
      source: fc.constantFrom('heartbeat' as const, 'probe' as const),
      latencyMs,
    }),
  },
  { weight: 3, arbitrary: fc.constant({ type: 'pingLost' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('checkFailed' as const), error: fc.string(), initial: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('throughput' as const),
      messagesPerSecond: fc.oneof(fc.nat({ max: 5_000 }), anyNumber),
    }),
  },
  fc.constant({ type: 'closed' as const }),
);

/** Stamps a signal with its time. */
export function stamp(signal: UnstampedSignal, at: number): ConnectionSignal {
  return { ...signal, at } as ConnectionSignal;
}

/** A sequence of signals whose `at` never decreases, starting at or after `start`. */
export function signalSequence(start: number, maxLength = 40): fc.Arbitrary<ConnectionSignal[]> {
  return fc
    .array(fc.tuple(fc.nat({ max: 100_000 }), anyUnstampedSignal), { maxLength, size: 'medium' })
    .map((steps) => {
      let at = start;
      return steps.map(([gap, signal]) => {
        at += gap;
        return stamp(signal, at);
      });
    });
}
