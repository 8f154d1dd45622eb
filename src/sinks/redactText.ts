import { isSecretName } from './isSecretName';
import { REDACTED, redactUrl } from './redactUrl';

const URL_IN_TEXT = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>`]+/gi;
const HEADER_IN_TEXT =
  /\b((?:proxy-)?authorization|(?:set-)?cookie|x-[\w-]*key|api-?key)(\s*[:=]\s*)(?:(bearer|basic|digest|token)\s+)?([^\s,;"'&]+)/gi;
const BEARER = /\b(bearer)\s+[\w\-.~+/]+=*/gi;
const ASSIGNMENT = /([\w.-]+)=([^\s&;,"'<>]+)/g;

/**
 * Free text fit to print: error messages and event descriptions may quote a URL, a header or a
 * `key=value` pair. Every URL in the text goes through `redactUrl`; header lines such as
 * `Authorization: Bearer …` or `X-API-KEY=…`, bare `Bearer …` tokens, and `name=value` pairs whose name
 * is secret (see `isSecretName`) have their value replaced with `***`.
 *
 * @example
 * redactText('upgrade to wss://x.io/ws?token=abc failed; Authorization: Bearer eyJ0');
 * // 'upgrade to wss://x.io/ws?token=*** failed; Authorization: Bearer ***'
 */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(
      HEADER_IN_TEXT,
      (_, name: string, separator: string, scheme: string | undefined) =>
        `${name}${separator}${scheme ? `${scheme} ` : ''}${REDACTED}`,
    )
    .replace(BEARER, (_, bearer: string) => `${bearer} ${REDACTED}`)
    .replace(ASSIGNMENT, (match, name: string) => (isSecretName(name) ? `${name}=${REDACTED}` : match));
}
