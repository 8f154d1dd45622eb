// Pins retryBackoff's config: every field optional, durations as ms or strings, no stray fields.
import { expectTypeOf } from 'expect-type';
import { MonoTypeOperatorFunction, of } from 'rxjs';
import { RetryAttempt, RetryBackoffConfig, retryBackoff } from '../../src/index';

export function cases(): void {
  expectTypeOf(retryBackoff<number>()).toEqualTypeOf<MonoTypeOperatorFunction<number>>();
  of(1).pipe(retryBackoff({ initialDelay: '2s', maxDelay: 60_000, factor: 2, maxAttempts: 5, jitter: 'full' }));
  retryBackoff({ jitter: 0.2, resetOnSuccess: '1m', shouldRetry: (_error, attempt) => attempt < 3 });
  retryBackoff({ resetOnSuccess: true, onAttempt: (attempt) => expectTypeOf(attempt).toEqualTypeOf<RetryAttempt>() });
  // @ts-expect-error maxAtempts is misspelt
  retryBackoff({ maxAtempts: 3 });
  // @ts-expect-error factor is a number
  retryBackoff({ factor: '2' });
  // @ts-expect-error jitter is none, full, equal or a ratio
  retryBackoff({ jitter: 'lots' });
  // @ts-expect-error shouldRetry answers with a boolean
  retryBackoff({ shouldRetry: () => 'yes' });
  expectTypeOf<RetryBackoffConfig['initialDelay']>().toEqualTypeOf<number | string | undefined>();
}
