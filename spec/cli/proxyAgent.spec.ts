import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { proxyAgent } from '../../src/cli/proxyAgent';
import { configErrorOf } from '../support/configErrorOf';

const VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [name, name.toUpperCase()]);

describe('proxyAgent (the CLI proxy choice)', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const choose = (target: string, option?: unknown) => {
    const choice = proxyAgent(target, option);
    choice?.agent.destroy();
    return choice && { kind: choice.agent.constructor.name, display: choice.display, source: choice.source };
  };

  it('should connect directly when nothing asks for a proxy', () => {
    expect(choose('wss://api.example.com/ws')).toBeUndefined();
  });

  it('should take HTTPS_PROXY for wss:// and HTTP_PROXY for ws://, redacting credentials', () => {
    process.env.HTTPS_PROXY = 'http://bob:secret@proxy.internal:3128';
    process.env.HTTP_PROXY = 'http://plain.internal:8080';
    expect(choose('wss://api.example.com/ws')).toEqual({
      kind: 'HttpsProxyAgent',
      display: 'http://bob:***@proxy.internal:3128',
      source: 'HTTPS_PROXY',
    });
    expect(choose('ws://api.example.com/ws')).toEqual({
      kind: 'HttpsProxyAgent',
      display: 'http://plain.internal:8080',
      source: 'HTTP_PROXY',
    });
  });

  it('should prefer the lower-case variable, then fall back to ALL_PROXY', () => {
    process.env.https_proxy = 'http://lower.internal:3128';
    process.env.HTTPS_PROXY = 'http://upper.internal:3128';
    expect(choose('wss://api.example.com')?.source).toBe('https_proxy');
    delete process.env.https_proxy;
    delete process.env.HTTPS_PROXY;
    process.env.ALL_PROXY = 'socks5h://socks.internal:1080';
    expect(choose('wss://api.example.com')).toEqual({
      kind: 'SocksProxyAgent',
      display: 'socks5h://socks.internal:1080',
      source: 'ALL_PROXY',
    });
  });

  it('should skip the proxy for hosts NO_PROXY matches', () => {
    process.env.HTTPS_PROXY = 'http://proxy.internal:3128';
    process.env.NO_PROXY = 'localhost,.exchange.internal,api.example.com:9443';
    expect(choose('wss://stream.exchange.internal/ws')).toBeUndefined();
    expect(choose('wss://api.example.com:9443/ws')).toBeUndefined();
    expect(choose('wss://api.example.com/ws')?.source).toBe('HTTPS_PROXY');
    process.env.NO_PROXY = '*';
    expect(choose('wss://api.example.com/ws')).toBeUndefined();
  });

  it('should let --proxy win over the environment and NO_PROXY, and --no-proxy ignore it', () => {
    process.env.HTTPS_PROXY = 'http://proxy.internal:3128';
    process.env.NO_PROXY = '*';
    expect(choose('wss://api.example.com', 'socks5://u:p@127.0.0.1:1080')).toEqual({
      kind: 'SocksProxyAgent',
      display: 'socks5://u:***@127.0.0.1:1080',
      source: '--proxy',
    });
    delete process.env.NO_PROXY;
    expect(choose('wss://api.example.com', false)).toBeUndefined();
  });

  it('should read a proxy without a scheme as http://', () => {
    process.env.HTTPS_PROXY = 'proxy.internal:3128';
    expect(choose('wss://api.example.com')).toMatchObject({
      kind: 'HttpsProxyAgent',
      display: 'http://proxy.internal:3128',
    });
  });

  it.each([
    ['socks4://127.0.0.1:1080'],
    ['socks4a://127.0.0.1:1080'],
    ['socks5://127.0.0.1:1080'],
    ['https://proxy:443'],
  ])('should accept %s', (url) => {
    const choice = proxyAgent('wss://api.example.com', url);
    expect(choice?.agent).toBeInstanceOf(url.startsWith('socks') ? SocksProxyAgent : HttpsProxyAgent);
    choice?.agent.destroy();
  });

  it('should refuse another scheme or a URL that does not parse, without printing the password', () => {
    const error = configErrorOf(() => proxyAgent('wss://api.example.com', 'ftp://bob:secret@proxy:21'));
    expect(error.field).toBe('proxy');
    expect(error.message).toBe(
      'Invalid proxy: "ftp://bob:***@proxy:21" (allowed: an http://, https://, socks4://, socks4a://, socks5:// or socks5h:// proxy URL)',
    );
    expect(configErrorOf(() => proxyAgent('wss://api.example.com', 'http://')).field).toBe('proxy');
  });
});
