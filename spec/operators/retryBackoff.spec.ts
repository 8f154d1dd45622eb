import { Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import * as fc from 'fast-check';
import { ConfigError, RetryExhaustedError, retryBackoff } from '../../src/index';
import { RetryAttempt } from '../../src/operators/retryBackoff';
import { seededRandom } from '../support/seededRandom';

describe('retryBackoff', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should match the marble diagram in its doc comment', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--#');
      const subs = ['^----!', '--------^----!', '-------------------^----!'];
      const result = source.pipe(
        retryBackoff({ initialDelay: 3, factor: 2, maxAttempts: 2, scheduler: testScheduler }),
      );
      expectObservable(result).toBe('--a-------a----------a--#', { a: 'a' }, new RetryExhaustedError(2, 'error'));
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should resubscribe after initialDelay × factor^(n-1): the seed schedule 2, 4, 8, 16, 32 s', () => {
    testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
      const source = cold('#');
      const result = source.pipe(retryBackoff({ scheduler: testScheduler }));
      expectObservable(result).toBe('62s #', undefined, new RetryExhaustedError(5, 'error'));
      expectSubscriptions(source.subscriptions).toBe([
        '(^!)',
        '2s (^!)',
        '6s (^!)',
        '14s (^!)',
        '30s (^!)',
        '62s (^!)',
      ]);
    });
  });

  it('should cap every delay at maxDelay', () => {
    const delays: number[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('#').pipe(
        retryBackoff({
          initialDelay: 10,
          factor: 3,
          maxDelay: 50,
          maxAttempts: 5,
          onAttempt: ({ delay }) => delays.push(delay),
          scheduler: testScheduler,
        }),
      );
      expectObservable(result).toBe('190ms #', undefined, new RetryExhaustedError(5, 'error'));
    });
    expect(delays).toEqual([10, 30, 50, 50, 50]);
  });

  it('should report each attempt with its number, delay and error before waiting', () => {
    const attempts: RetryAttempt[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-#', undefined, 'boom').pipe(
        retryBackoff({ initialDelay: 2, maxAttempts: 2, onAttempt: (a) => attempts.push(a), scheduler: testScheduler }),
      );
      expectObservable(result).toBe('---------#', undefined, new RetryExhaustedError(2, 'boom'));
    });
    expect(attempts).toEqual([
      { attempt: 1, delay: 2, error: 'boom' },
      { attempt: 2, delay: 4, error: 'boom' },
    ]);
  });

  it('should call the hooks as methods of the config, so a class instance can be the config', () => {
    class Policy {
      readonly initialDelay = 2;
      readonly maxAttempts = 3;
      readonly attempts: number[] = [];
      constructor(readonly scheduler: TestScheduler) {}
      shouldRetry(_error: unknown, attempt: number): boolean {
        return attempt < this.maxAttempts;
      }
      delayAtLeast(): number {
        return this.initialDelay * 3;
      }
      onAttempt({ attempt }: RetryAttempt): void {
        this.attempts.push(attempt);
      }
    }
    const policy = new Policy(testScheduler);
    testScheduler.run(({ cold, expectObservable }) => {
      // Errors at 1, 8 and 15: retries 1 and 2 wait 6 (delayAtLeast), retry 3 is refused: 'boom' as is.
      expectObservable(cold('-#', undefined, 'boom').pipe(retryBackoff(policy))).toBe(
        '---------------#',
        undefined,
        'boom',
      );
    });
    expect(policy.attempts).toEqual([1, 2]);
  });

  it('should pass values through untouched and complete when the source completes', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-|');
      expectObservable(source.pipe(retryBackoff({ scheduler: testScheduler }))).toBe('-a-b-|');
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('should stay silent on never and complete on empty', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(retryBackoff({ scheduler: testScheduler })), '^ 10s !').toBe('-');
      expectObservable(cold('|').pipe(retryBackoff({ scheduler: testScheduler }))).toBe('|');
    });
  });

  describe('maxAttempts', () => {
    it('should error at once with RetryExhaustedError(0, error) when maxAttempts is 0', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('--#', undefined, 'down');
        expectObservable(source.pipe(retryBackoff({ maxAttempts: 0, scheduler: testScheduler }))).toBe(
          '--#',
          undefined,
          new RetryExhaustedError(0, 'down'),
        );
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('should keep retrying at the cap with maxAttempts Infinity', () => {
      testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
        const source = cold('#');
        const result = source.pipe(
          retryBackoff({ initialDelay: 1, maxDelay: 4, maxAttempts: Infinity, scheduler: testScheduler }),
        );
        expectObservable(result, '^ 20ms !').toBe('-');
        expectSubscriptions(source.subscriptions).toBe([
          '(^!)',
          '1ms (^!)',
          '3ms (^!)',
          '7ms (^!)',
          '11ms (^!)',
          '15ms (^!)',
          '19ms (^!)',
        ]);
      });
    });

    it('should carry the attempts made and the last error', () => {
      let caught: unknown;
      testScheduler.run(({ cold, flush }) => {
        let n = 0;
        const source = new Observable<never>((s) => s.error(new Error(`failure ${++n}`)));
        source.pipe(retryBackoff({ initialDelay: 1, maxAttempts: 3, scheduler: testScheduler })).subscribe({
          error: (e) => (caught = e),
        });
        cold('-').subscribe();
        flush();
      });
      expect(caught).toBeInstanceOf(RetryExhaustedError);
      expect((caught as RetryExhaustedError).attempts).toBe(3);
      expect(((caught as RetryExhaustedError).cause as Error).message).toBe('failure 4');
      expect((caught as RetryExhaustedError).code).toBe('LIFELINE_RETRY_EXHAUSTED');
      expect((caught as Error).message).toBe('gave up after 3 retries: failure 4');
    });
  });

  describe('shouldRetry', () => {
    it('should rethrow the original error at once when it returns false', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-#', undefined, { status: 401 });
        const result = source.pipe(
          retryBackoff({ shouldRetry: (e) => (e as { status: number }).status !== 401, scheduler: testScheduler }),
        );
        expectObservable(result).toBe('-#', undefined, { status: 401 });
        expectSubscriptions(source.subscriptions).toBe('^!');
      });
    });

    it('should be asked with the 1-based number of the retry about to be made', () => {
      const asked: number[] = [];
      testScheduler.run(({ cold, expectObservable }) => {
        const result = cold('#', undefined, 'e').pipe(
          retryBackoff({
            initialDelay: 1,
            shouldRetry: (_e, attempt) => {
              asked.push(attempt);
              return attempt < 3;
            },
            scheduler: testScheduler,
          }),
        );
        expectObservable(result).toBe('3ms #', undefined, 'e');
      });
      expect(asked).toEqual([1, 2, 3]);
    });

    it('should error with what it throws when it throws', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const result = cold('-#').pipe(
          retryBackoff({
            shouldRetry: () => {
              throw new Error('predicate broke');
            },
            scheduler: testScheduler,
          }),
        );
        expectObservable(result).toBe('-#', undefined, new Error('predicate broke'));
      });
    });
  });

  it('should error with what onAttempt throws', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const result = cold('-#').pipe(
        retryBackoff({
          onAttempt: () => {
            throw new Error('hook broke');
          },
          scheduler: testScheduler,
        }),
      );
      expectObservable(result).toBe('-#', undefined, new Error('hook broke'));
    });
  });

  describe('resetOnSuccess', () => {
    it('should keep counting across emissions when false (the default)', () => {
      testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
        const source = cold('a#');
        const result = source.pipe(retryBackoff({ initialDelay: 2, maxAttempts: 2, scheduler: testScheduler }));
        expectObservable(result).toBe('a--a----a#', { a: 'a' }, new RetryExhaustedError(2, 'error'));
        expectSubscriptions(source.subscriptions).toBe(['^!', '---^!', '--------^!']);
      });
    });

    it('should reset the count whenever the source emits when true', () => {
      testScheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
        const source = cold('a#');
        const result = source.pipe(retryBackoff({ initialDelay: 2, resetOnSuccess: true, scheduler: testScheduler }));
        expectObservable(result, '^ 10ms !').toBe('a--a--a--a-', { a: 'a' });
        expectSubscriptions(source.subscriptions).toBe(['^!', '---^!', '------^!', '---------^!']);
      });
    });

    it('should reset only after the source stayed up for the given duration', () => {
      testScheduler.run(({ cold, expectSubscriptions }) => {
        // Short sessions (up 1 ms) keep backing off: 2, 4, 8 ms.
        const flapping = cold('a-#');
        flapping
          .pipe(retryBackoff({ initialDelay: 2, resetOnSuccess: 5, scheduler: testScheduler }))
          .subscribe({ error: () => undefined });
        expectSubscriptions(flapping.subscriptions).toBe([
          '^-!',
          '4ms ^-!',
          '10ms ^-!',
          '20ms ^-!',
          '38ms ^-!',
          '72ms ^-!',
        ]);
      });
    });

    it('should start again at initialDelay after a session that lasted long enough', () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        // Up from the first value (frame 0) to the error at frame 6: >= 5 ms, so every retry is the first.
        const stable = cold('a-----#');
        const result = stable.pipe(
          retryBackoff({ initialDelay: 2, resetOnSuccess: '5ms', maxAttempts: 1, scheduler: testScheduler }),
        );
        expectObservable(result, '^ 20ms !').toBe('a-------a-------a----', { a: 'a' });
        expectSubscriptions(stable.subscriptions).toBe(['^-----!', '--------^-----!', '----------------^----!']);
      });
    });
  });

  it('should not resubscribe after an unsubscribe during a pending delay', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#');
      const result = source.pipe(retryBackoff({ initialDelay: 5, scheduler: testScheduler }));
      expectObservable(result, '^--!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('should retry a source that errors synchronously on subscribe', () => {
    let subscriptions = 0;
    testScheduler.run(({ expectObservable }) => {
      const source = new Observable<never>((s) => {
        subscriptions++;
        s.error('sync');
      });
      expectObservable(source.pipe(retryBackoff({ initialDelay: 1, maxAttempts: 3, scheduler: testScheduler }))).toBe(
        '7ms #',
        undefined,
        new RetryExhaustedError(3, 'sync'),
      );
    });
    expect(subscriptions).toBe(4);
  });

  it('should keep state per subscription', () => {
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('#');
      const retrying = source.pipe(retryBackoff({ initialDelay: 2, maxAttempts: 1, scheduler: testScheduler }));
      retrying.subscribe({ error: () => undefined });
      testScheduler.schedule(() => retrying.subscribe({ error: () => undefined }), 10);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '--(^!)', '10ms (^!)', '12ms (^!)']);
    });
  });

  describe('jitter', () => {
    it('should keep every jittered delay within its bounds', () => {
      const cases: Array<{
        jitter: 'full' | 'equal' | number;
        min: (d: number) => number;
        max: (d: number) => number;
      }> = [
        { jitter: 'full', min: () => 0, max: (d) => d },
        { jitter: 'equal', min: (d) => d / 2, max: (d) => d },
        { jitter: 0.25, min: (d) => d * 0.75, max: (d) => Math.min(1000, d * 1.25) },
      ];
      for (const { jitter, min, max } of cases) {
        const delays: number[] = [];
        testScheduler.run(({ cold, flush }) => {
          cold('#')
            .pipe(
              retryBackoff({
                initialDelay: 100,
                maxDelay: 1000,
                maxAttempts: 6,
                jitter,
                random: seededRandom(42),
                onAttempt: ({ delay }) => delays.push(delay),
                scheduler: testScheduler,
              }),
            )
            .subscribe({ error: () => undefined });
          flush();
        });
        const nominal = [100, 200, 400, 800, 1000, 1000];
        expect(delays).toHaveLength(6);
        delays.forEach((delay, i) => {
          expect(delay).toBeGreaterThanOrEqual(min(nominal[i] as number));
          expect(delay).toBeLessThanOrEqual(max(nominal[i] as number));
        });
        expect(new Set(delays).size).toBeGreaterThan(2);
      }
    });

    it('should give the same schedule for the same seed', () => {
      const run = (): number[] => {
        const delays: number[] = [];
        testScheduler.run(({ cold, flush }) => {
          cold('#')
            .pipe(
              retryBackoff({
                jitter: 'full',
                random: seededRandom(7),
                onAttempt: ({ delay }) => delays.push(delay),
                scheduler: testScheduler,
              }),
            )
            .subscribe({ error: () => undefined });
          flush();
        });
        return delays;
      };
      expect(run()).toEqual(run());
    });
  });

  describe('configuration', () => {
    it.each([
      ['initialDelay', { initialDelay: -1 }],
      ['maxDelay', { maxDelay: 'soon' }],
      ['maxDelay', { initialDelay: '10s', maxDelay: '5s' }],
      ['factor', { factor: 0.5 }],
      ['maxAttempts', { maxAttempts: 2.5 }],
      ['maxAttempts', { maxAttempts: -1 }],
      ['jitter', { jitter: 2 }],
      ['jitter', { jitter: 'some' }],
      ['resetOnSuccess', { resetOnSuccess: 'NaNs' }],
    ])('should throw a ConfigError naming %s', (field, config) => {
      expect(() => retryBackoff(config as never)).toThrow(ConfigError);
      try {
        retryBackoff(config as never);
      } catch (error) {
        expect((error as ConfigError).field).toBe(field);
      }
    });

    it('should accept durations as strings', () => {
      testScheduler.run(({ cold, expectObservable }) => {
        const result = cold('#').pipe(retryBackoff({ initialDelay: '1s', maxAttempts: 1, scheduler: testScheduler }));
        expectObservable(result).toBe('1s #', undefined, new RetryExhaustedError(1, 'error'));
      });
    });
  });

  it('should make delays non-decreasing and bounded without jitter, for any schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        (initialDelay, extra, factor, maxAttempts) => {
          const maxDelay = initialDelay + extra;
          const delays: number[] = [];
          const scheduler = new TestScheduler(() => undefined);
          scheduler.run(({ flush }) => {
            throwError(() => 'x')
              .pipe(
                retryBackoff({
                  initialDelay,
                  maxDelay,
                  factor,
                  maxAttempts,
                  onAttempt: ({ delay }) => delays.push(delay),
                  scheduler,
                }),
              )
              .subscribe({ error: () => undefined });
            flush();
          });
          expect(delays).toHaveLength(maxAttempts);
          expect(delays[0]).toBe(initialDelay);
          for (let i = 1; i < delays.length; i++) {
            expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
            expect(delays[i]).toBeLessThanOrEqual(maxDelay);
          }
        },
      ),
    );
  });

  it('should work on a source that never errors', () => {
    testScheduler.run(({ expectObservable }) => {
      expectObservable(of(1, 2).pipe(retryBackoff({ scheduler: testScheduler }))).toBe('(ab|)', { a: 1, b: 2 });
    });
  });
});
