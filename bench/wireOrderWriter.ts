import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { ArrivalSummary } from './ArrivalRecorder';
import { benchOrder } from './benchOrder';
import { OrderWriter } from './OrderWriter';
import { ReportReply, ReportRequest } from './tickServer';

const FRAMES_PER_WRITE = 1000;

/**
 * The server's ceiling for the outbound suite: orders as pre-built client frames (masked with a zero
 * key, so the payload stays as it is) written straight to a TCP socket, 1,000 per write, with no
 * encoding and no per-message write. Every order carries the stamp 0, so only the rate at which the
 * server takes them means anything: when raw `ws` comes close to it, the server, not the client,
 * sets the message rate, and CPU per message is the figure that compares the clients.
 *
 * @example
 * const writer = await wireOrderWriter('ws://127.0.0.1:4000/orders');
 * await writer.burst(0, 200_000);
 * (await writer.report()).count; // 200000
 *
 * @param url The server's `/orders` URL.
 * @returns A writer whose `one()` is not supported (it writes nothing).
 */
export async function wireOrderWriter(url: string): Promise<OrderWriter> {
  const { hostname, port, pathname } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.setNoDelay(true);
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let input = Buffer.alloc(0);
  let upgraded: (() => void) | undefined;
  let reply: ((summary: ArrivalSummary) => void) | undefined;
  const opened = new Promise<void>((resolve) => (upgraded = resolve));
  socket.on('data', (chunk: Buffer) => {
    input = Buffer.concat([input, chunk]);
    if (upgraded !== undefined) {
      const end = input.indexOf('\r\n\r\n');
      if (end < 0) return;
      input = input.subarray(end + 4);
      upgraded();
      upgraded = undefined;
    }
    for (let frame = unmaskedText(input); frame !== undefined; frame = unmaskedText(input)) {
      input = input.subarray(frame.length);
      reply?.((JSON.parse(frame.text) as ReportReply).report);
    }
  });
  await opened;
  const frames: Buffer[] = [];
  for (let i = 0; i < FRAMES_PER_WRITE; i++) frames.push(maskedText(JSON.stringify(benchOrder(i, 0))));
  const chunk = Buffer.concat(frames);
  const ends: number[] = [];
  let offset = 0;
  for (const frame of frames) ends.push((offset += frame.length));
  return {
    async burst(_from, count) {
      for (let sent = 0; sent < count; sent += FRAMES_PER_WRITE) {
        const n = Math.min(FRAMES_PER_WRITE, count - sent);
        const bytes = n === FRAMES_PER_WRITE ? chunk : chunk.subarray(0, ends[n - 1]);
        if (sent + n >= count) {
          await new Promise<void>((resolve, reject) =>
            socket.write(bytes, (error) => (error ? reject(error) : resolve())),
          );
        } else if (!socket.write(bytes)) await once(socket, 'drain');
      }
      return 0;
    },
    one: () => undefined,
    report: () =>
      new Promise<ArrivalSummary>((resolve) => {
        reply = resolve;
        socket.write(maskedText(JSON.stringify({ cmd: 'report' } satisfies ReportRequest)));
      }),
    close: () => socket.destroy(),
  };
}

/** A client text frame (FIN, opcode 1, masked with the key 0). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, Buffer.alloc(4), payload]);
}

/** The first whole server text frame in `input` (unmasked, under 64 KiB), if there is one. */
function unmaskedText(input: Buffer): { text: string; length: number } | undefined {
  if (input.length < 2) return undefined;
  const short = input[1] & 0x7f;
  const headerBytes = short === 126 ? 4 : 2;
  if (input.length < headerBytes) return undefined;
  const payloadBytes = short === 126 ? input.readUInt16BE(2) : short;
  const length = headerBytes + payloadBytes;
  if (input.length < length) return undefined;
  return { text: input.subarray(headerBytes, length).toString(), length };
}
