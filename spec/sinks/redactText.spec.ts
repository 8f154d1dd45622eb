import { redactText } from '../../src/sinks/redactText';

describe('redactText', () => {
  it('should redact URLs, header lines, bearer tokens and secret assignments in free text', () => {
    expect(redactText('upgrade to wss://x.io/ws?token=abc failed; Authorization: Bearer eyJ0')).toBe(
      'upgrade to wss://x.io/ws?token=*** failed; Authorization: Bearer ***',
    );
    expect(redactText('X-API-KEY=k1 sent')).toBe('X-API-KEY=*** sent');
    expect(redactText('at wss://x.io/ws?apikey=k&symbol=BTC')).toBe('at wss://x.io/ws?apikey=***&symbol=BTC');
    expect(redactText('cookie: sid=abc')).toBe('cookie: ***');
    expect(redactText('got bearer abc.def-ghi back')).toBe('got bearer *** back');
    expect(redactText('retry with password=hunter2 and depth=5')).toBe('retry with password=*** and depth=5');
  });

  it('should leave text without secrets alone', () => {
    const text = 'connection closed: 1006 abnormal closure (ws://127.0.0.1:9000/?symbol=BTC)';
    expect(redactText(text)).toBe(text);
  });
});
