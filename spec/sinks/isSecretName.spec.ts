import { isSecretName } from '../../src/sinks/isSecretName';

describe('isSecretName', () => {
  it.each([
    'token',
    'access_token',
    'key',
    'apikey',
    'api_key',
    'API-KEY',
    'listenKey',
    'signature',
    'sig',
    'secret',
    'password',
    'passphrase',
    'auth',
    'Authorization',
    'Cookie',
    'X-API-KEY',
    'X-MBX-APIKEY',
    'OK-ACCESS-SIGN',
    'session',
    'jwt',
  ])('should call %p secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each(['symbol', 'channel', 'interval', 'depth', 'User-Agent', 'Accept', 'design'])(
    'should call %p harmless',
    (name) => expect(isSecretName(name)).toBe(false),
  );
});
