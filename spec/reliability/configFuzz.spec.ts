import * as fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { NEVER, Observable, asyncScheduler } from 'rxjs';
import {
  ConfigError,
  ConnectOptions,
  WindowBudget,
  LifelineConfigInput,
  Transport,
  connect,
  jsonCodec,
} from '../../src/index';
import { configFieldNames } from '../../src/model/LifelineConfig';
import { activeResources, leakedSince, resourcesAbove } from './support/activeResources';
import { writeCaseResult } from './support/caseResult';

// Bad input: connect() itself fuzzed with fast-check (spec/model/LifelineConfig.spec.ts fuzzes
// resolveConfig; here the parts that are code, the cross-field rules and the timers are in play too).
//
// - Every invalid option throws a ConfigError naming it, synchronously, and nothing has started:
//   no timer, no socket (process.getActiveResourcesInfo() is unchanged right after the throw).
// - Every valid configuration constructs and closes cleanly: close() resolves, every timer it armed
//   is gone, and Node never warned that a timer overflowed (TimeoutOverflowWarning: a delay over
//   2^31−1 ms silently becomes 1 ms). The transport never connects (`{ connect: () => NEVER }`), so
//   no socket is opened while fuzzing.

const never: Transport = { connect: () => NEVER as Observable<never> };
/** Node's largest timer delay: 2^31 − 1 ms, 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const units: ReadonlyArray<readonly [string, number]> = [
  ['ms', 1],
  ['s', 1_000],
  ['m', 60_000],
  ['h', 3_600_000],
];

const duration = (allowZero: boolean, allowInfinity = false): fc.Arbitrary<number | string> =>
  fc.oneof(
    fc.integer({ min: allowZero ? 0 : 1, max: MAX_TIMER_MS }),
    fc
      .tuple(fc.constantFrom(...units), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([[unit, ms], share]) => `${Math.max(allowZero ? 0 : 1, Math.floor((share * MAX_TIMER_MS) / ms))}${unit}`),
    ...(allowInfinity ? [fc.constantFrom<number | string>(Infinity, 'Infinity')] : []),
  );
const json = fc.jsonValue().filter((v) => v !== null);

/** Every option of LifelineConfigInput but url, as valid values. */
const validSettings = {
  failbackAfter: duration(false, true),
  connectLimit: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(Infinity)),
  connectLimitWindow: duration(false),
  protocols: fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.string({ minLength: 1 }), { maxLength: 3 })),
  headers: fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 }),
  handshakeTimeout: duration(false),
  maxPayload: fc.integer({ min: 1, max: 1e9 }),
  closeTimeout: duration(true),
  ping: fc.constantFrom('ws', 'app'),
  pingMessage: fc.oneof(fc.string(), json),
  pongMatch: fc.oneof(
    fc.string({ minLength: 1 }),
    fc.constant((text: string) => text === 'pong'),
  ),
  heartbeatInterval: duration(false),
  heartbeatTimeout: duration(false),
  adaptiveHeartbeat: fc.boolean(),
  dynamicTimeout: fc.boolean(),
  checkInterval: duration(false),
  probeTimeout: duration(false),
  maxAttempts: fc.oneof(fc.nat({ max: 100 }), fc.constant(Infinity)),
  initialDelay: duration(true),
  maxDelay: duration(true),
  factor: fc.double({ min: 1, max: 100, noNaN: true }),
  jitter: fc.oneof(fc.constantFrom('none', 'full', 'equal'), fc.double({ min: 0, max: 1, noNaN: true })),
  resetOnSuccess: duration(true),
  recoveryInterval: duration(false, true),
  qualityThreshold: fc.double({ min: 0, max: 100, noNaN: true }),
  latencyWarning: duration(false),
  errorRateWarning: fc.double({ min: 0, max: 1, noNaN: true }),
  unstableTimeout: duration(false, true),
  sampleInterval: duration(false),
  dataSilence: duration(false),
  prediction: fc.boolean(),
  predictionHorizon: duration(false),
  predictionWindow: fc.integer({ min: 3, max: 1000 }),
  maxEvents: fc.integer({ min: 1, max: 10_000 }),
  queueSize: fc.integer({ min: 0, max: 1e6 }),
  queueTtl: duration(false, true),
  pongTimeout: duration(false),
  readyTimeout: duration(false),
  requestTimeout: duration(false),
  messageLimit: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(Infinity)),
  messageLimitWindow: duration(false),
  maxConnectionAge: duration(false, true),
  maxRetryAfter: duration(true),
  highWaterMark: fc.integer({ min: 0, max: 1e9 }),
  lagWarning: duration(false),
  maxClockOffset: duration(true),
} satisfies Record<Exclude<keyof LifelineConfigInput, 'url'>, fc.Arbitrary<unknown>>;

