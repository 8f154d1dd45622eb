import { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { HeartbeatClock, HeartbeatFeedback, HeartbeatTiming, HeartbeatTimingConfig } from '../model/heartbeatTiming';
import { Deadline, DeadlineQueue } from './DeadlineQueue';

/** What the monitor pings and reads. */
export interface HeartbeatLink {
  /** Sends ping number `id`: a protocol ping frame carrying it, or the application ping message. */
  ping(id: number): void;
  /** Scheduler time of the last inbound sign of life (data or pong), as known when asked. */
  lastActivityAt(): number;
  /** A lower bound of our bytes the peer's TCP acknowledged so far; undefined where unknown (see `TransportConnection`). */
  acknowledged?(): number | undefined;
  /** Our bytes the kernel holds unacknowledged now (sent or not); undefined where unknown. */
  backlog?(): number | undefined;
}

/** What the monitor reports. */
export interface HeartbeatReport {
  /** A pong answered a ping after `rttMs` (the process's own stalls taken out). */
  rtt(rttMs: number): void;
  /** A ping was given up: a later one was answered first, or it went unanswered for the timeout. */
  lost(): void;
  /**
   * The outbound path's standing changed: unconfirmed when a ping has waited `pongTimeout` with no pong
   * and no outbound progress; confirmed again by a pong or by bytes draining.
   */
  outbound(confirmed: boolean, silentMs: number): void;
  /**
   * The link is dead: nothing came in for `timeoutMs` (`'inbound'`), or nothing went out (no pong, no
   * bytes drained) for `timeoutMs` while data still came in (`'outbound'`). The monitor has stopped.
   */
  timeout(silentMs: number, timeoutMs: number, direction: 'inbound' | 'outbound'): void;
}

/** How long the process itself was stalled between two times (see `EventLoopMonitor`). */
export interface StallClock {
  stalledBetween(from: number, to: number): number;
}

/** The monitor's settings: the timing maths' plus the outbound bound. */
export interface HeartbeatMonitorConfig extends HeartbeatTimingConfig {
  /** A ping unanswered this long, with no outbound progress, leaves the outbound path unconfirmed. ms. */
  readonly pongTimeout: number;
  /** Ping at once on start, as well as every interval. */
  readonly pingOnStart?: boolean;
}

/** Pings in flight beyond this are given up oldest first; far more than any sane timeout / interval. */
const MAX_IN_FLIGHT = 64;
/**
 * The shortest span over which no acknowledgement means none is coming: Linux retransmits a lost
 * segment after 200 ms at the earliest, so a congested link that is still delivering can be silent
 * that long.
 */
const ACK_WINDOW_MS = 300;

/**
 * The backlog of ours in the kernel below which a ping is not held long behind it (4 KiB: 33 ms at
 * 1 Mbit/s), so acknowledgements do not excuse its missing pong: pings and small orders stay well
 * under it, an upload (the case the acknowledgements are read for) well over.
 */
const BACKLOG_MIN_BYTES = 4096;

const noStalls: StallClock = { stalledBetween: () => 0 };

/**
 * The heartbeat of one open socket, in one place: it pings every interval (the adaptive interval),
 * matches pongs to pings, measures round trips with the process's own stalls taken out, judges the
 * outbound path, and declares the link dead.
 *
 * Liveness has two directions. Inbound: any data or pong (`lastActivityAt`), or bytes of ours
 * draining (only the peer's acknowledgements make room for them); total silence for the timeout ends
 * the link (a half-open TCP connection). Outbound: a pong, or bytes of ours draining
 * into the kernel while a backlog waited (`progress()`): a ping unanswered for `pongTimeout` with no
 * such progress leaves the outbound path unconfirmed (data flowing in proves only the inbound
 * direction), and outbound silence for the whole timeout ends the link too. A link busy uploading,
 * whose pings wait behind its own frames, keeps draining, so it is never declared dead. Its bytes may
 * also wait in the kernel, out of sight of the socket's backlog: while a ping waits, and before a link
 * is declared dead, the peer's TCP acknowledgements are read (`acknowledged`, where the kernel says);
 * bytes acknowledged between two readings, while the kernel held a backlog of ours the pings could
 * wait behind, are life in both directions, and a link is declared dead only after none for a window
 * (a tenth of the timeout, at least 300 ms). Without such a backlog they are not: a proxy in front of
 * a dead server acknowledges every byte.
 *
 * Cost: one timer per interval, the ping's, which also looks at the deadlines; a second, one-shot
 * look only when a deadline falls before the next ping, and looks every tenth of the timeout only
 * while pongs are missing (inbound data is counted, not timed, on the hot path: a look stamps it, so
 * looking often bounds the error then). A look that runs more than a quarter of the timeout late (the
 * process itself was stalled and sent no pings) pings afresh and waits an interval before declaring
 * the link dead: a long handler or a GC pause must not tear down a healthy link.
 */
export class HeartbeatMonitor implements Deadline {
  private readonly timing: HeartbeatClock;
  /**
   * Pings waiting for their pong, oldest first: replaced, not pushed to, as one or two are ever in
   * flight and an array pushed to holds 17 slots (150 B per link at ten thousand links).
   */
  private inFlight: PingTimes = undefined;
  private lastId = 0;
  private lastPongAt: number;
  /**
   * Since when pings have gone unanswered with nothing drained: the start of the outbound silence.
   * Undefined while nothing waits. Losing old pings does not move it: only a pong or progress does.
   */
  private unansweredSince: number | undefined;
  private confirmed = true;
  /** When bytes of ours last drained: the peer's acknowledgements are inbound life too. */
  private progressAt = -Infinity;
  /** The last reading of the peer's acknowledgements (taken when the link looked dead) and its time. */
  private ackedBytes = 0;
  private ackedAt = -Infinity;
  /** The kernel's backlog of ours at that reading. */
  private ackedBacklog = 0;
  /** A link that looked dead is looked at again then, to read the acknowledgements a second time. */
  private recheckAt = -Infinity;
  private graced = false;
  private lookDueAt: number;
  /** When the next ping is due. */
  dueAt: number;
  private running = false;
  /** In the scheduler's `DeadlineQueue` (the ping timer, see `Deadline`): its place and order there. */
  queueIndex = -1;
  queueOrder = 0;
  private look: Subscription | undefined;

  /**
   * @param link The socket to ping and read.
   * @param config Interval, timeouts and the adaptive switches.
   * @param scheduler Schedules pings and looks.
   * @param report Where the findings go.
   * @param stalls The process's own stalls, taken out of round trips and silences.
   */
  constructor(
    private readonly link: HeartbeatLink,
    private readonly config: HeartbeatMonitorConfig,
    private readonly scheduler: SchedulerLike,
    private readonly report: HeartbeatReport,
    private readonly stalls: StallClock = noStalls,
  ) {
    this.timing = new HeartbeatClock(config);
    this.lastPongAt = scheduler.now();
    this.lookDueAt = this.lastPongAt + this.timing.timeoutMs;
    this.dueAt = this.lastPongAt + this.timing.intervalMs;
  }

  /** The interval and timeout in force. */
  get currentTiming(): HeartbeatTiming {
    return this.timing;
  }

  /** Starts pinging; `stop()` ends every timer. */
  start(): void {
    this.running = true;
    const now = this.scheduler.now();
    this.dueAt = now + this.timing.intervalMs;
    if (this.config.pingOnStart) this.sendPing(now);
    if (this.running) {
      DeadlineQueue.of(this.scheduler).add(this);
      this.planNext(now, now, this.outboundSince());
    }
  }

  /** A pong: `id` is the echoed ping id, or `undefined` for an application pong (the oldest ping). */
  pong(id: number | undefined): void {
    const count = pingCount(this.inFlight);
    // Ping ids go up by one: those in flight are the last `count` sent, the oldest first.
    const index = id === undefined ? 0 : id - (this.lastId - count + 1);
    if (index < 0 || index >= count || !this.running) return;
    // Pongs come back in order: pings older than the one answered never will be.
    for (let older = 0; older < index && this.running; older++) {
      this.inFlight = withoutOldestPing(this.inFlight);
      this.lose();
    }
    if (!this.running) return;
    const sentAt = oldestPing(this.inFlight) as number;
    this.inFlight = withoutOldestPing(this.inFlight);
    const now = this.scheduler.now();
    this.lastPongAt = now;
    // The path is proven: the silence, if any, starts again with the oldest ping still waiting.
    this.unansweredSince = oldestPing(this.inFlight);
    const rttMs = Math.max(0, now - sentAt - this.stalls.stalledBetween(sentAt, now));
    this.adjust({ kind: 'rtt', rttMs });
    this.report.rtt(rttMs);
    if (!this.confirmed) this.confirm(now);
    // A look waiting for this pong is not needed any more.
    else if (this.look !== undefined && this.running) this.planNext(now, this.inboundFrom(), this.outboundSince());
  }

  /** Bytes of ours that had waited drained into the kernel: the outbound path works. */
  progress(): void {
    if (!this.running) return;
    const now = this.scheduler.now();
    this.progressAt = now;
    if (this.unansweredSince !== undefined) this.unansweredSince = now;
    this.confirm(now);
  }

  /** The quality judgement, for the adaptive interval. */
  quality(poor: boolean): void {
    this.adjust({ kind: 'quality', poor });
  }

  /** Stops every timer; nothing is reported any more. */
  stop(): void {
    this.running = false;
    this.look?.unsubscribe();
    this.look = undefined;
    DeadlineQueue.of(this.scheduler).remove(this);
  }

  private tick(): void {
    const now = this.scheduler.now();
    const late = now - this.dueAt > this.timing.timeoutMs / 4;
    this.dueAt = now + this.timing.intervalMs;
    for (let oldest = oldestPing(this.inFlight); oldest !== undefined && this.running;) {
      if (now - oldest < this.timing.timeoutMs && pingCount(this.inFlight) < MAX_IN_FLIGHT) break;
      this.inFlight = withoutOldestPing(this.inFlight);
      oldest = oldestPing(this.inFlight);
      this.lose();
    }
    if (!this.running) return;
    // The interval may have moved with the losses just counted: the next ping follows it.
    this.dueAt = now + this.timing.intervalMs;
    // A ping still unanswered: the acknowledgements are read now, so that a verdict at the deadline
    // has an earlier reading to compare with (only links waiting for a pong read the kernel's tables).
    if (this.unansweredSince !== undefined && this.link.acknowledged !== undefined) this.readAcknowledged(now);
    // Dead links get no more pings; a late look pings afresh itself.
    if (!this.alive(now, late) || this.graced) return;
    this.sendPing(now);
    this.planNext(now, this.inboundFrom(), this.outboundSince());
  }

  private sendPing(now: number): void {
    const id = ++this.lastId;
    this.inFlight = withPing(this.inFlight, now);
    if (this.unansweredSince === undefined) this.unansweredSince = now;
    this.link.ping(id);
  }

  private lose(): void {
    this.adjust({ kind: 'lost' });
    this.report.lost();
  }

  private adjust(feedback: HeartbeatFeedback): void {
    this.timing.feed(feedback, this.config);
  }

  private confirm(now: number): void {
    if (this.confirmed) return;
    this.confirmed = true;
    this.report.outbound(true, 0);
    this.check(now, false);
  }

  /**
   * The last inbound sign of life: data, a pong, or bytes of ours draining (only the peer's
   * acknowledgements make room for them), so a quiet server whose pongs wait behind our frames is alive.
   */
  private inboundFrom(): number {
    return Math.max(this.link.lastActivityAt(), this.progressAt);
  }

  /**
   * The start of the outbound silence (see `unansweredSince`); undefined while nothing waits, or when
   * the outbound path is not judged at all (no `pongTimeout`).
   */
  private outboundSince(): number | undefined {
    return Number.isFinite(this.config.pongTimeout) ? this.unansweredSince : undefined;
  }

  /** Looks at the deadlines now and plans the next look; `late` marks a look that ran well after it was due. */
  private check(now: number, late: boolean): void {
    if (this.alive(now, late) && !this.graced) this.planNext(now, this.inboundFrom(), this.outboundSince());
  }

  /**
   * Judges the deadlines now: false (and the timeout reported) when the link is dead; a late look at a
   * dead-looking link pings afresh and gives it one more interval (`graced`, the look planned).
   */
  private alive(now: number, late: boolean): boolean {
    const { timeoutMs } = this.timing;
    const inboundFrom = this.inboundFrom();
    const inboundSilent = now - inboundFrom - this.stalls.stalledBetween(inboundFrom, now);
    const outboundFrom = this.outboundSince();
    const outboundSilent =
      outboundFrom === undefined ? 0 : now - outboundFrom - this.stalls.stalledBetween(outboundFrom, now);
    const dead: 'inbound' | 'outbound' | undefined =
      inboundSilent >= timeoutMs ? 'inbound' : outboundSilent >= timeoutMs ? 'outbound' : undefined;
    if (dead !== undefined) {
      // A late look means this process was stalled (a long handler, a GC pause): it sent no pings
      // meanwhile, so its silence proves nothing. Ping now and give the pong an interval.
      if (late && !this.graced) {
        this.graced = true;
        this.sendPing(now);
        this.planLook(now + this.timing.intervalMs);
        return true;
      }
      const acknowledged = this.acknowledgedSince(now);
      if (acknowledged === 'progress') return this.alive(now, late);
      if (acknowledged === 'recheck') return this.running;
      this.stop();
      this.report.timeout(dead === 'inbound' ? inboundSilent : outboundSilent, timeoutMs, dead);
      return false;
    }
    this.graced = false;
    if (outboundFrom !== undefined && outboundSilent >= this.config.pongTimeout && this.confirmed) {
      this.confirmed = false;
      this.report.outbound(false, outboundSilent);
    }
    return this.running;
  }

  /**
   * A link that looks dead, by the peer's TCP acknowledgements: `progress` when bytes of ours were
   * acknowledged since a recent reading (life in both directions: the silences restart now),
   * `recheck` while the last reading is younger than the window (the look comes again at its end),
   * `dead` when nothing was acknowledged over a whole window, or the kernel does not say.
   */
  private acknowledgedSince(now: number): 'progress' | 'recheck' | 'dead' {
    const reading = this.readAcknowledged(now);
    if (reading === 'unknown') return 'dead';
    if (reading === 'progress') return 'progress';
    // No backlog of ours for the pings to wait behind: their missing pongs are not excused.
    if (this.ackedBacklog < BACKLOG_MIN_BYTES) return 'dead';
    return now < this.recheckAt ? 'recheck' : 'dead';
  }

  /**
   * Reads the peer's acknowledgements: `progress` when they grew since a recent reading (then the
   * silences restart now), `baseline` when there was none (this one is kept, and a verdict waits a
   * window for the next), `none` when they did not grow.
   */
  private readAcknowledged(now: number): 'progress' | 'baseline' | 'none' | 'unknown' {
    const bytes = this.link.acknowledged?.();
    if (bytes === undefined) return 'unknown';
    const window = Math.max(this.timing.timeoutMs / 10, ACK_WINDOW_MS);
    const recent = this.ackedAt >= now - this.timing.timeoutMs;
    // Acknowledgements excuse a missing pong only when the ping may wait behind a backlog of ours: a
    // proxy or load balancer in front of a dead server acknowledges every byte, pings included.
    const backlog = this.link.backlog?.() ?? 0;
    const stuck = Math.max(this.ackedBacklog, backlog) >= BACKLOG_MIN_BYTES;
    if (recent && (bytes <= this.ackedBytes || !stuck)) {
      this.ackedBacklog = Math.max(this.ackedBacklog, backlog);
      return 'none';
    }
    this.ackedBytes = bytes;
    this.ackedAt = now;
    this.ackedBacklog = backlog;
    this.recheckAt = now + window;
    if (!recent) return 'baseline';
    this.progressAt = now;
    if (this.unansweredSince !== undefined) this.unansweredSince = now;
    return 'progress';
  }

  /**
   * The next look: the nearest deadline, or every tenth of the timeout while the outbound path is
   * unconfirmed (data may then be all that keeps the link alive, and data is stamped when looked at);
   * none when the next ping's look comes first.
   */
  private planNext(now: number, inboundFrom: number, outboundFrom: number | undefined): void {
    const { timeoutMs } = this.timing;
    let next = inboundFrom + timeoutMs;
    if (outboundFrom !== undefined) {
      next = Math.min(next, outboundFrom + timeoutMs);
      next = Math.min(next, this.confirmed ? outboundFrom + this.config.pongTimeout : now + timeoutMs / 10);
    }
    // A verdict waits for a second reading of the acknowledgements (only behind a backlog of ours,
    // see `acknowledgedSince`): no look before it.
    if (this.recheckAt > now && this.ackedBacklog >= BACKLOG_MIN_BYTES) next = Math.max(next, this.recheckAt);
    this.planLook(Math.max(next, now + 1), this.dueAt);
  }

  private planLook(at: number, nextTickAt = Infinity): void {
    this.look?.unsubscribe();
    this.look = undefined;
    this.lookDueAt = at;
    if (at >= nextTickAt) return;
    this.look = this.scheduler.schedule(HeartbeatMonitor.lookAction, Math.max(0, at - this.scheduler.now()), this);
  }

  /** The ping timer: a tick, then the next one queued (at `dueAt`, which the tick moved on). */
  due(queue: DeadlineQueue): void {
    this.tick();
    if (this.running) queue.add(this);
  }

  // Scheduled work as a static method taking the monitor as state: no closure per socket.
  private static lookAction(this: SchedulerAction<HeartbeatMonitor>, monitor?: HeartbeatMonitor): void {
    if (monitor === undefined) return;
    monitor.look = undefined;
    const now = monitor.scheduler.now();
    monitor.check(now, now - monitor.lookDueAt > monitor.timing.timeoutMs / 4);
  }
}

/**
 * The send times of the pings waiting for their pong, oldest first: none, one (its time: no object
 * and no array per ping, as a link has one in flight between its ping and its pong) or several (an
 * exact array, only while pongs are missing).
 */
type PingTimes = number | readonly number[] | undefined;

function pingCount(pings: PingTimes): number {
  return pings === undefined ? 0 : typeof pings === 'number' ? 1 : pings.length;
}

function oldestPing(pings: PingTimes): number | undefined {
  return pings === undefined || typeof pings === 'number' ? pings : pings[0];
}

function withPing(pings: PingTimes, sentAt: number): PingTimes {
  return pings === undefined ? sentAt : typeof pings === 'number' ? [pings, sentAt] : pings.concat(sentAt);
}

function withoutOldestPing(pings: PingTimes): PingTimes {
  if (pings === undefined || typeof pings === 'number') return undefined;
  return pings.length === 2 ? pings[1] : pings.slice(1);
}
