import { Observable, SchedulerLike, Subject, Subscription, asyncScheduler, shareReplay } from 'rxjs';
import { ConfigError } from '../model/ConfigError';
import { ConnectionQuality, QualityThresholds, defaultQualityThresholds, isGood } from '../model/ConnectionQuality';
import { ConnectionStatus, connectionStatuses } from '../model/ConnectionStatus';
import { LifelineConfig } from '../model/LifelineConfig';
import { Duration, parseDuration } from '../model/parseDuration';
import { compactDuration } from './compactDuration';
import { GateReason, GateState, NetworkRiskEvent } from './GateState';
import { gateReasonText } from './describeGate';

/** What the gate watches: the part of a `Connection` it needs, so marble specs can feed cold streams. */
export interface GateSource {
  readonly status$: Observable<ConnectionStatus>;
  readonly quality$: Observable<ConnectionQuality>;
  /** When present (a `Connection` has it), the quality threshold comes from here. */
  readonly config?: Pick<LifelineConfig, 'qualityThreshold' | 'latencyWarning' | 'errorRateWarning'>;
}

/** When the trade gate closes and reopens, and the hooks it calls as it does. */
export interface TradeGateConfig {
  /**
   * Statuses that close an open gate. `Failed` always does (the seed: pause trading while the
   * connection has failed); add `Disconnected`, `Reconnecting`, `Unstable` (or `Connecting`) to close
   * sooner. Defaults to `['Failed']`.
   */
  readonly closeOn?: readonly ConnectionStatus[];
  /**
   * How long the link must stay Connected with good quality before a closed gate opens: the
   * hysteresis that keeps a flapping link from toggling trading. `0` opens at once. Defaults to `'5s'`.
   */
  readonly settle?: Duration;
  /** The quality threshold for "good" (`isGood`). Defaults to the source's `config`, else `defaultQualityThresholds`. */
  readonly thresholds?: QualityThresholds;
  /**
   * Called synchronously when the gate opens, before the open state is emitted: arm the exchange's
   * cancel-all-after dead-man's switch, resume quoting. `risk` is the resume event, absent on the
   * first opening. If it throws, the gate fails closed: it stays closed (reason `'hook'`), a
   * `hookFailed` risk event (severity 4) carries the error, and it tries to open again after the
   * settle time (1 s when `settle` is 0). `gate$` goes on.
   */
  readonly onOpen?: (state: GateState, risk: NetworkRiskEvent | undefined) => void;
  /**
   * Called synchronously when an open gate closes, after the closed state is emitted: cancel resting
   * orders now. If it throws, the gate stays closed and a `hookFailed` risk event (severity 4)
   * carries the error; `gate$` goes on.
   */
  readonly onClose?: (state: GateState, risk: NetworkRiskEvent) => void;
}

/** The gate and its risk events. */
export interface TradeGate {
  /**
   * The gate state: closed at first, distinct values only, hot and replayed to late subscribers
   * (`shareReplay({ refCount: true, bufferSize: 1 })`). Emits `{ open: false, reason: 'closed' }` and
   * completes when the source's `status$` completes.
   */
  readonly gate$: Observable<GateState>;
  /**
   * `tradingPaused` when an open gate closes, `tradingResumed` (with the downtime) when it reopens,
   * `hookFailed` when `onOpen` or `onClose` threw. Hot, not replayed. Subscribing also subscribes `gate$`.
   */
  readonly riskEvents$: Observable<NetworkRiskEvent>;
}

const CLOSABLE = connectionStatuses.filter((status) => status !== ConnectionStatus.Connected);
/** How long a gate whose `onOpen` threw waits before it tries again when `settle` is 0. */
const HOOK_RETRY_MS = 1000;

/**
 * The trade gate (seed: "连接失败时暂停交易"): from the link's status and quality, whether orders
 * may go out now. It closes when the link fails (or, with `closeOn`, is merely disconnected,
 * reconnecting or unstable) and reopens only once the link has been Connected with good quality for
 * `settle`, so a flapping link does not toggle trading. Each close and reopen is a network risk event.
 *
 * ```
 * status$:  c-K-----------F--R--K-R-K--------      (c Connecting, K Connected, F Failed, R Reconnecting)
 * gate$:    c-s----o------f--r--s-r-s----o---      (settle 5; s settling, o open, f/r closed for that status)
 * risk:                   P                o       (P tradingPaused, o tradingResumed + downtime)
 * ```
 *
 * A hook that throws fails closed: the gate stays closed, a `hookFailed` risk event says why, and the
 * stream goes on (a throwing `onOpen` is tried again after the settle time).
 *
 * @example
 * const { gate$, riskEvents$ } = tradeGate(link, {
 *   closeOn: ['Failed', 'Disconnected'],
 *   settle: '5s',
 *   onClose: () => exchange.cancelAll(),
 *   onOpen: (state, risk) => log.info(risk?.description ?? 'trading open'),
 * });
 * riskEvents$.subscribe((risk) => log.warn(risk, risk.description));
 * orders$.pipe(whileGateOpen(gate$, (order, error) => strategy.rejected(order, error))).subscribe(place);
 * // gate$: { open: false, reason: 'Connecting' }, { open: false, reason: 'settling' }, { open: true, reason: 'healthy' }, …
 *
 * @param source A `Connection`, or any object with `status$` and `quality$`.
 * @param config Which statuses close it, the settle time, thresholds and hooks.
 * @param scheduler Time for the settle timer and the timestamps. Defaults to `asyncScheduler`.
 * @returns `gate$` and `riskEvents$`, both cold until subscribed and sharing one gate.
 * @throws ConfigError when an option is invalid, before anything is subscribed.
 */
