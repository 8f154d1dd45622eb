/**
 * The six quality figures of a link (seed: `ConnectionQuality`). A plain readonly value; every
 * function here returns a new one. All figures stay in range for any input (property-tested):
 * invalid samples (negative, NaN, Infinity) are ignored rather than allowed to poison the averages.
 *
 * Formulas (also in the README):
 * - averageLatencyMs: exponentially weighted, `avg += 0.3 × (sample − avg)`; the first sample sets it.
 * - packetLossRate (0–1): weighted the same way with α = 0.05 over heartbeat outcomes (lost 1, answered 0).
 * - errorRate (0–1): α = 0.05 over check outcomes (error 1, success 0).
 * - connectionStability (0–100): × 0.7 on a disconnect, × 0.95 on an error, and each success heals 5 % of
 *   the gap to 100.
 * - dataThroughput: messages per second, α = 0.3 over the sampled rates.
 * - uptimePercentage (0–100): time connected / time monitored, taken from the statistics.
 * A new socket (`startSession`) starts latency, loss and error rate afresh; stability and uptime carry over.
 */
export interface ConnectionQuality {
  readonly averageLatencyMs: number;
  readonly latencySamples: number;
  readonly packetLossRate: number;
  readonly connectionStability: number;
  readonly dataThroughput: number;
  readonly errorRate: number;
  readonly uptimePercentage: number;
}

/**
 * The thresholds that judge a link, named as the config fields they come from (a `LifelineConfig`
 * is one). Defaults follow the seed.
 */
export interface QualityThresholds {
  /** Score below which the link is not good. Defaults to `70`. */
  readonly qualityThreshold: number;
  /** Milliseconds of average latency that raise a warning. Defaults to `1000`. */
  readonly latencyWarning: number;
  /** Error rate (0–1) that raises a warning. Defaults to `0.1`. */
  readonly errorRateWarning: number;
}

/** The seed's thresholds: good from a score of 70, warnings at 1000 ms average latency and a 10 % error rate. */
export const defaultQualityThresholds: QualityThresholds = {
  qualityThreshold: 70,
  latencyWarning: 1000,
  errorRateWarning: 0.1,
};

/** A warning that holds: average latency at or over `latencyWarning`, or error rate at or over `errorRateWarning`. */
export type QualityWarning = 'latency' | 'errorRate';

const LATENCY_ALPHA = 0.3;
const RATE_ALPHA = 0.05;
const THROUGHPUT_ALPHA = 0.3;

/** A fresh link: no latency measured yet, nothing lost, fully stable, 100 % up. */
export const initialQuality: ConnectionQuality = {
  averageLatencyMs: 0,
  latencySamples: 0,
  packetLossRate: 0,
  connectionStability: 100,
  dataThroughput: 0,
  errorRate: 0,
  uptimePercentage: 100,
};

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const isSample = (value: number): boolean => Number.isFinite(value) && value >= 0;
const ewma = (average: number, sample: number, alpha: number): number => average + alpha * (sample - average);

/** Folds a latency sample (ms) into the weighted average (seed: `update_latency`). */
export function updateLatency(quality: ConnectionQuality, latencyMs: number): ConnectionQuality {
  if (!isSample(latencyMs)) return quality;
  const averageLatencyMs =
    quality.latencySamples === 0 ? latencyMs : ewma(quality.averageLatencyMs, latencyMs, LATENCY_ALPHA);
  return { ...quality, averageLatencyMs, latencySamples: quality.latencySamples + 1 };
}

/** Forgets the latency average, e.g. when a new socket takes a new network path. */
export function resetLatency(quality: ConnectionQuality): ConnectionQuality {
  return { ...quality, averageLatencyMs: 0, latencySamples: 0 };
}

/**
 * A new socket opened: latency, packet loss and error rate describe the path and the session, so
 * they start afresh; stability and uptime keep the history (a flapping link stays unstable). Without
 * this, the failed attempts of an outage would keep a healthy new link Unstable long after it is up.
 */
export function startSession(quality: ConnectionQuality): ConnectionQuality {
  return { ...resetLatency(quality), packetLossRate: 0, errorRate: 0 };
}

/** Records a failed check (seed: `record_error`): error rate up, stability down 5 %. */
export function recordError(quality: ConnectionQuality): ConnectionQuality {
  return {
    ...quality,
    errorRate: clamp(ewma(quality.errorRate, 1, RATE_ALPHA), 0, 1),
    connectionStability: clamp(quality.connectionStability * 0.95, 0, 100),
  };
}

/** Records a successful check (seed: `record_success`): error rate down, stability heals 5 % of the gap. */
export function recordSuccess(quality: ConnectionQuality): ConnectionQuality {
  return {
    ...quality,
    errorRate: clamp(ewma(quality.errorRate, 0, RATE_ALPHA), 0, 1),
    connectionStability: clamp(ewma(quality.connectionStability, 100, 0.05), 0, 100),
  };
}

/** Records a heartbeat outcome: `lost` when a ping went unanswered until the next one. */
export function recordHeartbeatOutcome(quality: ConnectionQuality, lost: boolean): ConnectionQuality {
  return { ...quality, packetLossRate: clamp(ewma(quality.packetLossRate, lost ? 1 : 0, RATE_ALPHA), 0, 1) };
}

