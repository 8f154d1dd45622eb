import { isSecretName } from './isSecretName';
import { REDACTED } from './redactUrl';

const SCHEME = /^(bearer|basic|digest|token|apikey)\s+/i;

/**
 * A copy of HTTP headers fit to print: `Authorization`, `Proxy-Authorization`, `Cookie`,
 * `X-API-KEY`, `X-MBX-APIKEY`, `OK-ACCESS-SIGN`, `OK-ACCESS-PASSPHRASE` and the like (see
 * `isSecretName`) have their value replaced with `***`; an authorization scheme is kept
 * (`Bearer ***`) because it helps debugging and reveals nothing.
 *
 * @example
 * redactHeaders({ Authorization: 'Bearer eyJhbGci…', 'User-Agent': 'bot/1.0' });
 * // { Authorization: 'Bearer ***', 'User-Agent': 'bot/1.0' }
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSecretName(name) ? mask(value) : value;
  }
  return out;
}

function mask(value: string): string {
  const scheme = SCHEME.exec(value);
  return scheme ? `${scheme[0]}${REDACTED}` : REDACTED;
}
