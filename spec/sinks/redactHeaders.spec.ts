import { redactHeaders } from '../../src/sinks/redactHeaders';

describe('redactHeaders', () => {
  it('should redact credential headers, keeping an authorization scheme, and leave the others', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer eyJhbGciOi',
        'Proxy-Authorization': 'Basic Ym9iOmh1bnRlcjI=',
        Cookie: 'sid=1',
        'X-API-KEY': 'k1',
        'OK-ACCESS-PASSPHRASE': 'p',
        'User-Agent': 'bot/1.0',
      }),
    ).toEqual({
      Authorization: 'Bearer ***',
      'Proxy-Authorization': 'Basic ***',
      Cookie: '***',
      'X-API-KEY': '***',
      'OK-ACCESS-PASSPHRASE': '***',
      'User-Agent': 'bot/1.0',
    });
  });

  it('should return a copy', () => {
    const headers = { Authorization: 'x' };
    expect(redactHeaders(headers)).not.toBe(headers);
    expect(headers.Authorization).toBe('x');
  });
});
