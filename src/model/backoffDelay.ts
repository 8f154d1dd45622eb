/**
 * How a delay is randomised: `'none'` (exact), `'full'` (uniform in 0…d), `'equal'` (uniform in
 * d/2…d), or a ratio r in 0…1 (uniform in d × (1 ± r)).
 */
export type Jitter = 'none' | 'full' | 'equal' | number;

/** The retry schedule `backoffDelay` computes from: delay n = `initialDelay × factor^(n−1)`, capped, then jittered. */
export interface BackoffSchedule {
  /** Milliseconds before the first retry. */
  readonly initialDelay: number;
  /** Milliseconds no delay exceeds. */
  readonly maxDelay: number;
  /** Growth per attempt. */
  readonly factor: number;
  readonly jitter: Jitter;
}

/**
 * The delay before retry `attempt` (1-based): `initialDelay × factor^(attempt − 1)`, capped at
 * `maxDelay`, then jittered and capped again. With the seed's defaults: 2, 4, 8, 16, 32 s, then 60 s.
 *
 * @param random The random source, uniform in [0, 1). Inject a seeded one in tests.
 * @example
 * backoffDelay(3, { initialDelay: 2000, maxDelay: 60000, factor: 2, jitter: 'none' }); // 8000
 */
export function backoffDelay(attempt: number, schedule: BackoffSchedule, random: () => number = Math.random): number {
  const { initialDelay, maxDelay, factor, jitter } = schedule;
  const exponent = Math.max(0, attempt - 1);
  // A zero delay stays zero however far factor^exponent overflows (0 × Infinity would be NaN).
  const nominal = initialDelay === 0 ? 0 : Math.min(maxDelay, initialDelay * Math.pow(factor, exponent));
  // Overflow to Infinity (huge attempts) must still land on the cap.
  const base = Number.isFinite(nominal) ? nominal : maxDelay;
  return Math.min(maxDelay, Math.max(0, jittered(base, jitter, random)));
}

function jittered(delay: number, jitter: Jitter, random: () => number): number {
  switch (jitter) {
    case 'none':
      return delay;
    case 'full':
      return random() * delay;
    case 'equal':
      return delay / 2 + (random() * delay) / 2;
    default:
      return delay * (1 + jitter * (2 * random() - 1));
  }
}
