import { Observable, scan, startWith } from 'rxjs';
import { ConnectionQuality, initialQuality } from '../model/ConnectionQuality';
import { QualitySample } from '../model/QualitySample';
import { updateQuality } from '../model/updateQuality';

/**
 * The quality stream: samples from the heartbeat, the latency probe and the data sampler, folded
 * with the model's `updateQuality`.
 *
 * ```
 * samples:   --h---e---t--
 * result:    q-a---b---c--    (q = initial; one quality per sample)
 * ```
 *
 * @example
 * qualityFrom(merge(heartbeatSamples$, probeSamples$, dataSamples$))
 * // initialQuality, then { averageLatencyMs: 42, … } after a 42 ms pong, …
 *
 * @param samples$ The measurements, already mapped to `QualitySample`s.
 * @param initial The starting figures. Defaults to `initialQuality`.
 */
export function qualityFrom(
  samples$: Observable<QualitySample>,
  initial: ConnectionQuality = initialQuality,
): Observable<ConnectionQuality> {
  return samples$.pipe(scan(updateQuality, initial), startWith(initial));
}
