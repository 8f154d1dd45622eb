/** A decoded JSON object, as exchanges send and take them: read with care, every field may be missing. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * Whether a decoded message is a JSON object (not an array, a string or null).
 *
 * @example
 * isJsonObject({ channel: 'pong' }); // true
 * isJsonObject('pong');              // false
 *
 * @param value A decoded inbound message.
 * @returns True for a plain object.
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
