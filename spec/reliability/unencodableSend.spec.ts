import { ConnectionStatus as S, SendError } from '../../src/index';
import { waitFor } from '../support/testServer';
import { startRecordingServer } from './support/recordingServer';
import { ReliabilityCase } from './support/reliabilityCase';

// Bad input on the way out: send() of a value the JSON codec cannot encode (a BigInt, a circular
// object, a bare function) rejects with SendError reason `encode` and a message saying what was
// wrong; nothing reaches the socket, and the link carries on — the next message arrives.

describe('reliability: send() of a value the codec cannot encode', () => {
  let c: ReliabilityCase | undefined;
  afterEach(async () => c?.dispose());

  it('should reject it with a clear encode error and deliver the next message', async () => {
    c = new ReliabilityCase('14c-unencodable-send', 'bad input: send() of BigInt / circular / function');
    const server = c.own(await startRecordingServer());
    const link = c.connect({ url: server.url });
    await c.status(S.Connected);
    const circular: Record<string, unknown> = { order: 1 };
    circular.self = circular;

    const errors = await Promise.all(
      [{ px: BigInt(67000) }, circular, () => 'order'].map((value) =>
        link.send(value).catch((error: unknown) => error),
      ),
    );
    const after = c.send({ order: 'after the bad ones' });
    await c.settled();
    await waitFor(() => server.log.messages.length === 1, 3000, 'the next message');

    expect(errors.every((e) => e instanceof SendError && e.reason === 'encode')).toBe(true);
    expect((errors as SendError[]).map((e) => e.message)).toEqual([
      expect.stringMatching(/^cannot encode message: .*BigInt/),
      expect.stringMatching(/^cannot encode message: .*circular/i),
      expect.stringMatching(/^cannot encode message: .*function/),
    ]);
    expect(server.log.messages).toEqual([after.wire]);
    expect(link.snapshot().status).toBe(S.Connected);
    expect(server.log.connections).toHaveLength(1);
    expect(() => link.addSubscription({ n: BigInt(1) })).toThrow(SendError);

    const result = await c.finish({
      sent: 4,
      delivered: 1,
      rejected: { encode: 3 },
      lost: 0,
      outbound: '3 unencodable: rejected (encode) with the codec’s reason; the next message delivered on the same link',
      notes: (errors as SendError[]).map((e) => e.message.replace(/\s+/g, ' ')).join(' | '),
    });
    expect(result.leaked).toBe(0);
  });
});
