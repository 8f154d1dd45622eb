import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { ConfigError } from '../model/ConfigError';
import { redactUrl } from '../sinks/redactUrl';

/** The proxy an endpoint is reached through, and where that choice came from. */
export interface ProxyChoice {
  /** The agent to open the socket with (`https-proxy-agent` or `socks-proxy-agent`). */
  readonly agent: Agent;
  /** The proxy URL, credentials redacted: fit to print. */
  readonly display: string;
  /** `'--proxy'`, or the environment variable it came from (`HTTPS_PROXY`, `all_proxy`, …). */
  readonly source: string;
}

const SCHEMES = ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'];
const ALLOWED = 'an http://, https://, socks4://, socks4a://, socks5:// or socks5h:// proxy URL';

/**
 * The CLI's proxy for one endpoint: `--proxy URL` if given (it wins over the environment, `NO_PROXY`
 * included), none with `--no-proxy`, else the environment as curl reads it (via `proxy-from-env`):
 * `HTTPS_PROXY` for `wss://`, `HTTP_PROXY` for `ws://`, then `ALL_PROXY`, each in lower or upper
 * case, unless `NO_PROXY` matches the host (`*`, `example.com`, `.example.com`, `host:port`). A
 * proxy URL without a scheme is `http://`.
 *
 * `http://` and `https://` proxies tunnel with HTTP CONNECT (`https-proxy-agent`); `socks5://`
 * resolves the host locally, `socks5h://` lets the proxy resolve it, `socks4://`/`socks4a://` too
 * (`socks-proxy-agent`). Credentials go in the URL (`http://user:pass@proxy:3128`, percent-encoded).
 *
 * @example
 * // HTTPS_PROXY=http://bob:secret@proxy.internal:3128
 * proxyAgent('wss://api.example.com/ws', undefined);
 * // { agent: HttpsProxyAgent, display: 'http://bob:***@proxy.internal:3128', source: 'HTTPS_PROXY' }
 * proxyAgent('wss://api.example.com/ws', false); // undefined (--no-proxy)
 *
 * @param target The `ws://` or `wss://` endpoint.
 * @param option The `--proxy` value: a URL, `false` for `--no-proxy`, `undefined` for the environment.
 * @returns The proxy, or `undefined` for a direct connection.
 * @throws ConfigError (field `proxy`) for a proxy URL that does not parse or has another scheme.
 */
export function proxyAgent(target: string, option: unknown): ProxyChoice | undefined {
  if (option === false) return undefined;
  const chosen = typeof option === 'string' ? { url: option, source: '--proxy' } : fromEnvironment(target);
  if (chosen === undefined) return undefined;
  const url = chosen.url.includes('://') ? chosen.url : `http://${chosen.url}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('proxy', redactUrl(url), ALLOWED);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (!SCHEMES.includes(scheme) || parsed.hostname === '') {
    throw new ConfigError('proxy', redactUrl(url), ALLOWED);
  }
  const agent = scheme === 'http:' || scheme === 'https:' ? new HttpsProxyAgent(url) : new SocksProxyAgent(url);
  return { agent, display: redactUrl(url), source: chosen.source };
}

function fromEnvironment(target: string): { url: string; source: string } | undefined {
  const secure = /^wss:/i.test(target);
  // proxy-from-env reads <scheme>_PROXY: a ws:// endpoint is proxied as http://, wss:// as https://.
  const asHttp = target.replace(/^ws(s?):/i, (_, s: string) => `http${s}:`);
  if (getProxyForUrl(asHttp) === '') return undefined;
  for (const name of [secure ? 'https_proxy' : 'http_proxy', 'all_proxy']) {
    for (const variable of [name, name.toUpperCase()]) {
      const value = process.env[variable];
      if (value) return { url: value, source: variable };
    }
  }
  return undefined;
}
