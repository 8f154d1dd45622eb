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

/** Every signal type, without its timestamp. */
export const anyUnstampedSignal: fc.Arbitrary<UnstampedSignal> = fc.oneof(
  fc.record(
    { type: fc.constant('connecting' as const), attempt, maxAttempts, reconnect: fc.boolean() },
    { requiredKeys: ['type', 'attempt', 'maxAttempts'] },
  ),
  fc.record(
    { type: fc.constant('open' as const), attempt, reconnect: fc.boolean() },
    { requiredKeys: ['type', 'attempt'] },
  ),
  fc.record(
    { type: fc.constant('disconnected' as const), reason: fc.string(), code: fc.integer({ min: 1000, max: 4999 }) },
    { requiredKeys: ['type', 'reason'] },
  ),
  fc.record(
    { type: fc.constant('connectFailed' as const), attempt, error: fc.string(), reconnect: fc.boolean() },
    { requiredKeys: ['type', 'attempt', 'error'] },
  ),
  fc.record({
    type: fc.constant('retryScheduled' as const),
    attempt,
    maxAttempts,
    delayMs: fc.nat({ max: 120_000 }),
  }),
  fc.record({ type: fc.constant('failed' as const), attempts: attempt, error: fc.string() }),
  fc.record({
    type: fc.constant('heartbeatTimeout' as const),
    silentMs: fc.nat({ max: 300_000 }),
    timeoutMs: fc.nat({ max: 300_000 }),
  }),
  fc.record({ type: fc.constant('error' as const), message: fc.string() }),
  fc.record({ type: fc.constant('dataResumed' as const), silentMs: fc.nat({ max: 300_000 }), afterOpen: fc.boolean() }),
  fc.record(
    {
      type: fc.constant('quality' as const),
      quality: validQuality,
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      poor: fc.boolean(),
      warnings: fc.subarray(['latency', 'errorRate']),
      predicted: fc.boolean(),
    },
    { requiredKeys: ['type', 'quality', 'score', 'poor', 'warnings'] },
  ),
  fc.constant({ type: 'closed' as const }),
);

/** Stamps a signal with its time. */
export function stamp(signal: UnstampedSignal, at: number): ConnectionSignal {
  return { ...signal, at } as ConnectionSignal;
}

/** A sequence of signals whose `at` never decreases, starting at or after `start`. */
export function signalSequence(start: number, maxLength = 40): fc.Arbitrary<ConnectionSignal[]> {
  return fc.array(fc.tuple(fc.nat({ max: 100_000 }), anyUnstampedSignal), { maxLength }).map((steps) => {
    let at = start;
    return steps.map(([gap, signal]) => {
      at += gap;
      return stamp(signal, at);
    });
  });
}
