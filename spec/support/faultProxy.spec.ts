import net from 'node:net';
import { startFaultProxy } from './faultProxy';

describe('the fault proxy', () => {
  it('should keep the order of a stream when its delay is lowered while chunks are held back', async () => {
    const received: string[] = [];
    const server = net.createServer((socket) => socket.on('data', (chunk) => received.push(chunk.toString())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = await startFaultProxy((server.address() as net.AddressInfo).port);
    const client = net.connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      proxy.delay(150);
      client.write('a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      proxy.delay(0);
      client.write('b');
      const started = Date.now();
      while (received.join('').length < 2 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
      expect(received.join('')).toBe('ab');
    } finally {
      client.destroy();
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
