import { SchedulerLike } from 'rxjs';
import { ClockOffsetEstimate, ClockOffsetState, clockOffset } from '../model/clockOffset';
import { TimedReply } from './RequestBook';

/**
 * The exchange's clock as seen from here: every reply that carries the exchange's time (see
 * `Correlation.serverTimeOf`) is a round trip for the NTP-style estimate (`clockOffset`), and
 * `now()` is the local time corrected by it, for logins signed with a fresh timestamp and deadlines
 * in the exchange's time. Warns once each time the offset goes past `maxOffset`.
 */
export class ExchangeClock {
  private state: ClockOffsetState | undefined;
  private warned = false;

  /**
   * @param scheduler The local clock.
   * @param maxOffset The offset, ms, past which `report.offsetTooLarge` is told.
   * @param report Told when the estimate first goes past `maxOffset` (again after it came back).
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly maxOffset: number,
    private readonly report: { offsetTooLarge(estimate: ClockOffsetEstimate): void },
  ) {}

  /** The estimate, once a reply has carried the exchange's time. */
  get estimate(): ClockOffsetEstimate | undefined {
    return this.state?.estimate;
  }

  /** The offset to add to local time for the exchange's, ms (0 until measured). */
  get offsetMs(): number {
    return this.state?.estimate?.offsetMs ?? 0;
  }

  /** The exchange's time now, ms. */
  now(): number {
    return this.scheduler.now() + this.offsetMs;
  }

  /** A round trip whose reply carried the exchange's time (one timestamp: t1 = t2). */
  add({ t0, serverTime, t3 }: TimedReply): void {
    this.state = clockOffset(this.state, { t0, t1: serverTime, t2: serverTime, t3 }, { maxOffset: this.maxOffset });
    const estimate = this.state.estimate;
    const past = estimate?.pastBound === true;
    if (past && !this.warned && estimate !== undefined) this.report.offsetTooLarge(estimate);
    this.warned = past;
  }
}