/**
 * A heartbeat answered in `rttMs`: the latency sample, the outcome (not lost) and the success, folded
 * in one step into one object, with the uptime given (`updateLatency`, `recordHeartbeatOutcome` and
 * `recordSuccess` in turn, then the uptime, gave four objects per pong).
 *
 * @example
 * recordHeartbeat(initialQuality, 40).averageLatencyMs // 40
 */
export function recordHeartbeat(
  quality: ConnectionQuality,
  rttMs: number,
  uptimePercentage: number = quality.uptimePercentage,
): ConnectionQuality {
  const measured = isSample(rttMs);
  return {
    averageLatencyMs: !measured
      ? quality.averageLatencyMs
      : quality.latencySamples === 0
        ? rttMs
        : ewma(quality.averageLatencyMs, rttMs, LATENCY_ALPHA),
    latencySamples: measured ? quality.latencySamples + 1 : quality.latencySamples,
    packetLossRate: clamp(ewma(quality.packetLossRate, 0, RATE_ALPHA), 0, 1),
    connectionStability: clamp(ewma(quality.connectionStability, 100, 0.05), 0, 100),
    dataThroughput: quality.dataThroughput,
    errorRate: clamp(ewma(quality.errorRate, 0, RATE_ALPHA), 0, 1),
    uptimePercentage,
  };
}

/** Records the loss of an established link: stability drops by 30 %. */
export function recordDisconnect(quality: ConnectionQuality): ConnectionQuality {
  return { ...quality, connectionStability: clamp(quality.connectionStability * 0.7, 0, 100) };
}

/** Folds a sampled inbound rate (messages per second) into the throughput average. */
export function updateThroughput(quality: ConnectionQuality, messagesPerSecond: number): ConnectionQuality {
  if (!isSample(messagesPerSecond)) return quality;
  const smoothed = ewma(quality.dataThroughput, messagesPerSecond, THROUGHPUT_ALPHA);
  // A feed gone quiet decays to a plain 0 instead of shrinking forever by ever smaller fractions.
  const dataThroughput = smoothed < 0.01 ? 0 : smoothed;
  // A quiet feed stays quiet: the same value, so nothing downstream sees a change.
  return dataThroughput === quality.dataThroughput ? quality : { ...quality, dataThroughput };
}

/** Sets the uptime percentage (0–100), as derived from the statistics. */
export function updateUptime(quality: ConnectionQuality, uptimePercentage: number): ConnectionQuality {
  if (Number.isNaN(uptimePercentage)) return quality;
  return { ...quality, uptimePercentage: clamp(uptimePercentage, 0, 100) };
}

/**
 * 100 at or under 100 ms of average latency, 0 at or over 2000 ms, linear between; 0 while nothing
 * has been measured, because a link never seen is not a good one.
 */
function latencyScore(quality: ConnectionQuality): number {
  if (quality.latencySamples === 0) return 0;
  return clamp((100 * (2000 - quality.averageLatencyMs)) / 1900, 0, 100);
}

/**
 * The overall score, 0–100 (seed: `overall_score`):
 * `0.30 × latencyScore + 0.20 × (1 − packetLossRate) × 100 + 0.20 × connectionStability
 *  + 0.20 × (1 − errorRate) × 100 + 0.10 × uptimePercentage`, where latencyScore is 100 at or under
 * 100 ms of average latency, 0 at or over 2000 ms, linear between, and 0 while nothing is measured.
 * Throughput is reported but not scored: a quiet market is not a bad link.
 */
export function overallScore(quality: ConnectionQuality): number {
  const score =
    0.3 * latencyScore(quality) +
    20 * (1 - quality.packetLossRate) +
    0.2 * quality.connectionStability +
    20 * (1 - quality.errorRate) +
    0.1 * quality.uptimePercentage;
  return clamp(score, 0, 100);
}

/** The warnings that hold: average latency >= 1000 ms, error rate >= 10 % (by default). */
export function qualityWarnings(
  quality: ConnectionQuality,
  thresholds: QualityThresholds = defaultQualityThresholds,
): QualityWarning[] {
  const warnings: QualityWarning[] = [];
  if (quality.latencySamples > 0 && quality.averageLatencyMs >= thresholds.latencyWarning) warnings.push('latency');
  if (quality.errorRate >= thresholds.errorRateWarning) warnings.push('errorRate');
  return warnings;
}

/** Measured, and the score is at or over the threshold (default 70): a link never seen is not good. */
export function isGood(quality: ConnectionQuality, thresholds: QualityThresholds = defaultQualityThresholds): boolean {
  return quality.latencySamples > 0 && overallScore(quality) >= thresholds.qualityThreshold;
}

/**
 * A warning holds, or the link is measured and scores under the threshold. Not simply `!isGood`: a
 * link can score well overall and still be unfit to trade on, say with a full second of latency; and
 * a link whose latency is not measured yet (just opened, before its first pong) is poor only by a
 * warning (failed attempts raising the error rate), never by the missing figure. This is what makes a
 * link Unstable.
 */
export function isPoor(quality: ConnectionQuality, thresholds: QualityThresholds = defaultQualityThresholds): boolean {
  if (qualityWarnings(quality, thresholds).length > 0) return true;
  return quality.latencySamples > 0 && overallScore(quality) < thresholds.qualityThreshold;
}