/** The parts that are code, as valid values. */
const validParts = {
  probe: fc.constantFrom(
    () => NEVER,
    () => new Promise<never>(() => undefined),
  ),
  codec: fc.constant(jsonCodec),
  subscriptions: fc.array(json, { maxLength: 3 }),
  shouldRetry: fc.constant(() => true),
  tls: fc.constantFrom({}, { rejectUnauthorized: true }, { servername: 'lifeline.invalid' }),
  budget: fc.constant(null).map(() => new WindowBudget({ limit: 30, window: 60_000 })),
  watchdogs: fc.array(
    fc.oneof(
      fc.record({
        name: fc.string({ minLength: 1 }),
        match: fc.constant(() => false),
        staleAfter: duration(false),
        resubscribe: fc.array(json, { maxLength: 2 }),
      }),
      // Watched for lag: staleAfter optional, recoverLag a share of maxLag.
      fc
        .record(
          {
            name: fc.string({ minLength: 1 }),
            match: fc.constant(() => false),
            staleAfter: duration(false, true),
            timestampOf: fc.constant(() => 0),
            maxLag: fc.integer({ min: 1, max: MAX_TIMER_MS }),
            recoverShare: fc.double({ min: 0, max: 1, noNaN: true }),
            lagSustain: duration(true),
            lagSamples: fc.integer({ min: 1, max: 100 }),
            lagSampling: duration(true),
          },
          { requiredKeys: ['name', 'match', 'timestampOf', 'maxLag', 'recoverShare'] },
        )
        .map(({ recoverShare, ...watchdog }) => ({
          ...watchdog,
          recoverLag: Math.floor(recoverShare * watchdog.maxLag),
        })),
    ),
    { maxLength: 2 },
  ),
  scheduler: fc.constant(asyncScheduler),
  random: fc.constant(() => 0.5),
};

const url = fc.oneof(
  fc.constantFrom('ws://127.0.0.1:9/ws', 'wss://127.0.0.1:9/ws'),
  fc.array(fc.constantFrom('ws://127.0.0.1:9/a', 'wss://127.0.0.1:9/b'), { minLength: 1, maxLength: 3 }),
);

/** A valid connect() options object: any subset of settings and parts, with the cross-field rules kept. */
const validOptions: fc.Arbitrary<ConnectOptions> = fc
  .tuple(
    url,
    fc.record(validSettings, { requiredKeys: [] }),
    fc.record(validParts, { requiredKeys: [] }),
    fc.option(fc.tuple(duration(false), duration(false)), { nil: undefined }),
    fc.option(fc.tuple(duration(true), duration(true)), { nil: undefined }),
    fc.option(fc.tuple(duration(false), duration(false)), { nil: undefined }),
  )
  .map(([url, settings, parts, heartbeat, delays, ages]) => {
    const options: Record<string, unknown> = { url, ...settings, ...parts, transport: never };
    // The cross-field rules, stated with both sides (one side alone may clash with the other's default).
    delete options.heartbeatInterval;
    delete options.heartbeatTimeout;
    delete options.initialDelay;
    delete options.maxDelay;
    delete options.readyTimeout;
    delete options.maxConnectionAge;
    if (ages) {
      const [a, b] = ages.map(ms);
      options.readyTimeout = Math.min(a, b, MAX_TIMER_MS - 1);
      options.maxConnectionAge = Math.max(a, b, (options.readyTimeout as number) + 1);
    }
    if (heartbeat) {
      const [a, b] = heartbeat.map(ms);
      options.heartbeatInterval = Math.min(a, b, MAX_TIMER_MS - 1);
      options.heartbeatTimeout = Math.max(a, b, (options.heartbeatInterval as number) + 1);
    }
    if (delays) {
      const [a, b] = delays.map(ms);
      options.initialDelay = Math.min(a, b);
      options.maxDelay = Math.max(a, b);
    }
    return options as unknown as ConnectOptions;
  });

function ms(value: number | string): number {
  if (typeof value === 'number') return value;
  const [, count, unit] = /^(\d+)(ms|s|m|h)$/.exec(value) as RegExpExecArray;
  return Number(count) * (units.find(([u]) => u === unit) as readonly [string, number])[1];
}