export function tradeGate(
  source: GateSource,
  config: TradeGateConfig = {},
  scheduler: SchedulerLike = asyncScheduler,
): TradeGate {
  const {
    closeOn = [ConnectionStatus.Failed],
    settle = '5s',
    thresholds = source.config ?? defaultQualityThresholds,
    onOpen,
    onClose,
  } = config;
  if (!Array.isArray(closeOn) || !closeOn.every((status) => CLOSABLE.includes(status))) {
    throw new ConfigError('closeOn', closeOn, `a list of statuses from ${CLOSABLE.join(', ')}`);
  }
  const settleMs = parseDuration(settle, 'settle');
  const hookRetryMs = settleMs > 0 ? settleMs : HOOK_RETRY_MS;
  if (onOpen !== undefined && typeof onOpen !== 'function') throw new ConfigError('onOpen', onOpen, 'a function');
  if (onClose !== undefined && typeof onClose !== 'function') throw new ConfigError('onClose', onClose, 'a function');
  const closing = new Set<ConnectionStatus>([ConnectionStatus.Failed, ...closeOn]);
  const risks = new Subject<NetworkRiskEvent>();

  const core$ = new Observable<GateState>((subscriber) => {
    let status: ConnectionStatus | undefined;
    let good: boolean | undefined;
    let state: GateState = { open: false, reason: ConnectionStatus.Connecting, since: scheduler.now() };
    let pausedAt: number | undefined;
    let settling: Subscription | undefined;
    const subscription = new Subscription(() => settling?.unsubscribe());

    const stopSettling = (): void => {
      settling?.unsubscribe();
      settling = undefined;
    };

    // A throwing hook must not take the gate down with it: the strategy would lose its only guard.
    const hookFailed = (hook: 'onOpen' | 'onClose', error: unknown): void => {
      const errorMessage = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const outcome =
        hook === 'onOpen'
          ? `the gate stays closed and tries again in ${compactDuration(hookRetryMs, 'en')}`
          : 'the gate is closed';
      risks.next({
        type: 'hookFailed',
        at: scheduler.now(),
        severity: 4,
        reason: state.reason,
        description: `${hook} hook threw: ${errorMessage}; ${outcome}`,
        errorMessage,
      });
    };

    const waitThenOpen = (delay: number): void => {
      settling = scheduler.schedule(
        guarded(() => {
          settling = undefined;
          open();
        }),
        delay,
      );
    };

    const close = (reason: GateReason): void => {
      if (!state.open) {
        if (state.reason !== reason) emit({ ...state, reason });
        return;
      }
      const at = scheduler.now();
      pausedAt = at;
      emit({ open: false, reason, since: at });
      const risk: NetworkRiskEvent = {
        type: 'tradingPaused',
        at,
        severity: 4,
        reason,
        description: `trading paused: ${gateReasonText(reason, 'en')}`,
      };
      risks.next(risk);
      try {
        onClose?.(state, risk);
      } catch (error) {
        hookFailed('onClose', error);
      }
    };

    const open = (): void => {
      const at = scheduler.now();
      const next: GateState = { open: true, reason: 'healthy', since: at };
      const risk: NetworkRiskEvent | undefined =
        pausedAt === undefined
          ? undefined
          : {
              type: 'tradingResumed',
              at,
              severity: 2,
              reason: 'healthy',
              description: `trading resumed after ${compactDuration(at - pausedAt, 'en')}: the link has been Connected with good quality for ${compactDuration(settleMs, 'en')}`,
              downtimeMs: at - pausedAt,
            };
      // Before the state goes out: a hook that throws must leave the gate closed.
      try {
        onOpen?.(next, risk);
      } catch (error) {
        close('hook');
        hookFailed('onOpen', error);
        waitThenOpen(hookRetryMs);
        return;
      }
      pausedAt = undefined;
      emit(next);
      if (risk) risks.next(risk);
    };

    const emit = (next: GateState): void => {
      state = next;
      subscriber.next(next);
    };

    const guarded = (action: () => void) => (): void => {
      try {
        action();
      } catch (error) {
        subscriber.error(error);
      }
    };

    const evaluate = guarded(() => {
      if (status === undefined || good === undefined) return;
      if (state.open) {
        if (closing.has(status)) close(status as Exclude<ConnectionStatus, 'Connected'>);
        return;
      }
      if (status !== ConnectionStatus.Connected || !good) {
        stopSettling();
        close(status === ConnectionStatus.Connected ? 'quality' : status);
        return;
      }
      if (settling) return;
      if (settleMs === 0) {
        open();
        return;
      }
      close('settling');
      waitThenOpen(settleMs);
    });

    subscriber.next(state);
    subscription.add(
      source.quality$.subscribe({
        next: (quality) => {
          const now = isGood(quality, thresholds);
          if (now === good) return;
          good = now;
          evaluate();
        },
        error: (error: unknown) => subscriber.error(error),
      }),
    );
    subscription.add(
      source.status$.subscribe({
        next: (value) => {
          if (value === status) return;
          status = value;
          evaluate();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: guarded(() => {
          stopSettling();
          close('closed');
          subscriber.complete();
        }),
      }),
    );
    return subscription;
  });

  const gate$ = core$.pipe(shareReplay({ refCount: true, bufferSize: 1 }));
  // Subscribing to the risk events keeps the gate running; they end when the gate does.
  const riskEvents$ = new Observable<NetworkRiskEvent>((subscriber) => {
    const subscription = risks.subscribe((risk) => subscriber.next(risk));
    subscription.add(
      gate$.subscribe({ error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() }),
    );
    return subscription;
  });
  return { gate$, riskEvents$ };
}
