// Names that carry credentials, in URL query strings, form fields and HTTP headers: token, access_token,
// key, apikey, api_key, X-API-KEY, listenKey, signature, sig, secret, password, passphrase (OK-ACCESS-PASSPHRASE),
// auth, Authorization, Cookie, session, jwt, credential. Over-matching ("monkey") only hides a harmless value;
// under-matching leaks a key into a log that lives for years.
const SECRET =
  /token|secret|passw|passphrase|pwd|signature|auth|credential|session|jwt|bearer|cookie|key|(?:^|[-_.])(?:sig|sign|pass)$/i;

/**
 * True when a query parameter, form field or header of this name holds a secret and must be
 * redacted wherever it is printed.
 *
 * @example
 * isSecretName('api_key');       // true
 * isSecretName('X-MBX-APIKEY');  // true
 * isSecretName('symbol');        // false
 */
export function isSecretName(name: string): boolean {
  return SECRET.test(name);
}
