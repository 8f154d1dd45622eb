import { ConnectionQuality, QualityThresholds, initialQuality, isPoor, recordHeartbeat } from './ConnectionQuality';
import { ConnectionSignal } from './ConnectionSignal';
import { ConnectionState, initialConnectionState, judgeQuality, nextConnectionState } from './ConnectionState';
import { ConnectionStatus } from './ConnectionStatus';
import { ConnectionStats, initialStats, updateStats, uptimePercentage } from './ConnectionStats';
import { FeedLagReading } from './FeedLagReading';
import { QualitySample } from './QualitySample';
import { updateQuality } from './updateQuality';

/**
 * Everything a handle knows about its link, folded from one input (`ConnectionSignal`) by one pure
 * reducer: the status machine, the quality figures, the statistics and the feeds' lag. Every stream a
 * handle shows is a selection of it; its events are derived from its transitions (`linkEvents`).
 */
export interface LinkModel {
  readonly state: ConnectionState;
  /** The quality figures; `uptimePercentage` is derived from `stats` in the same step. */
  readonly quality: ConnectionQuality;
  readonly stats: ConnectionStats;
  /** The lag of each feed watched for it (`timestampOf`), as of the last sampling tick that changed it. */
  readonly feedLag: readonly FeedLagReading[];
}

/** No feed watched for lag: one shared empty list. */
const NO_FEED_LAG: readonly FeedLagReading[] = Object.freeze([]);

/** A handle's model before its first attempt, optionally carrying restored statistics. */
export function initialLinkModel(
  now: number,
  maxAttempts: number,
  stats: ConnectionStats = initialStats(now),
): LinkModel {
  return {
    state: initialConnectionState(now, maxAttempts),
    quality: { ...initialQuality, uptimePercentage: uptimePercentage(stats, now) },
    stats,
    feedLag: NO_FEED_LAG,
  };
}

/**
 * The one fold: `signals.reduce((model, signal) => nextLinkModel(model, signal, thresholds))`.
 *
 * In one step it moves the status machine and the statistics, folds what the signal measured into
 * the quality figures, derives the uptime from the statistics, and judges the quality against the
 * thresholds: a Connected link whose quality turns poor is Unstable, and Connected again when it
 * recovers. A `feedLag` signal only replaces the feeds' lag figures (the score does not weigh them:
 * a lagging feed is a stale feed, told by events). Returns `model` itself when nothing changed, so
 * selections need no deep comparison.
 */
export function nextLinkModel(model: LinkModel, signal: ConnectionSignal, thresholds: QualityThresholds): LinkModel {
  if (model.state.closedByApp) return model;
  // Figures only: they move neither the link, nor its quality, nor its statistics.
  if (signal.type === 'feedLag') return signal.feeds === model.feedLag ? model : { ...model, feedLag: signal.feeds };
  const state = nextConnectionState(model.state, signal);
  const stats = updateStats(model.stats, signal);
  // A pong, the most frequent step, is folded without a sample object, in one quality object.
  const pong = signal.type === 'roundTrip' && signal.source === 'heartbeat';
  const sample = pong ? undefined : qualitySampleOf(signal, model.state);
  if (!pong && sample === undefined && state === model.state && stats === model.stats) return model;
  // Uptime follows the statistics at every step that moves the quality or the link: never two values.
  const uptime = uptimePercentage(stats, signal.at);
  const measured = pong
    ? recordHeartbeat(model.quality, signal.latencyMs, uptime)
    : sample === undefined
      ? model.quality
      : updateQuality(model.quality, sample);
  const quality = uptime === measured.uptimePercentage ? measured : { ...measured, uptimePercentage: uptime };
  const judged = judgeQuality(state, isPoor(quality, thresholds), signal.at);
  if (judged === model.state && quality === model.quality && stats === model.stats) return model;
  return { state: judged, quality, stats, feedLag: model.feedLag };
}

/** What a signal measured, as the quality reducer's input; undefined when it measured nothing. */
function qualitySampleOf(signal: ConnectionSignal, before: ConnectionState): QualitySample | undefined {
  switch (signal.type) {
    // A probe's: a heartbeat's round trip never comes here, the fold takes it to recordHeartbeat.
    case 'roundTrip':
      return { kind: 'probe', latencyMs: signal.latencyMs };
    case 'pingLost':
      return { kind: 'lost' };
    // A failed check, or a failed attempt, is a failed check: it weighs on the error rate and stability.
    case 'checkFailed':
    case 'connectFailed':
      return { kind: 'error' };
    case 'throughput':
      return { kind: 'throughput', messagesPerSecond: signal.messagesPerSecond };
    case 'open':
      return { kind: 'sessionStart' };
    // Losing a link weighs on stability; ending one on purpose (reconnect(), failback) does not.
    case 'disconnected':
      return !signal.requested && isUp(before) ? { kind: 'disconnect' } : undefined;
    default:
      return undefined;
  }
}

function isUp(state: ConnectionState): boolean {
  return state.status === ConnectionStatus.Connected || state.status === ConnectionStatus.Unstable;
}
