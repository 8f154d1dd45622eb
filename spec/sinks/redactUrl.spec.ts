import { redactUrl } from '../../src/sinks/redactUrl';

describe('redactUrl', () => {
  it('should redact secret query parameters and keep the rest as written', () => {
    expect(redactUrl('wss://api.example.com/ws?symbol=BTC&token=abc&api_key=k1&signature=ff')).toBe(
      'wss://api.example.com/ws?symbol=BTC&token=***&api_key=***&signature=***',
    );
    expect(redactUrl('ws://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080');
  });

  it('should redact the password of the userinfo, or a bare token used as userinfo', () => {
    expect(redactUrl('wss://bob:hunter2@api.example.com/ws')).toBe('wss://bob:***@api.example.com/ws');
    expect(redactUrl('wss://ghp_abc123@api.example.com/ws')).toBe('wss://***@api.example.com/ws');
  });

  it('should redact secrets in the fragment and encoded names', () => {
    expect(redactUrl('https://x.io/cb#access_token=abc&state=1')).toBe('https://x.io/cb#access_token=***&state=1');
    expect(redactUrl('wss://x.io/?api%5Fkey=abc')).toBe('wss://x.io/?api%5Fkey=***');
    expect(redactUrl('wss://x.io/?%E0%A4%A=1&key=2')).toBe('wss://x.io/?%E0%A4%A=1&key=***');
  });

  it('should not throw on something that is not a URL', () => {
    expect(redactUrl('not a url ?password=1')).toBe('not a url ?password=***');
    expect(redactUrl('')).toBe('');
  });
});
