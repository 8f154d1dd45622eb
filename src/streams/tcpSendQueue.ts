import { readFileSync } from 'node:fs';

/** The kernel's TCP tables (Linux); elsewhere they are absent and nothing is known. */
const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
/** `st` of an established connection in those tables. */
const ESTABLISHED = '01';

/** The send queues of this network namespace's established connections, by "localPort:remotePort". */
let table: Map<string, number> | undefined;
/** Whether the tables could not be read once: then they are not tried again. */
let unavailable = false;

/**
 * The bytes the kernel holds for a TCP connection that the peer has not acknowledged yet, sent or
 * not (`tx_queue` of `/proc/net/tcp`); undefined where the kernel does not say (not Linux, a port
 * pair seen twice, a connection not established).
 *
 * The tables are read at most once per turn of the event loop (unless `fresh`), however many connections ask in it:
 * a heartbeat asks only when a link looks dead, and at thousands of links an outage makes them all
 * ask at once. Node has no API for this (no `SIOCOUTQ`, no `TCP_INFO`), and it is what tells a link
 * whose bytes are still being acknowledged, slowly, from a dead one.
 *
 * @example
 * tcpSendQueue(socket.localPort, socket.remotePort); // 183296: bytes written, not yet acknowledged
 *
 * @param localPort The connection's local port.
 * @param remotePort The connection's remote port.
 * @param fresh Read the tables now even if they were read in this turn (a writer that has just
 *   written more must not be told what the kernel held before).
 * @returns Bytes not yet acknowledged by the peer, or undefined when unknown.
 */
export function tcpSendQueue(localPort: number, remotePort: number, fresh = false): number | undefined {
  if (unavailable) return undefined;
  if (table === undefined || fresh) {
    const cached = table !== undefined;
    table = readTables();
    if (table === undefined) {
      unavailable = true;
      return undefined;
    }
    // Fresh for every connection asking in this turn, read anew in the next.
    if (!cached) setImmediate(forget).unref();
  }
  const queued = table.get(`${localPort}:${remotePort}`);
  return queued === undefined || queued < 0 ? undefined : queued;
}

function forget(): void {
  table = undefined;
}

function readTables(): Map<string, number> | undefined {
  const queues = new Map<string, number>();
  let read = false;
  for (const file of TABLES) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    read = true;
    parseTable(text, queues);
  }
  return read ? queues : undefined;
}

/**
 * Adds the established connections of one table to `queues` (a port pair seen twice is marked -1:
 * ambiguous). A line: `sl local_address rem_address st tx_queue:rx_queue …`, addresses `HEXIP:HEXPORT`.
 */
export function parseTable(text: string, queues: Map<string, number>): void {
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[3] !== ESTABLISHED) continue;
    const local = portOf(fields[1] as string);
    const remote = portOf(fields[2] as string);
    const queue = Number.parseInt((fields[4] as string).split(':')[0] as string, 16);
    if (local === undefined || remote === undefined || Number.isNaN(queue)) continue;
    const key = `${local}:${remote}`;
    queues.set(key, queues.has(key) ? -1 : queue);
  }
}

function portOf(address: string): number | undefined {
  const port = Number.parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
  return Number.isNaN(port) ? undefined : port;
}
