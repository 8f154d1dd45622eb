import { Jitter } from './backoffDelay';
import { ConfigError } from './ConfigError';
import { attempts, boolean, factor, integer, jitter, oneOf, range } from './configRules';
import { Duration, parseDuration } from './parseDuration';

/** How a field is written on the command line and shown in help and tables. */
export type FieldKind =
  'duration' | 'count' | 'number' | 'boolean' | 'choice' | 'jitter' | 'list' | 'headers' | 'message' | 'text';

/**
 * One configuration field, described once: what the user writes (`Input`), what it resolves to
 * (`Value`), its default, its documentation, and the rule that checks it. `configFields` lists them
 * all; the option types, the defaults, validation, the CLI flags and the README table come from it.
 */
export interface ConfigField<Value, Input = Value> {
  readonly kind: FieldKind;
  /** The TypeScript type of the input, as the generated `LifelineConfigInput` writes it. */
  readonly inputType: string;
  /** The default as the user would write it (`'30s'`), shown in docs and help. */
  readonly default: Input;
  /** One sentence or two: what the field does. The default is added where it is shown. */
  readonly doc: string;
  /** The CLI placeholder, e.g. `<duration>`. */
  readonly placeholder: string;
  /** Checks a value (the default included) and returns it resolved; throws a `ConfigError` naming `field`. */
  readonly resolve: (value: unknown, field: string) => Value;
}

/** The input type of a field, for the mapped config types. */
export type FieldInput<F> = F extends ConfigField<unknown, infer Input> ? Input : never;
/** The resolved type of a field. */
export type FieldValue<F> = F extends ConfigField<infer Value, unknown> ? Value : never;

interface FieldDoc<Input> {
  readonly default: Input;
  readonly doc: string;
}

/** A duration, resolved to milliseconds. */
export function durationField(
  spec: FieldDoc<Duration> & { readonly zero?: boolean; readonly infinity?: boolean },
): ConfigField<number, Duration> {
  const rules = { allowZero: spec.zero ?? false, allowInfinity: spec.infinity ?? false };
  return {
    kind: 'duration',
    inputType: 'Duration',
    placeholder: '<duration>',
    default: spec.default,
    doc: spec.doc,
    resolve: (value, field) => parseDuration(value, field, rules),
  };
}

/** A whole number of at least `min`, and with `infinity`, `Infinity` too. */
export function countField(
  spec: FieldDoc<number> & { readonly min: number; readonly infinity?: boolean },
): ConfigField<number> {
  return {
    kind: 'count',
    inputType: 'number',
    placeholder: '<n>',
    default: spec.default,
    doc: spec.doc,
    resolve: (value, field) => {
      if (!spec.infinity) return integer(field, value, spec.min);
      const n = attempts(field, value);
      if (n < spec.min) throw new ConfigError(field, value, `a whole number >= ${spec.min}, or Infinity`);
      return n;
    },
  };
}

/** A number from `min` to `max`. */
export function rangeField(
  spec: FieldDoc<number> & { readonly min: number; readonly max: number },
): ConfigField<number> {
  return {
    kind: 'number',
    inputType: 'number',
    placeholder: `<${spec.min}-${spec.max}>`,
    default: spec.default,
    doc: spec.doc,
    resolve: (value, field) => range(field, value, spec.min, spec.max),
  };
}

/** A backoff factor: a finite number >= 1. */
export function factorField(spec: FieldDoc<number>): ConfigField<number> {
  return { kind: 'number', inputType: 'number', placeholder: '<x>', ...spec, resolve: (v, field) => factor(field, v) };
}

/** `true` or `false`; on the CLI, `--name` and `--no-name`. */
export function booleanField(spec: FieldDoc<boolean>): ConfigField<boolean> {
  return { kind: 'boolean', inputType: 'boolean', placeholder: '', ...spec, resolve: (v, field) => boolean(field, v) };
}

/** One of a few words. */
export function choiceField<T extends string>(spec: FieldDoc<T> & { readonly options: readonly T[] }): ConfigField<T> {
  return {
    kind: 'choice',
    inputType: spec.options.map((option) => `'${option}'`).join(' | '),
    placeholder: `<${spec.options.join('|')}>`,
    default: spec.default,
    doc: spec.doc,
    resolve: (value, field) => oneOf(field, value, spec.options),
  };
}

/** A jitter setting: `'none'`, `'full'`, `'equal'`, or a ratio 0–1. */
export function jitterField(spec: FieldDoc<Jitter>): ConfigField<Jitter> {
  return {
    kind: 'jitter',
    inputType: 'Jitter',
    placeholder: '<none|full|equal|ratio>',
    ...spec,
    resolve: (value, field) => jitter(field, value),
  };
}

/** Any other field: its kind, input type, placeholder and rule given as they are. */
export function customField<Value, Input>(
  spec: FieldDoc<Input> & Pick<ConfigField<Value, Input>, 'kind' | 'inputType' | 'placeholder' | 'resolve'>,
): ConfigField<Value, Input> {
  return spec;
}