// ---- invalid values: one bad option in an otherwise valid configuration ----
const junk = fc.constantFrom<unknown>(null, true, {}, [], () => 1000, 'x');
const badDuration = (allowZero: boolean, allowInfinity = false): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double({ max: -Number.MIN_VALUE }),
    fc.constantFrom<unknown>(NaN, -Infinity, '', '5x', '-5s', '10 minutes', '1e3ms', '30d'),
    junk,
    // Past Node's timer range: such a timer would fire after 1 ms, not after weeks.
    overRangeDuration,
    ...(allowZero ? [] : [fc.constantFrom<unknown>(0, '0s')]),
    ...(allowInfinity ? [] : [fc.constantFrom<unknown>(Infinity, 'Infinity')]),
  );
const overRangeDuration = fc.oneof(
  fc.integer({ min: MAX_TIMER_MS + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom<unknown>('600h', '35792m', `${MAX_TIMER_MS + 1}ms`),
);
const overRange = (v: unknown): boolean =>
  (typeof v === 'number' && Number.isFinite(v) && v > MAX_TIMER_MS) ||
  (typeof v === 'string' && /^\d+(ms|s|m|h)$/.test(v) && ms(v) > MAX_TIMER_MS);
/** Durations that only compare (never arm a timer) may be long: only the usual rules apply to them. */
const badComparedDuration = (allowZero: boolean): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double({ max: -Number.MIN_VALUE }),
    fc.constantFrom<unknown>(NaN, Infinity, '', '5x', '10 minutes'),
    junk,
    ...(allowZero ? [] : [fc.constantFrom<unknown>(0, '0s')]),
  );
const notInteger = (min: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double().filter((n) => !Number.isInteger(n)),
    fc.integer({ min: min - 1000, max: min - 1 }),
    junk,
  );
const outside = (min: number, max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double().filter((n) => !(n >= min && n <= max)),
    junk,
  );
const notBoolean = fc.anything().filter((v) => typeof v !== 'boolean' && v !== undefined);
const unencodable = fc.constantFrom<unknown>(
  BigInt(1),
  (() => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    return loop;
  })(),
);

