import http from 'node:http';
import https from 'node:https';
import { Observable } from 'rxjs';
import { ConfigError } from '../model/ConfigError';

/**
 * A connection check over HTTP(S) for `connect({ probe })`, like the seed's `InfoClient` query: a
 * GET to `url` that succeeds on a 2xx answer and fails otherwise. Unsubscribing (the probe timed
 * out) aborts the request. Contacts only `url`.
 *
 * @example
 * connect({ url: 'wss://api.example.com/ws', probe: httpProbe('https://api.example.com/info') });
 *
 * @throws ConfigError (field `probe`) when `url` is not an http:// or https:// URL.
 */
export function httpProbe(url: string, headers: Readonly<Record<string, string>> = {}): () => Observable<number> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('probe', url, 'an http:// or https:// URL, e.g. "https://api.example.com/info"');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError('probe', url, 'an http:// or https:// URL, e.g. "https://api.example.com/info"');
  }
  const get = parsed.protocol === 'https:' ? https.get : http.get;
  return () =>
    new Observable<number>((subscriber) => {
      const request = get(parsed, { headers: { ...headers }, agent: false }, (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () => {
          if (status >= 200 && status < 300) {
            subscriber.next(status);
            subscriber.complete();
          } else subscriber.error(new Error(`HTTP ${status}`));
        });
        response.on('error', (error) => subscriber.error(error));
      });
      request.on('error', (error) => subscriber.error(error));
      return () => request.destroy();
    });
}
