import { ConnectionQuality } from '../../src/index';
import { initialQuality } from '../../src/model/ConnectionQuality';
import { QualitySample } from '../../src/model/QualitySample';
import { updateQuality } from '../../src/model/updateQuality';

// One sample of every kind; the Record type makes the compiler fail if a kind is added or removed.
const examples: Record<QualitySample['kind'], QualitySample> = {
  heartbeat: { kind: 'heartbeat', rttMs: 80 },
  lost: { kind: 'lost' },
  probe: { kind: 'probe', latencyMs: 120 },
  error: { kind: 'error' },
  throughput: { kind: 'throughput', messagesPerSecond: 25 },
  uptime: { kind: 'uptime', percentage: 97 },
  disconnect: { kind: 'disconnect' },
  sessionStart: { kind: 'sessionStart' },
};

// Which figures each kind of sample is documented to move.
const moves: Record<QualitySample['kind'], ReadonlyArray<keyof ConnectionQuality>> = {
  heartbeat: ['averageLatencyMs', 'latencySamples', 'packetLossRate', 'errorRate', 'connectionStability'],
  lost: ['packetLossRate'],
  probe: ['averageLatencyMs', 'latencySamples', 'errorRate', 'connectionStability'],
  error: ['errorRate', 'connectionStability'],
  throughput: ['dataThroughput'],
  uptime: ['uptimePercentage'],
  disconnect: ['connectionStability'],
  sessionStart: ['averageLatencyMs', 'latencySamples', 'packetLossRate', 'errorRate'],
};

// Every figure away from its extreme, so that any update shows.
const midway: ConnectionQuality = Object.freeze({
  averageLatencyMs: 300,
  latencySamples: 2,
  packetLossRate: 0.3,
  connectionStability: 60,
  dataThroughput: 5,
  errorRate: 0.3,
  uptimePercentage: 80,
});

describe('QualitySample', () => {
  it('should have exactly eight kinds', () => {
    expect(Object.keys(examples).sort()).toEqual(
      ['disconnect', 'error', 'heartbeat', 'lost', 'probe', 'sessionStart', 'throughput', 'uptime'].sort(),
    );
  });

  describe.each(Object.keys(examples) as QualitySample['kind'][])('%s', (kind) => {
    it(`should move exactly ${moves[kind].join(', ')}`, () => {
      const next = updateQuality(midway, examples[kind]);
      const changed = (Object.keys(midway) as (keyof ConnectionQuality)[]).filter((key) => next[key] !== midway[key]);
      expect(changed.sort()).toEqual([...moves[kind]].sort());
    });

    it('should produce a quality with the same seven figures', () => {
      expect(Object.keys(updateQuality(initialQuality, examples[kind])).sort()).toEqual(
        Object.keys(initialQuality).sort(),
      );
    });
  });
});