/** [field named by the error, options fragment] for one bad option. */
const invalidCases: fc.Arbitrary<readonly [string, Record<string, unknown>]> = fc.oneof(
  ...(
    [
      // A function is a URL decided per attempt (issue 13): valid here, checked when it answers.
      [
        'url',
        fc.oneof(
          fc.constantFrom<unknown>('', 'http://127.0.0.1', 'not a url', []),
          junk.filter((v) => typeof v !== 'function'),
        ),
      ],
      ['failbackAfter', badDuration(false, true)],
      ['connectLimit', fc.oneof(fc.constantFrom<unknown>(0, -1, 1.5, NaN), junk)],
      ['connectLimitWindow', badDuration(false)],
      ['protocols', fc.constantFrom<unknown>('', [''], 5, null, [1])],
      ['headers', fc.constantFrom<unknown>(null, 'x', [], { a: 1 })],
      ['handshakeTimeout', badDuration(false)],
      ['maxPayload', notInteger(1)],
      ['closeTimeout', badDuration(true)],
      ['ping', fc.constantFrom<unknown>('tcp', '', 1, null)],
      ['pongMatch', fc.constantFrom<unknown>('', 5, null, {})],
      ['heartbeatInterval', badDuration(false).filter((v) => !overRange(v))],
      ['heartbeatTimeout', badDuration(false)],
      ['adaptiveHeartbeat', notBoolean],
      ['dynamicTimeout', notBoolean],
      ['checkInterval', badDuration(false)],
      ['probeTimeout', badDuration(false)],
      ['maxAttempts', fc.constantFrom<unknown>(-1, 1.5, NaN, '5', -Infinity, null)],
      ['initialDelay', badDuration(true).filter((v) => !overRange(v))],
      ['maxDelay', badDuration(true)],
      ['factor', fc.constantFrom<unknown>(0.5, 0, NaN, Infinity, '2', null)],
      ['jitter', fc.constantFrom<unknown>(-0.1, 1.5, 'some', NaN, null)],
      ['resetOnSuccess', badComparedDuration(true)],
      ['recoveryInterval', badDuration(false, true)],
      ['qualityThreshold', outside(0, 100)],
      ['latencyWarning', badComparedDuration(false)],
      ['errorRateWarning', outside(0, 1)],
      ['unstableTimeout', badDuration(false, true)],
      ['sampleInterval', badDuration(false)],
      ['dataSilence', badComparedDuration(false)],
      ['prediction', notBoolean],
      ['predictionHorizon', badComparedDuration(false)],
      ['predictionWindow', notInteger(3)],
      ['maxEvents', notInteger(1)],
      ['queueSize', notInteger(0)],
      ['queueTtl', badDuration(false, true)],
      ['probe', fc.constantFrom<unknown>(5, 'check', {}, null)],
      ['codec', fc.constantFrom<unknown>(null, {}, { encode: () => '' }, 'json')],
      ['subscriptions', fc.constantFrom<unknown>('subscribe', {}, 5, null)],
      ['shouldRetry', fc.constantFrom<unknown>(true, 1, null)],
      ['random', fc.constantFrom<unknown>(0.5, null, 'r')],
      ['scheduler', fc.constantFrom<unknown>({}, null, 1)],
      ['transport', fc.constantFrom<unknown>(5, {}, null, { connect: 1 })],
      ['budget', fc.constantFrom<unknown>({}, 5, null)],
      ['watchdogs', fc.constantFrom<unknown>({}, 'x', null)],
      ['tls', fc.constantFrom<unknown>('ca.pem', 5, true, [])],
      ['agent', fc.constantFrom<unknown>('http://proxy:3128', 5, {}, null, { addRequest: 1 })],
    ] as Array<[string, fc.Arbitrary<unknown>]>
  ).map(([field, bad]) => bad.map((value) => [field, { [field]: value }] as const)),
  // Past the timer range with the partner option raised too, so the cross-field rule holds.
  overRangeDuration.map(
    (v) => ['heartbeatInterval', { heartbeatInterval: v, heartbeatTimeout: ms(v as number | string) + 1 }] as const,
  ),
  overRangeDuration.map((v) => ['initialDelay', { initialDelay: v, maxDelay: v }] as const),
  // Cross-field rules.
  duration(false).map(
    (interval) => ['heartbeatTimeout', { heartbeatInterval: interval, heartbeatTimeout: interval }] as const,
  ),
  fc
    .integer({ min: 1, max: 10_000 })
    .map((delay) => ['maxDelay', { initialDelay: delay, maxDelay: delay - 1 }] as const),
  duration(false).map((age) => ['maxConnectionAge', { readyTimeout: age, maxConnectionAge: age }] as const),
  // Values the codec cannot encode, where they are known up front.
  unencodable.map((value) => ['subscriptions[1]', { subscriptions: [{ op: 'ok' }, value] }] as const),
  unencodable.map(
    (value) =>
      [
        'watchdogs[0].resubscribe[0]',
        { watchdogs: [{ name: 'feed', match: () => true, staleAfter: 1000, resubscribe: [value] }] },
      ] as const,
  ),
  unencodable.map((value) => ['pingMessage', { ping: 'app', pingMessage: value }] as const),
  // Watchdogs.
  fc.constantFrom<readonly [string, Record<string, unknown>]>(
    ['watchdogs[0]', { watchdogs: [null] }],
    ['watchdogs[0].name', { watchdogs: [{ name: '', match: () => true, staleAfter: 1000 }] }],
    ['watchdogs[0].match', { watchdogs: [{ name: 'a', match: 'trades', staleAfter: 1000 }] }],
    ['watchdogs[0].staleAfter', { watchdogs: [{ name: 'a', match: () => true, staleAfter: '600h' }] }],
    ['watchdogs[0].staleAfter', { watchdogs: [{ name: 'a', match: () => true, staleAfter: -1 }] }],
    ['watchdogs[0].resubscribe', { watchdogs: [{ name: 'a', match: () => true, staleAfter: 1, resubscribe: {} }] }],
    ['watchdogs[0].staleAfter', { watchdogs: [{ name: 'a', match: () => true }] }],
    ['watchdogs[0].staleAfter', { watchdogs: [{ name: 'a', match: () => true, staleAfter: Infinity }] }],
    ['watchdogs[0].timestampOf', { watchdogs: [{ name: 'a', match: () => true, timestampOf: 'ts' }] }],
    ['watchdogs[0].timestampOf', { watchdogs: [{ name: 'a', match: () => true, staleAfter: 1, maxLag: '1s' }] }],
    ['watchdogs[0].maxLag', { watchdogs: [{ name: 'a', match: () => true, timestampOf: () => 0, maxLag: 0 }] }],
    [
      'watchdogs[0].recoverLag',
      { watchdogs: [{ name: 'a', match: () => true, timestampOf: () => 0, maxLag: '1s', recoverLag: '2s' }] },
    ],
    [
      'watchdogs[0].lagSustain',
      { watchdogs: [{ name: 'a', match: () => true, timestampOf: () => 0, lagSustain: -1 }] },
    ],
    [
      'watchdogs[0].lagSamples',
      { watchdogs: [{ name: 'a', match: () => true, timestampOf: () => 0, lagSamples: 1.5 }] },
    ],
    [
      'watchdogs[0].lagSampling',
      { watchdogs: [{ name: 'a', match: () => true, timestampOf: () => 0, lagSampling: 'x' }] },
    ],
  ),
  // A typo is an error, not a silent default.
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((key) => !configFieldNames.includes(key) && !(key in validParts) && !['transport', 'restore'].includes(key))
    .filter((key) => !['__proto__', 'constructor'].includes(key))
    .map((key) => [key, { [key]: 1 }] as const),
);

