import { ClientProcess } from './clientProcess';
import { CaseContext, NetworkCase } from './NetworkCase';
import { ownChildren } from './ownChildren';
import { packageRoot } from './packageRoot';
import { SendRecord, WallMs } from './protocol';
import { ServerProcess } from './serverProcess';
import { NetworkTally, tallyCase } from './tallyCase';
import { TestBed } from './testBed';
import { wallNow } from './wallNow';

/** A case's outcome: its tally, its verdict and why. */
export interface NetworkRow {
  readonly id: string;
  readonly title: string;
  readonly criteria: string;
  /** `info`: measured only, no criteria of its own (the invariants still apply). */
  readonly verdict: 'pass' | 'FAIL' | 'info';
  readonly failures: readonly string[];
  /** Undefined when the case broke before it could be counted. */
  readonly tally?: NetworkTally;
  /** The optional settings `connect()` took and refused, and the settings printed from `link.config`. */
  readonly options: string;
  readonly wallMs: number;
}

const SERVER_PORT = 8080;

/**
 * Runs one case on a fresh test bed: namespaces up, server and client started, the case's script
 * under its time budget, the client finished (every send's fate), everything stopped and the
 * namespaces deleted, whatever happened. Never throws: a broken case is a failed row.
 *
 * @example
 * const row = await runCase(networkCases[0]); // { id: '01-half-open-quiet', verdict: 'pass', … }
 * @param networkCase The case.
 * @returns Its row.
 */
export async function runCase(networkCase: NetworkCase): Promise<NetworkRow> {
  const started = wallNow();
  const bed = new TestBed();
  const server = new ServerProcess(SERVER_PORT, networkCase.feed);
  let client: ClientProcess | undefined;
  const marks: { fault?: WallMs; heal?: WallMs } = {};
  const failures: string[] = [];
  let tally: NetworkTally | undefined;
  let options = '';
  try {
    bed.up();
    await server.start();
    client = await ClientProcess.start({ ...networkCase.client, root: packageRoot, url: server.url });
    options = describeOptions(client);
    const abort = { aborted: false };
    const context = contextOf(bed, server, client, marks, abort);
    const script = networkCase.run(context);
    // Past its budget a script is abandoned: its next sleep throws, and nothing it does after is heard.
    script.catch(() => undefined);
    let budget: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        script,
        new Promise<never>((_, reject) => {
          budget = setTimeout(
            () => reject(new Error(`case ran over its ${networkCase.budgetMs} ms budget`)),
            networkCase.budgetMs,
          );
        }),
      ]);
    } catch (error) {
      failures.push(`script: ${(error as Error).message}`);
    } finally {
      clearTimeout(budget);
      abort.aborted = true;
    }
    await bed.heal().catch(() => undefined);
    const finish = wallNow();
    const finished = await client.finish();
    // A graceful close: what was written before it arrives before it; give the server a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    tally = tallyCase({
      marks: { ...marks, finish },
      sends: finished.sends,
      timeline: client.timeline,
      arrivals: server.arrivals,
      defaultDeadlineMs: networkCase.defaultDeadlineMs?.(client.started.config),
      expectedSubscriptions: networkCase.expectedSubscriptions,
    });
    failures.push(...networkCase.judge(tally), ...invariants(tally, finished.sends));
  } catch (error) {
    failures.push(`broken: ${(error as Error).message}`);
  } finally {
    await client?.kill().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await bed.stopDelay().catch(() => undefined);
    ownChildren.killAll();
    bed.down();
  }
  return {
    id: networkCase.id,
    title: networkCase.title,
    criteria: networkCase.criteria,
    verdict: failures.length > 0 ? 'FAIL' : networkCase.info ? 'info' : 'pass',
    failures,
    ...(tally ? { tally } : {}),
    options,
    wallMs: Math.round(wallNow() - started),
  };
}

function contextOf(
  bed: TestBed,
  server: ServerProcess,
  client: ClientProcess,
  marks: { fault?: WallMs; heal?: WallMs },
  abort: { readonly aborted: boolean },
): CaseContext {
  let loads = 0;
  const live = (): void => {
    if (abort.aborted) throw new Error('case abandoned');
  };
  return {
    bed,
    server,
    client,
    markFault: () => (marks.fault = wallNow()),
    heal: async () => {
      live();
      await bed.heal();
      marks.heal = wallNow();
    },
    markHeal: () => (marks.heal = wallNow()),
    sleep: async (ms) => {
      live();
      await new Promise((resolve) => setTimeout(resolve, ms));
      live();
    },
    orders: (ttlMs, everyMs = 250) =>
      client.command({ type: 'load', load: { name: `orders${++loads}`, method: 'order', everyMs, ttlMs, bytes: 0 } }),
    bulk: (bytes, everyMs, ttlMs) =>
      client.command({ type: 'load', load: { name: `bulk${++loads}`, method: 'bulk', everyMs, ttlMs, bytes } }),
    stopLoads: () => client.command({ type: 'stopLoads' }),
  };
}

/** What every case must keep, whatever its fault: the library's own promises about `send()`. */
function invariants(tally: NetworkTally, sends: readonly SendRecord[]): string[] {
  const failures: string[] = [];
  if (tally.duplicated > 0) failures.push(`${tally.duplicated} delivered twice`);
  const ghosts = Object.entries(tally.rejectedYetReceived).filter(([reason]) => reason !== 'write');
  for (const [reason, count] of ghosts) failures.push(`${count} rejected as ${reason} yet delivered`);
  if (tally.unsettled > 0) failures.push(`${tally.unsettled} of ${sends.length} sends never settled`);
  return failures;
}

function describeOptions(client: ClientProcess): string {
  const { accepted, refused, config } = client.started;
  const entries = (record: Readonly<Record<string, unknown>>): string =>
    Object.entries(record)
      .map(([key, value]) => `${key}=${value === null ? 'Infinity' : String(value)}`)
      .join(' ');
  return [
    Object.keys(accepted).length > 0 ? `in force: ${entries(accepted)}` : '',
    refused.length > 0 ? `not supported (dropped): ${refused.join(', ')}` : '',
    `config: ${entries(config)}`,
  ]
    .filter(Boolean)
    .join('; ');
}
