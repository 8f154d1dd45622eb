import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Subject, switchMap } from 'rxjs';
import makeWebSocketObservable, { WebSocketLike } from 'rxjs-websockets';
import WebSocket from 'ws';
import { ConnectionStatus, connect } from '../src/index';
import { MonitorCounts, fullyMonitored } from './fullyMonitored';
import { probeMain } from './probeMain';
import { BlastRequest } from './tickServer';
import { tickFrames } from './tickFrames';

/** The clients compared: the wire ceiling, (a) raw ws, (b) rxjs-websockets, (c) lifeline. */
export type ThroughputVariant = 'wire' | 'ws' | 'rxjs-websockets' | 'lifeline';

export interface ThroughputInput {
  readonly variant: ThroughputVariant;
  /** Server base URL, `ws://127.0.0.1:port`. */
  readonly url: string;
  /** Messages timed. */
  readonly messages: number;
  /** Messages received first, untimed, so every variant is measured with its hot path compiled. */
  readonly warmup: number;
}

export interface ThroughputResult {
  readonly variant: ThroughputVariant;
  readonly messages: number;
  /** First to last timed message, ms. */
  readonly ms: number;
  /** (messages − 1) / seconds from the first timed message to the last. */
  readonly messagesPerSecond: number;
  /** Client CPU (user + system) per message over the same span, µs. */
  readonly cpuMicrosPerMessage: number;
  /** lifeline: how often each monitor fired while the ticks flowed. */
  readonly monitors?: MonitorCounts;
}

interface Tick {
  readonly channel: string;
  readonly data: ReadonlyArray<{ readonly px: string }>;
}

const blast = (n: number): string => JSON.stringify({ cmd: 'blast', n } satisfies BlastRequest);

/**
 * Receives `warmup` untimed ticks, then `messages` timed ones, with one client variant. Every
 * variant parses each message and reads a field from it, so JSON.parse cannot be optimised away.
 */
function measure(input: ThroughputInput): Promise<ThroughputResult> {
  const { variant, url, messages, warmup } = input;
  const total = warmup + messages;
  return new Promise<ThroughputResult>((resolve, reject) => {
    let count = 0;
    let checksum = 0;
    let firstAt = 0;
    let firstCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
    let monitors: MonitorCounts | undefined;
    let send: (text: string) => void = () => undefined;
    let teardown: () => void = () => undefined;

    const start = (): void => {
      firstAt = performance.now();
      firstCpu = process.cpuUsage();
    };
    const finish = (): void => {
      const ms = performance.now() - firstAt;
      const cpu = process.cpuUsage(firstCpu);
      teardown();
      if (variant !== 'wire' && checksum < total) reject(new Error('the parsed messages were not the ticks sent'));
      resolve({
        variant,
        messages,
        ms,
        messagesPerSecond: ((messages - 1) * 1000) / ms,
        cpuMicrosPerMessage: (cpu.user + cpu.system) / messages,
        ...(monitors ? { monitors: { ...monitors } } : {}),
      });
    };
    const opened = (sendText: (text: string) => void): void => {
      send = sendText;
      send(blast(warmup > 0 ? warmup : messages));
    };
    const onMessage = (message: Tick): void => {
      checksum += message.data[0].px.length;
      count++;
      if (count === warmup) send(blast(messages));
      else if (count === warmup + 1) start();
      else if (count === total) finish();
    };

    switch (variant) {
      case 'wire': {
        // The ceiling: bytes off the TCP socket, no WebSocket parsing, no JSON.
        const { port, hostname } = new URL(url);
        const frames = tickFrames(1000);
        const bytesFor = (n: number): number =>
          Math.floor(n / 1000) * frames.buffer.length + (n % 1000 === 0 ? 0 : frames.ends[(n % 1000) - 1]);
        const socket = net.connect(Number(port), hostname);
        teardown = () => socket.destroy();
        let handshake = '';
        let received = -1;
        socket.on('error', reject);
        socket.write(
          `GET /wire HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        socket.on('data', (chunk: Buffer) => {
          if (received < 0) {
            handshake += chunk.toString('latin1');
            if (!handshake.includes('\r\n\r\n')) return;
            received = 0;
            // A client frame must be masked; a zero mask leaves the payload as it is.
            const payload = Buffer.from(blast(total));
            socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
            return;
          }
          const before = received;
          received += chunk.length;
          if (before < bytesFor(warmup) && received >= bytesFor(warmup)) start();
          if (received >= bytesFor(total)) finish();
        });
        break;
      }
      case 'ws': {
        const ws = new WebSocket(`${url}/ticks`, { perMessageDeflate: false });
        teardown = () => ws.terminate();
        ws.on('open', () => opened((text) => ws.send(text)));
        ws.on('message', (data, isBinary) => onMessage(JSON.parse(isBinary ? String(data) : data.toString())));
        ws.on('error', reject);
        break;
      }
      case 'rxjs-websockets': {
        const input = new Subject<string>();
        const subscription = makeWebSocketObservable<string>(`${url}/ticks`, {
          protocols: [],
          makeWebSocket: (target, protocols) =>
            new WebSocket(target, protocols, { perMessageDeflate: false }) as unknown as WebSocketLike,
        })
          .pipe(
            switchMap((getResponses) => {
              const responses = getResponses(input);
              queueMicrotask(() => opened((text) => input.next(text)));
              return responses;
            }),
          )
          .subscribe({ next: (text) => onMessage(JSON.parse(text)), error: reject });
        teardown = () => subscription.unsubscribe();
        break;
      }
      case 'lifeline': {
        const link = connect({
          url: `${url}/ticks`,
          // Every monitor on and firing during a run of a few seconds.
          heartbeatInterval: '1s',
          heartbeatTimeout: '5s',
          checkInterval: '1s',
          probe: () => Promise.resolve(),
          sampleInterval: '1s',
        });
        const monitored = fullyMonitored(link, { reportInterval: 1000 });
        monitors = monitored.counts;
        const received = link.messages$.subscribe((message) => onMessage(message as Tick));
        const up = link.status$.subscribe((status) => {
          if (status !== ConnectionStatus.Connected) return;
          queueMicrotask(() => up.unsubscribe());
          opened((text) => void link.send(text));
        });
        teardown = () => {
          received.unsubscribe();
          monitored.subscription.unsubscribe();
          void link.close();
        };
        break;
      }
    }
  });
}

if (require.main === module) probeMain(measure);
