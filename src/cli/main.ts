#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { connectionStatuses } from '../model/ConnectionStatus';
import { exchangeProfiles } from '../profiles/exchangeProfiles';
import { ExitCode } from './ExitCode';
import { addConfigOptions } from './configOptions';
import { demo } from './demo';
import { diagnose } from './diagnose';
import { CliIo, monitor } from './monitor';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The `lifeline` command line: `monitor`, `demo` and `diagnose`. Resolves with the exit code
 * rather than exiting, so it can be run in-process.
 *
 * @param argv The arguments after `node main.js`.
 * @param io Where to write. Defaults to the process's stdout and stderr.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<ExitCode> {
  let code: ExitCode = ExitCode.Ok;
  const done = (exit: ExitCode): void => {
    code = exit;
  };
  const cli = new Command('lifeline')
    .description(
      "Keeps a trading bot's WebSocket connection alive and honest: watch an endpoint, play the demo, or diagnose a link.",
    )
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(lifeline --help for usage)');
  addMonitorCommand(cli, io, done);
  addDemoCommand(cli, io, done);
  addDiagnoseCommand(cli, io, done);

  try {
    await cli.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    throw error;
  }
  return code;
}

const PROXY_HELP =
  'connect through this proxy: http://, https://, socks4://, socks5:// or socks5h:// (user:pass@ allowed, printed redacted); default: HTTPS_PROXY (wss://) or HTTP_PROXY (ws://), then ALL_PROXY, unless NO_PROXY matches';
const NO_PROXY_HELP = 'connect directly, whatever HTTPS_PROXY, HTTP_PROXY or ALL_PROXY say';

function addMonitorCommand(cli: Command, io: CliIo, done: (code: ExitCode) => void): void {
  const command = cli
    .command('monitor')
    .description(
      'watch an endpoint with the full machinery: heartbeats, reconnects, quality, the trade gate and reports',
    )
    .argument('<url...>', 'ws:// or wss:// endpoint; several for failover, the preferred first')
    .option(
      '--json',
      'write NDJSON to stdout, one object per line with a "kind" (start, status, event, gate, risk, report, end)',
    )
    .option(
      '--subscribe <json>',
      'a message sent on every (re)connect, e.g. \'{"method":"subscribe","channel":"trades"}\' (repeatable)',
      collect,
    )
    .option(
      '--exchange <name>',
      `apply an exchange profile (${Object.keys(exchangeProfiles).join(', ')}): its ping, heartbeat, limits, acknowledged --subscribe messages and notices; the flags you give override it`,
    )
    .option('--probe <url>', 'an http(s) URL to GET as the connection check every --check-interval')
    .option('--report-every <duration>', 'time between status reports', '10m')
    .option('--locale <zh-CN|en>', 'language of reports and labels', 'zh-CN')
    .option(
      '--duration <duration>',
      'stop after this long (exit 0, or 3 if the link ended Failed); default: until Ctrl-C',
    )
    .addOption(
      new Option(
        '--close-on <statuses>',
        `what closes an open trade gate: notReady (any status but Connected, or poor quality), or statuses, comma-separated (${connectionStatuses.filter((s) => s !== 'Connected').join(', ')}); Failed always does`,
      ).default('notReady'),
    )
    .option('--settle <duration>', 'how long the link must be Connected and good before the gate reopens', '5s')
    .option(
      '--recover',
      'after Failed, keep watching for the recovery probe (--recovery-interval) instead of exiting 3',
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://<host>:<port>/metrics and /healthz (200 while the trade gate is open, else 503); needs prom-client',
    )
    .option(
      '--metrics-host <address>',
      'the address for --metrics-port (0.0.0.0 for a probe from outside a container)',
      '127.0.0.1',
    )
    .option('--proxy <url>', PROXY_HELP)
    .option('--no-proxy', NO_PROXY_HELP);
  addConfigOptions(command).action(async (urls: string[], options: Record<string, unknown>) => {
    done(await monitor(urls, options, io));
  });
}

function addDemoCommand(cli: Command, io: CliIo, done: (code: ExitCode) => void): void {
  cli
    .command('demo')
    .description(
      'play a scripted story against an embedded mock exchange on 127.0.0.1: drop, stall, latency spike, outage and recovery, with a strategy trading through the gate (about a minute)',
    )
    .option(
      '--speed <factor>',
      'play faster (2 = twice as fast) or slower; also LIFELINE_DEMO_SPEED',
      process.env.LIFELINE_DEMO_SPEED ?? '1',
    )
    .option('--locale <zh-CN|en>', 'language of reports and labels', 'zh-CN')
    .action(async (options: Record<string, unknown>) => {
      done(await demo(options, io));
    });
}

function addDiagnoseCommand(cli: Command, io: CliIo, done: (code: ExitCode) => void): void {
  cli
    .command('diagnose')
    .description(
      'one-shot timings: DNS, TCP connect, TLS handshake, WebSocket upgrade, first message, ping round trips',
    )
    .argument('<url>', 'ws:// or wss:// endpoint')
    .option('--count <n>', 'ping round trips to time', '5')
    .option('--timeout <duration>', 'limit for each step', '5s')
    .option('--ping <ws|app>', 'protocol ping frames (ws) or an application message (app)', 'ws')
    .option('--ping-message <json>', 'the application ping (with --ping app)', '{"method":"ping"}')
    .option('--pong-match <substring>', 'inbound text containing this answers the application ping', 'pong')
    .option('--headers <name:value>', 'extra upgrade header (repeatable; printed redacted)', collect)
    .option('--protocols <name>', 'WebSocket subprotocol to offer (repeatable)', collect)
    .option(
      '--subscribe <json>',
      'a message to send after the upgrade, e.g. to get a first message (repeatable)',
      collect,
    )
    .option('--json', 'write the timings as one JSON object')
    .option('--proxy <url>', PROXY_HELP)
    .option('--no-proxy', NO_PROXY_HELP)
    .action(async (url: string, options: Record<string, unknown>) => {
      done(await diagnose(url, options, io));
    });
}

function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Ends the process quietly with exit 0 when a reader closes its end of the output, as `cat` and `grep`
 * do: `lifeline monitor … | head -1` must not print an EPIPE stack trace or exit 1. Any other stream
 * error is rethrown, so it is not hidden.
 *
 * @example
 * endQuietlyOnClosedOutput(process.stdout);
 *
 * @param stream stdout or stderr.
 */
export function endQuietlyOnClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(ExitCode.Ok);
  });
}

if (require.main === module) {
  endQuietlyOnClosedOutput(process.stdout);
  endQuietlyOnClosedOutput(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`lifeline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = ExitCode.Error;
    },
  );
}
