import * as fc from 'fast-check';
import { ConfigError, LifelineConfig, LifelineConfigInput } from '../../src/index';
import { configFieldNames, defaultConfig, resolveConfig } from '../../src/model/LifelineConfig';

const url = 'wss://api.example.com/ws';

/** Resolves expecting a ConfigError and returns it. */
function rejected(input: unknown): ConfigError {
  try {
    resolveConfig(input as LifelineConfigInput);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(input)}, nothing was thrown`);
}

// ---- valid values: [what the user writes, what resolveConfig should return] ----
type Valid = readonly [input: unknown, resolved: unknown];
const units: ReadonlyArray<readonly [string, number]> = [
  ['ms', 1],
  ['s', 1_000],
  ['m', 60_000],
  ['h', 3_600_000],
];
const validDuration = (allowZero: boolean, allowInfinity = false): fc.Arbitrary<Valid> =>
  fc.oneof(
    fc.integer({ min: allowZero ? 0 : 1, max: 1e9 }).map((ms): Valid => [ms, ms]),
    fc
      .tuple(fc.integer({ min: allowZero ? 0 : 1, max: 10_000 }), fc.constantFrom(...units))
      .map(([count, [unit, ms]]): Valid => [`${count}${unit}`, count * ms])
      // Node's longest timer: 2^31 − 1 ms.
      .filter(([, ms]) => (ms as number) <= 2 ** 31 - 1),
    ...(allowInfinity ? [fc.constantFrom<Valid>([Infinity, Infinity], ['Infinity', Infinity])] : []),
  );
const same = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Valid> => arb.map((v): Valid => [v, v]);

const validFields: Record<keyof LifelineConfigInput, fc.Arbitrary<Valid>> = {
  url: same(
    fc.oneof(
      fc.constantFrom('ws://localhost:8080', 'ws://127.0.0.1:9000/stream', url),
      fc.webUrl().map((web) => web.replace(/^http/, 'ws')),
    ),
  ),
  protocols: fc.oneof(
    fc.string({ minLength: 1 }).map((p): Valid => [p, [p]]),
    same(fc.array(fc.string({ minLength: 1 }), { maxLength: 3 })),
  ),
  headers: same(fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 })),
  handshakeTimeout: validDuration(false),
  maxPayload: same(fc.integer({ min: 1, max: 1e9 })),
  closeTimeout: validDuration(true),
  ping: same(fc.constantFrom('ws', 'app')),
  pingMessage: same(fc.anything().filter((v) => v !== undefined)),
  pongMatch: same(
    fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constant((text: string) => text === 'pong'),
    ),
  ),
  heartbeatInterval: validDuration(false),
  heartbeatTimeout: validDuration(false),
  adaptiveHeartbeat: same(fc.boolean()),
  dynamicTimeout: same(fc.boolean()),
  checkInterval: validDuration(false),
  probeTimeout: validDuration(false),
  maxAttempts: same(fc.oneof(fc.nat({ max: 100 }), fc.constant(Infinity))),
  initialDelay: validDuration(true),
  maxDelay: validDuration(true),
  factor: same(fc.oneof(fc.constant(1), fc.double({ min: 1, max: 100, noNaN: true }))),
  jitter: same(fc.oneof(fc.constantFrom('none', 'full', 'equal', 0, 1), fc.double({ min: 0, max: 1, noNaN: true }))),
  resetOnSuccess: validDuration(true),
  recoveryInterval: validDuration(false, true),
  qualityThreshold: same(fc.double({ min: 0, max: 100, noNaN: true })),
  latencyWarning: validDuration(false),
  errorRateWarning: same(fc.double({ min: 0, max: 1, noNaN: true })),
  unstableTimeout: validDuration(false, true),
  sampleInterval: validDuration(false),
  dataSilence: validDuration(false),
  maxEvents: same(fc.integer({ min: 1, max: 10_000 })),
  queueSize: same(fc.integer({ min: 0, max: 1e6 })),
  queueTtl: validDuration(false, true),
  failbackAfter: validDuration(false, true),
  connectLimit: same(fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constant(Infinity))),
  connectLimitWindow: validDuration(false),
  prediction: same(fc.boolean()),
  predictionHorizon: validDuration(false),
  predictionWindow: same(fc.integer({ min: 3, max: 1000 })),
  pongTimeout: validDuration(false),
  readyTimeout: validDuration(false),
  requestTimeout: validDuration(false),
  messageLimit: same(fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constant(Infinity))),
  messageLimitWindow: validDuration(false),
  maxConnectionAge: validDuration(false, true),
  maxRetryAfter: validDuration(true),
  highWaterMark: same(fc.integer({ min: 0, max: 1e9 })),
  lagWarning: validDuration(false),
  maxClockOffset: validDuration(true),
};

/** A random valid input (any subset of fields) and the config it must resolve to. */
const validConfig: fc.Arbitrary<{ input: Record<string, unknown>; expected: LifelineConfig }> = fc
  .record(validFields, { requiredKeys: ['url'] })
  .map((pairs) => {
    const input: Record<string, unknown> = {};
    const expected: Record<string, unknown> = { ...defaultConfig };
    for (const [key, pair] of Object.entries(pairs) as [string, Valid][]) {
      input[key] = pair[0];
      expected[key] = pair[1];
    }
    // Keep the cross-field rules: the timeout exceeds the interval (a pong needs time to come back),
    // the cap covers the first delay.
    const interval = expected.heartbeatInterval as number;
    if ((expected.heartbeatTimeout as number) <= interval) {
      input.heartbeatTimeout = interval + 1;
      expected.heartbeatTimeout = interval + 1;
    }
    if ((expected.maxDelay as number) < (expected.initialDelay as number)) {
      input.maxDelay = expected.initialDelay;
      expected.maxDelay = expected.initialDelay;
    }
    // A socket outlives the set-up of its successor.
    if ((expected.maxConnectionAge as number) <= (expected.readyTimeout as number)) {
      input.maxConnectionAge = (expected.readyTimeout as number) + 1;
      expected.maxConnectionAge = (expected.readyTimeout as number) + 1;
    }
    expected.urls = [expected.url];
    return { input, expected: expected as unknown as LifelineConfig };
  });

// ---- invalid values, per field ----
const junk = fc.constantFrom<unknown>(null, true, false, {}, [], [1000], () => 1000);
const badDurationText = fc.oneof(
  fc.constantFrom('', '5x', '-5s', 'abc', '1e3ms', 's', '10 minutes', '30', 'Infinityms', '--1s', '1.s', '1,5s'),
  fc
    .tuple(fc.nat(), fc.constantFrom('x', 'sec', 'min', 'hours', 'S', 'MS', 'd', 'us', ''))
    .map(([count, unit]) => `${count}${unit}`),
);
const invalidDuration = (allowZero: boolean, allowInfinity = false): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double({ max: -Number.MIN_VALUE }),
    fc.constant(NaN),
    badDurationText,
    junk,
    ...(allowZero ? [] : [fc.constantFrom<unknown>(0, -0, '0s', '0ms', '0.0h')]),
    ...(allowInfinity ? [] : [fc.constantFrom<unknown>(Infinity, 'Infinity')]),
    // Past Node's longest timer, 24.8 days.
    fc.constantFrom<unknown>(2 ** 31, '597h', '36000m', 1e12),
  );
const notInteger = (min: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double().filter((n) => !Number.isInteger(n)),
    fc.integer({ min: min - 1_000_000, max: min - 1 }),
    fc.nat().map(String),
    junk,
  );
const outside = (min: number, max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.double().filter((n) => !(n >= min && n <= max)),
    fc.double({ min, max, noNaN: true }).map(String),
    junk,
  );
const notBoolean = fc.anything().filter((v) => typeof v !== 'boolean' && v !== undefined);
const letters = 'abcdefghijklmnopqrstuvwxyz0123456789:/.-_@?#';

const invalidFields: Record<Exclude<keyof LifelineConfigInput, 'pingMessage'>, fc.Arbitrary<unknown>> = {
  url: fc.oneof(
    fc.webUrl(),
    fc.constantFrom('', 'not a url', 'ftp://example.com', 'file:///tmp/x', 'localhost:8080', '//example.com/ws'),
    fc.string({ unit: fc.constantFrom(...letters) }).filter((s) => !/^wss?:/.test(s)),
    fc.integer(),
    junk,
  ),
  protocols: fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }), fc.constantFrom<unknown>('', 1, null, {}, []))
      .map(([good, bad]) => [...good, bad]),
    fc.integer(),
    fc.constantFrom<unknown>(null, true, {}),
  ),
  headers: fc.oneof(
    fc.constantFrom<unknown>(null, 'Authorization: x', 42, [], [['a', 'b']]),
    fc
      .tuple(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 2 }),
        fc.constantFrom<unknown>(1, null, {}, true),
      )
      .map(([good, bad]) => ({ ...good, 'X-Bad': bad })),
  ),
  handshakeTimeout: invalidDuration(false),
  maxPayload: notInteger(1),
  closeTimeout: invalidDuration(true),
  ping: fc.anything().filter((v) => v !== 'ws' && v !== 'app' && v !== undefined),
  pongMatch: fc.oneof(
    fc.constant(''),
    fc.anything().filter((v) => typeof v !== 'string' && typeof v !== 'function' && v !== undefined),
  ),
  heartbeatInterval: invalidDuration(false),
  heartbeatTimeout: invalidDuration(false),
  adaptiveHeartbeat: notBoolean,
  dynamicTimeout: notBoolean,
  checkInterval: invalidDuration(false),
  probeTimeout: invalidDuration(false),
  maxAttempts: fc.oneof(
    fc.double({ min: 0, noNaN: true }).filter((n) => !Number.isInteger(n) && n !== Infinity),
    fc.integer({ min: -1_000_000, max: -1 }),
    fc.constantFrom<unknown>(-Infinity, NaN, '5', 'Infinity'),
    junk,
  ),
  initialDelay: invalidDuration(true),
  maxDelay: invalidDuration(true),
  factor: fc.oneof(fc.double({ max: 1, maxExcluded: true }), fc.constantFrom<unknown>(Infinity, NaN, '2'), junk),
  jitter: fc.oneof(
    fc.double().filter((n) => !(n >= 0 && n <= 1)),
    fc.string().filter((s) => !['none', 'full', 'equal'].includes(s)),
    junk,
  ),
  resetOnSuccess: invalidDuration(true),
  recoveryInterval: invalidDuration(false, true),
  qualityThreshold: outside(0, 100),
  latencyWarning: invalidDuration(false),
  errorRateWarning: outside(0, 1),
  unstableTimeout: invalidDuration(false, true),
  sampleInterval: invalidDuration(false),
  dataSilence: invalidDuration(false),
  maxEvents: notInteger(1),
  queueSize: notInteger(0),
  queueTtl: invalidDuration(false, true),
  failbackAfter: invalidDuration(false, true),
  connectLimit: fc.oneof(
    fc.double({ min: 0, noNaN: true }).filter((n) => !Number.isInteger(n) && n !== Infinity),
    fc.integer({ min: -1000, max: 0 }),
    fc.constantFrom<unknown>(NaN, '30', -Infinity),
    junk,
  ),
  connectLimitWindow: invalidDuration(false),
  prediction: notBoolean,
  predictionHorizon: invalidDuration(false),
  predictionWindow: notInteger(3),
  pongTimeout: invalidDuration(false),
  readyTimeout: invalidDuration(false),
  requestTimeout: invalidDuration(false),
  messageLimit: fc.oneof(
    fc.double({ min: 0, noNaN: true }).filter((n) => !Number.isInteger(n) && n !== Infinity),
    fc.integer({ min: -1000, max: 0 }),
    fc.constantFrom<unknown>(NaN, '30', -Infinity),
    junk,
  ),
  messageLimitWindow: invalidDuration(false),
  maxConnectionAge: invalidDuration(false, true),
  maxRetryAfter: invalidDuration(true),
  highWaterMark: notInteger(0),
  lagWarning: invalidDuration(false),
  maxClockOffset: invalidDuration(true),
};

describe('resolveConfig', () => {
  describe('defaults', () => {
    const config = resolveConfig({ url });

    it('should follow DESIGN.md', () => {
      expect(config).toMatchObject({
        heartbeatInterval: 30_000,
        heartbeatTimeout: 60_000,
        adaptiveHeartbeat: true,
        dynamicTimeout: true,
        checkInterval: 60_000,
        maxAttempts: 5,
        initialDelay: 2_000,
        maxDelay: 60_000,
        factor: 2,
        maxEvents: 100,
        qualityThreshold: 70,
        latencyWarning: 1_000,
        errorRateWarning: 0.1,
      });
    });

    it('should be exactly the url plus defaultConfig', () => {
      expect(config).toEqual({ url, urls: [url], ...defaultConfig });
    });

    it('should treat an undefined field as unset', () => {
      expect(resolveConfig({ url, heartbeatInterval: undefined, maxAttempts: undefined })).toEqual(config);
    });
  });

  it('should accept every field by the names configFieldNames lists', () => {
    expect([...configFieldNames].sort()).toEqual(['url', ...Object.keys(defaultConfig)].sort());
    expect([...configFieldNames].sort()).toEqual(Object.keys(validFields).sort());
  });

  it('should convert duration strings to milliseconds', () => {
    const config = resolveConfig({
      url,
      heartbeatInterval: '15s',
      heartbeatTimeout: '1m',
      initialDelay: '1500ms',
      maxDelay: '1h',
    });
    expect(config).toMatchObject({
      heartbeatInterval: 15_000,
      heartbeatTimeout: 60_000,
      initialDelay: 1_500,
      maxDelay: 3_600_000,
    });
  });

  it('should turn a single subprotocol into a list', () => {
    expect(resolveConfig({ url, protocols: 'v2.trading' }).protocols).toEqual(['v2.trading']);
  });

  describe('valid edge cases', () => {
    it('should accept maxAttempts Infinity and 0', () => {
      expect(resolveConfig({ url, maxAttempts: Infinity }).maxAttempts).toBe(Infinity);
      expect(resolveConfig({ url, maxAttempts: 0 }).maxAttempts).toBe(0);
    });

    it("should accept recoveryInterval 'Infinity'", () => {
      expect(resolveConfig({ url, recoveryInterval: 'Infinity' }).recoveryInterval).toBe(Infinity);
    });

    it('should accept jitter 0 and 1', () => {
      expect(resolveConfig({ url, jitter: 0 }).jitter).toBe(0);
      expect(resolveConfig({ url, jitter: 1 }).jitter).toBe(1);
    });

    it('should accept a heartbeatTimeout just over the interval', () => {
      const config = resolveConfig({ url, heartbeatInterval: '45s', heartbeatTimeout: 45_001 });
      expect(config).toMatchObject({ heartbeatInterval: 45_000, heartbeatTimeout: 45_001 });
    });

    it('should accept a maxDelay equal to the initialDelay', () => {
      expect(resolveConfig({ url, initialDelay: '5s', maxDelay: 5_000 }).maxDelay).toBe(5_000);
    });

    it('should accept an initialDelay of 0', () => {
      expect(resolveConfig({ url, initialDelay: 0 }).initialDelay).toBe(0);
    });

    it('should accept ws:// as well as wss://', () => {
      expect(resolveConfig({ url: 'ws://localhost:8080/feed' }).url).toBe('ws://localhost:8080/feed');
    });

    it('should accept a list of endpoints, the first preferred', () => {
      const config = resolveConfig({ url: ['wss://a.example/ws', 'ws://b.example/ws'] });
      expect(config.url).toBe('wss://a.example/ws');
      expect(config.urls).toEqual(['wss://a.example/ws', 'ws://b.example/ws']);
    });

    it('should accept connectLimit Infinity (no budget)', () => {
      expect(resolveConfig({ url, connectLimit: Infinity }).connectLimit).toBe(Infinity);
    });
  });

  describe('invalid endpoint lists', () => {
    it('should reject an empty list and name the url field for a bad member', () => {
      expect(rejected({ url: [] })).toMatchObject({ field: 'url' });
      expect(rejected({ url: ['wss://a.example/ws', 'https://b.example'] })).toMatchObject({
        field: 'url',
        value: ['wss://a.example/ws', 'https://b.example'],
      });
    });

    it('should reject a connectLimit of 0', () => {
      expect(rejected({ url, connectLimit: 0 })).toMatchObject({
        field: 'connectLimit',
        allowed: 'a whole number >= 1, or Infinity',
      });
    });
  });

  describe('invalid values', () => {
    it('should reject a negative duration', () => {
      expect(rejected({ url, heartbeatInterval: -1 })).toMatchObject({ field: 'heartbeatInterval', value: -1 });
      expect(rejected({ url, initialDelay: '-2s' })).toMatchObject({ field: 'initialDelay', value: '-2s' });
    });

    it('should reject NaN', () => {
      expect(rejected({ url, checkInterval: NaN }).field).toBe('checkInterval');
      expect(rejected({ url, qualityThreshold: NaN }).field).toBe('qualityThreshold');
    });

    it('should reject Infinity where it is not allowed', () => {
      expect(rejected({ url, heartbeatTimeout: Infinity }).field).toBe('heartbeatTimeout');
      expect(rejected({ url, maxDelay: 'Infinity' }).field).toBe('maxDelay');
      expect(rejected({ url, factor: Infinity }).field).toBe('factor');
    });

    it('should reject a zero heartbeatInterval', () => {
      expect(rejected({ url, heartbeatInterval: '0s' }).field).toBe('heartbeatInterval');
    });

    it('should reject a maxDelay under the initialDelay, naming both', () => {
      const error = rejected({ url, initialDelay: '10s', maxDelay: '5s' });
      expect(error.field).toBe('maxDelay');
      expect(error.value).toBe('5s');
      expect(error.message).toBe('maxDelay (5s) must be >= initialDelay (10s)');
    });

    it('should reject a heartbeatTimeout under the heartbeatInterval, naming both', () => {
      const error = rejected({ url, heartbeatInterval: '30s', heartbeatTimeout: '10s' });
      expect(error.field).toBe('heartbeatTimeout');
      expect(error.value).toBe('10s');
      expect(error.message).toMatch(/^heartbeatTimeout \(10s\) must be > heartbeatInterval \(30s\)/);
    });

    it('should reject a heartbeatTimeout equal to the heartbeatInterval: a pong needs time to come back', () => {
      const error = rejected({ url, heartbeatInterval: '45s', heartbeatTimeout: 45_000 });
      expect(error.field).toBe('heartbeatTimeout');
      expect(error.message).toContain('a pong needs time to come back');
    });

    it('should refuse a maxConnectionAge no longer than readyTimeout, blaming the one given', () => {
      const error = rejected({ url, maxConnectionAge: '15s' });
      expect(error.field).toBe('maxConnectionAge');
      expect(error.message).toBe(
        'maxConnectionAge (15s) must be > readyTimeout (15s): a successor socket needs readyTimeout to be set up; readyTimeout is the default',
      );
      expect(rejected({ url, readyTimeout: '2m', maxConnectionAge: '1m' }).field).toBe('maxConnectionAge');
      expect(resolveConfig({ url, readyTimeout: '2m' }).maxConnectionAge).toBe(Infinity);
    });

    it('should name the default interval when only the timeout is given', () => {
      const error = rejected({ url, heartbeatTimeout: '10s' });
      expect(error.field).toBe('heartbeatTimeout');
      expect(error.message).toMatch(/^heartbeatTimeout \(10s\) must be > heartbeatInterval \((30s|30000ms)\)/);
    });

    it('should reject a fractional maxAttempts', () => {
      expect(rejected({ url, maxAttempts: 2.5 })).toMatchObject({ field: 'maxAttempts', value: 2.5 });
    });

    it.each<[string, unknown]>([
      ['an http URL', 'http://api.example.com/ws'],
      ['an https URL', 'https://api.example.com/ws'],
      ['garbage', 'not a url'],
      ['an empty string', ''],
      ['a number', 8080],
    ])('should reject %s as the url', (_label, value) => {
      const error = rejected({ url: value });
      expect(error.field).toBe('url');
      expect(error.value).toBe(value);
      expect(error.message).toContain('url');
    });

    it('should reject a missing url', () => {
      expect(rejected({ heartbeatInterval: '30s' }).field).toBe('url');
    });

    it('should reject an unknown option, naming it and the known ones', () => {
      const error = rejected({ url, heartbeatIntervall: '30s' });
      expect(error.field).toBe('heartbeatIntervall');
      expect(error.value).toBe('30s');
      expect(error.message).toContain('Unknown option heartbeatIntervall');
      expect(error.message).toContain('heartbeatInterval,');
    });

    it.each([null, undefined, 'wss://x', 42])('should reject %p as the whole config', (input) => {
      expect(rejected(input).field).toBe('config');
    });

    it('should say in the message which field is wrong and what was given', () => {
      const error = rejected({ url, checkInterval: '5x' });
      expect(error.message).toContain('checkInterval');
      expect(error.message).toContain('"5x"');
      expect(error.allowed.length).toBeGreaterThan(0);
    });
  });

  it('should resolve any valid config to its values and the defaults (property)', () => {
    fc.assert(
      fc.property(validConfig, ({ input, expected }) => {
        expect(resolveConfig(input as unknown as LifelineConfigInput)).toEqual(expected);
      }),
    );
  });

  it('should accept any pingMessage', () => {
    fc.assert(
      fc.property(fc.anything(), (pingMessage) => {
        fc.pre(pingMessage !== undefined);
        expect(resolveConfig({ url, pingMessage }).pingMessage).toBe(pingMessage);
      }),
    );
  });

  describe.each(Object.keys(invalidFields) as (keyof typeof invalidFields)[])('fuzzing %s', (field) => {
    it('should throw a ConfigError naming the field for any invalid value (property)', () => {
      fc.assert(
        fc.property(validConfig, invalidFields[field], ({ input }, bad) => {
          const error = rejected({ ...input, [field]: bad });
          expect(error.field).toBe(field);
          expect(Object.is(error.value, bad)).toBe(true);
        }),
      );
    });
  });

  it('should throw a ConfigError naming any unknown option (property)', () => {
    fc.assert(
      fc.property(
        validConfig,
        fc.string({ minLength: 1 }).filter((name) => !configFieldNames.includes(name) && name !== '__proto__'),
        fc.anything(),
        ({ input }, name, value) => {
          expect(rejected({ ...input, [name]: value }).field).toBe(name);
        },
      ),
    );
  });
});
