import { existsSync } from 'node:fs';
import { AddressInfo, Socket, createServer } from 'node:net';
import { parseTable, tcpSendQueue } from '../../src/streams/tcpSendQueue';

// Two lines of /proc/net/tcp as Linux prints them: 127.0.0.1:40000 → 127.0.0.1:8080 established with
// 0x2d00 bytes unacknowledged, and a listening socket (st 0A), which is not a connection.
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9C40 0100007F:1F90 01 00002D00:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 20 4 30 10 -1
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 100 0 0 10 0
`;

describe('tcpSendQueue', () => {
  it('should read the unacknowledged bytes of established connections by port pair, and only theirs', () => {
    const queues = new Map<string, number>();
    parseTable(TABLE, queues);
    expect([...queues]).toEqual([['40000:8080', 0x2d00]]);
  });

  it('should mark a port pair seen twice as ambiguous', () => {
    const queues = new Map<string, number>();
    parseTable(TABLE, queues);
    parseTable(TABLE, queues);
    expect(queues.get('40000:8080')).toBe(-1);
  });

  const linux = existsSync('/proc/net/tcp');
  (linux ? it : it.failing)(
    'should find a real loopback connection (Linux), and nothing for one that is not there',
    async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = new Socket();
      await new Promise<void>((resolve) => client.connect(port, '127.0.0.1', resolve));
      // A later turn of the event loop: the tables are read afresh.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        expect(tcpSendQueue(client.localPort as number, port)).toBe(0);
        expect(tcpSendQueue(1, 2)).toBeUndefined();
      } finally {
        client.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