describe('reliability: connect() with bad and good configuration', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  beforeAll(() => process.on('warning', onWarning));
  afterAll(() => process.off('warning', onWarning));

  it('should throw a ConfigError naming the field for every invalid option, with nothing started', async () => {
    const started = performance.now();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(validOptions, invalidCases, async (valid, [field, bad]) => {
        runs++;
        const before = activeResources();
        let thrown: unknown;
        try {
          // Not expected to return; if it does, close it before failing, or its timers would run on.
          await connect({ ...valid, ...bad } as ConnectOptions).close();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ConfigError);
        expect({ field: (thrown as ConfigError).field, message: (thrown as ConfigError).message }).toEqual({
          field,
          message: expect.stringContaining(field) as string,
        });
        expect(resourcesAbove(before)).toEqual({ total: 0, byType: {} });
      }),
      { numRuns: 600 },
    );
    writeCaseResult({
      id: '14a-config-fuzz-invalid',
      title: 'bad input: invalid config → ConfigError',
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      leaked: 0,
      statuses: [],
      events: [],
      notes: `${runs} fast-check runs: every invalid option threw a ConfigError naming it; no timer or socket started`,
      wallMs: Math.round(performance.now() - started),
    });
  });

  it('should construct and close cleanly with every valid configuration, arming no overflowing timer', async () => {
    const started = performance.now();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(validOptions, async (options) => {
        runs++;
        const before = activeResources();
        const link = connect(options);
        expect(link.snapshot().status).toBe('Connecting');
        await link.close();
        await new Promise((resolve) => setImmediate(resolve));
        expect(await leakedSince(before, 500)).toEqual({ total: 0, byType: {} });
        expect(warnings.map((w) => w.name)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    writeCaseResult({
      id: '14b-config-fuzz-valid',
      title: 'bad input: valid config → constructs, closes cleanly',
      sent: 0,
      delivered: 0,
      rejected: {},
      lost: 0,
      leaked: 0,
      statuses: [],
      events: [],
      notes: `${runs} fast-check runs with a never-connecting transport: close() resolved, no timer left, no TimeoutOverflowWarning`,
      wallMs: Math.round(performance.now() - started),
    });
  });

  describe('timers past 24.8 days (2^31 − 1 ms)', () => {
    it('should refuse a checkInterval that Node would turn into a 1 ms probe loop', async () => {
      let probes = 0;
      let thrown: unknown;
      try {
        // Before the fix this returned, and the probe then ran every millisecond.
        await connect({
          url: 'ws://127.0.0.1:9',
          transport: never,
          checkInterval: '1000h',
          probe: () => {
            probes++;
            return Promise.resolve();
          },
        }).close();
      } catch (error) {
        thrown = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(thrown).toMatchObject({ name: 'ConfigError', field: 'checkInterval', value: '1000h' });
      expect(probes).toBe(0);
    });

    it('should reject a send() ttl past the timer range instead of expiring the message at once', async () => {
      const link = connect({ url: 'ws://127.0.0.1:9', transport: never });
      await expect(link.send({ order: 1 }, { ttl: '1000h' })).rejects.toMatchObject({ field: 'ttl' });
      expect(link.snapshot().queued).toBe(0);
      await link.close();
    });
  });
});
