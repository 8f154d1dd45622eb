import { failedWording } from '../../src/cli/failedWording';
import { defaultQualityThresholds } from '../../src/model/ConnectionQuality';
import { initialLinkModel, nextLinkModel } from '../../src/model/LinkModel';
import { ConnectionSignal } from '../../src/model/ConnectionSignal';
import { linkEvents } from '../../src/model/linkEvents';

// The Failed event exactly as the library words it.
const signal: ConnectionSignal = {
  type: 'failed',
  at: 0,
  attempts: 5,
  error: 'connect ECONNREFUSED 127.0.0.1:1',
  recoveryInMs: 300_000,
};
const start = initialLinkModel(0, 5);
const failed = linkEvents(
  start,
  signal,
  nextLinkModel(start, signal, defaultQualityThresholds),
  defaultQualityThresholds,
)[0]?.description as string;

describe('failedWording', () => {
  it('should start from the API wording', () => {
    expect(failed).toBe('connection failed after 5 retries; waiting for reconnect() or the recovery attempt in 300s');
  });

  it('should say the CLI stops now when it exits on Failed', () => {
    const text = failedWording(failed, false);
    expect(text).toBe(
      'connection failed after 5 retries; lifeline stops here (exit 3; --recover keeps watching for the recovery attempt)',
    );
    expect(text).not.toContain('reconnect()');
  });

  it('should give the next recovery attempt as a duration with --recover', () => {
    expect(failedWording(failed, true)).toBe('connection failed after 5 retries; the next recovery attempt is in 5m');
    expect(failedWording('connection failed without a retry; waiting for reconnect()', true)).toBe(
      'connection failed without a retry; no recovery attempt is scheduled (--recovery-interval Infinity)',
    );
  });

  it('should leave other text as it is', () => {
    expect(failedWording('connection lost (1006)', false)).toBe('connection lost (1006)');
  });
});
