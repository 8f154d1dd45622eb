// RFC 9110 §5.6.7 HTTP-date: the preferred IMF-fixdate and the two obsolete forms a recipient must accept.
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850 =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * How long a server asked the client to wait, from an HTTP `Retry-After` header (RFC 9110 §10.2.3),
 * in milliseconds; `undefined` when the header is absent or not one of its two forms.
 *
 * - `delay-seconds` (`Retry-After: 120`): 120 000 ms.
 * - `HTTP-date` (`Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`): that instant minus the response's own
 *   `Date` header when it has a valid one, so a client whose clock is off by minutes still waits what
 *   the server meant; minus `now` (the local clock) otherwise. A date already past gives `0`.
 *
 * Gotchas: only the exact grammars are accepted (`1.5`, `-3`, `120s` or a free-form date give
 * `undefined`, as RFC 9110 asks a recipient to ignore an invalid value), the three HTTP-date forms
 * included: IMF-fixdate, the obsolete RFC 850 form and asctime (which is GMT without saying so).
 * No cap is applied here: whoever delays the next attempt decides the largest wait it honours.
 *
 * @example
 * retryAfterMs('30', undefined, 0); // 30000
 * retryAfterMs('Wed, 21 Oct 2026 07:28:30 GMT', 'Wed, 21 Oct 2026 07:28:00 GMT', 0); // 30000
 * retryAfterMs('soon', undefined, 0); // undefined
 *
 * @param retryAfter The `Retry-After` header value, if any.
 * @param responseDate The response's `Date` header, if any: the server's clock when it answered.
 * @param now The local clock (epoch ms), used only when the response carries no valid `Date`.
 * @returns Milliseconds to wait (≥ 0), or `undefined`.
 */
export function retryAfterMs(
  retryAfter: string | undefined,
  responseDate: string | undefined,
  now: number,
): number | undefined {
  if (retryAfter === undefined) return undefined;
  const value = retryAfter.trim();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : Number.MAX_SAFE_INTEGER;
  }
  const until = httpDate(value);
  if (until === undefined) return undefined;
  const serverNow = responseDate === undefined ? undefined : httpDate(responseDate.trim());
  return Math.max(0, until - (serverNow ?? now));
}

/** Epoch ms of an RFC 9110 HTTP-date, or `undefined` when `text` is none of its three forms. */
function httpDate(text: string): number | undefined {
  const gmt = IMF_FIXDATE.test(text) || RFC_850.test(text) ? text : ASCTIME.test(text) ? `${text} GMT` : undefined;
  if (gmt === undefined) return undefined;
  const at = Date.parse(gmt);
  return Number.isNaN(at) ? undefined : at;
}
