import { Observable, ObservableInput, SchedulerLike, map, merge, mergeMap } from 'rxjs';
import { ConnectionSignal } from '../model/ConnectionSignal';
import { DataMeter } from '../model/DataMeter';
import { LifelineConfig } from '../model/LifelineConfig';
import { dataReceived } from './dataReceived';
import { latencyProbe } from './latencyProbe';

/**
 * What watches a handle for its whole life, across sockets, as signals for the fold: the data
 * sampler (throughput every `sampleInterval`, and data resuming after a silence) and, when the
 * application gave one, the connection check (`probe`) every `checkInterval`.
 *
 * ```
 * sampler:   ----t----t----t-     (throughput, every sampleInterval; dataResumed when data restarts)
 * probe:     r---------r------     (roundTrip, or checkFailed; at start, then every checkInterval)
 * result:    r---t----(tr)-t-
 * ```
 *
 * @param meter The inbound counters.
 * @param probe The application's connection check, if any.
 * @param config The sampling and check intervals.
 * @param scheduler Schedules ticks and checks and stamps them.
 */
export function lifetimeMonitors(
  meter: DataMeter,
  probe: (() => ObservableInput<unknown>) | undefined,
  config: Pick<LifelineConfig, 'sampleInterval' | 'checkInterval' | 'probeTimeout'>,
  scheduler: SchedulerLike,
): Observable<ConnectionSignal> {
  const samples$ = dataReceived(meter, { sampleInterval: config.sampleInterval }, scheduler).pipe(
    mergeMap((sample): ConnectionSignal[] => {
      const at = scheduler.now();
      const throughput: ConnectionSignal = { type: 'throughput', at, messagesPerSecond: sample.messagesPerSecond };
      return sample.resumption ? [throughput, { type: 'dataResumed', at, ...sample.resumption }] : [throughput];
    }),
  );
  if (!probe) return samples$;
  const checks$ = latencyProbe(
    probe,
    { checkInterval: config.checkInterval, probeTimeout: config.probeTimeout },
    scheduler,
  ).pipe(
    map((result): ConnectionSignal =>
      result.ok
        ? { type: 'roundTrip', at: scheduler.now(), source: 'probe', latencyMs: result.latencyMs }
        : { type: 'checkFailed', at: scheduler.now(), error: result.error, initial: result.initial },
    ),
  );
  return merge(samples$, checks$);
}
