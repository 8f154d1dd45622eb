import http from 'node:http';
import { AddressInfo } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { ConfigError } from '../../src/index';
import { httpProbe } from '../../src/streams/httpProbe';

describe('httpProbe', () => {
  let server: http.Server | undefined;
  let status = 200;
  const requests: string[] = [];

  const start = async (): Promise<string> => {
    server = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(status).end('{}');
    });
    const listening = server;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/info`;
  };

  afterEach(async () => {
    const closing = server;
    server = undefined;
    requests.length = 0;
    status = 200;
    if (closing) await new Promise((resolve) => closing.close(resolve));
  });

  it('should succeed on a 2xx answer to a GET', async () => {
    const probe = httpProbe(await start());
    await expect(firstValueFrom(probe())).resolves.toBe(200);
    expect(requests).toEqual(['GET /info']);
  });

  it('should fail on another status, and when nothing listens', async () => {
    status = 503;
    const url = await start();
    await expect(firstValueFrom(httpProbe(url)())).rejects.toThrow('HTTP 503');
    await expect(firstValueFrom(httpProbe('http://127.0.0.1:1/')())).rejects.toThrow(/ECONNREFUSED/);
  });

  it('should take only http:// and https:// URLs', () => {
    expect(() => httpProbe('ws://127.0.0.1/')).toThrow(ConfigError);
    expect(() => httpProbe('nonsense')).toThrow('Invalid probe: "nonsense"');
  });
});
