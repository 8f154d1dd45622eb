import { isSecretName } from './isSecretName';

/** What a redacted secret is replaced with. */
export const REDACTED = '***';

const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)([^/?#@\s]*)@/i;
const PARAM = /([?&;#])([^=&;#?]+)=([^&;#]*)/g;

/**
 * A URL fit to print: secret query and fragment parameters (`token`, `api_key`, `signature`,
 * `password`, … see `isSecretName`) and the userinfo (`user:password@`, or a bare `token@`) are
 * replaced with `***`. Everything else is kept exactly as written, so the printed URL still says
 * which endpoint it is. Not a URL parser's round trip: a URL that does not parse is redacted too.
 *
 * @example
 * redactUrl('wss://bob:hunter2@api.example.com/ws?symbol=BTC&token=abc');
 * // 'wss://bob:***@api.example.com/ws?symbol=BTC&token=***'
 *
 * @param url Any string; nothing is thrown.
 */
export function redactUrl(url: string): string {
  const withoutUserinfo = url.replace(USERINFO, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
  const start = withoutUserinfo.search(/[?#]/);
  if (start === -1) return withoutUserinfo;
  const head = withoutUserinfo.slice(0, start);
  const tail = withoutUserinfo
    .slice(start)
    .replace(PARAM, (match, separator: string, name: string) =>
      isSecretName(decode(name)) ? `${separator}${name}=${REDACTED}` : match,
    );
  return head + tail;
}

function decode(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
