import { ConfigError } from '../model/ConfigError';
import { integer, oneOf } from '../model/configRules';
import { resolveConfig } from '../model/LifelineConfig';
import { parseDuration } from '../model/parseDuration';
import { DiagnoseSettings } from './Diagnosis';
import { ExitCode } from './ExitCode';
import { configInput, durationArgument, numberArgument, subscribeArguments } from './configOptions';
import { diagnosisTable } from './diagnosisTable';
import { measure } from './measure';
import { CliIo } from './monitor';
import { proxyAgent } from './proxyAgent';
import { usageMessage } from './usageMessage';

export type { Diagnosis, DiagnoseSettings, PingTimings, StepTiming } from './Diagnosis';

function settingsOf(url: string, options: Readonly<Record<string, unknown>>): DiagnoseSettings {
  const input = configInput(url, { headers: options.headers, protocols: options.protocols });
  const config = resolveConfig(input);
  const count = integer('count', numberArgument(options.count ?? '5'), 1);
  const timeout = parseDuration(durationArgument(options.timeout ?? '5s'), 'timeout', { allowZero: false });
  const ping = oneOf('ping', options.ping ?? 'ws', ['ws', 'app'] as const);
  const subscriptions = subscribeArguments(options.subscribe);
  const proxy = proxyAgent(config.url, options.proxy);
  return {
    ...(proxy !== undefined ? { proxy } : {}),
    url: config.url,
    count,
    timeout,
    ping,
    pingMessage: String(options.pingMessage ?? '{"method":"ping"}'),
    pongMatch: String(options.pongMatch ?? 'pong'),
    headers: config.headers,
    protocols: config.protocols,
    subscriptions,
    json: options.json === true,
  };
}

/**
 * `lifeline diagnose <url>`: one connection, timed step by step (DNS, TCP connect, TLS handshake,
 * WebSocket upgrade, first message, N ping round trips with min / median / p95), printed as a table
 * or, with `--json`, as one JSON object. Contacts only the given URL, or the proxy (`--proxy`, or
 * `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` unless `NO_PROXY` matches): then the TCP step is the proxy
 * tunnel (TCP to the proxy, its CONNECT or SOCKS handshake and its connection to the server).
 *
 * @returns 0 when the link was established and every ping came back, 3 when a step failed, 2 for bad arguments.
 */
export async function diagnose(url: string, options: Readonly<Record<string, unknown>>, io: CliIo): Promise<ExitCode> {
  let settings: DiagnoseSettings;
  try {
    settings = settingsOf(url, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`lifeline diagnose: ${usageMessage(error, options)}\nSee: lifeline diagnose --help\n`);
    return ExitCode.Usage;
  }
  const diagnosis = await measure(settings).finally(() => settings.proxy?.agent.destroy());
  io.stdout.write(settings.json ? `${JSON.stringify(diagnosis)}\n` : `${diagnosisTable(diagnosis, settings)}\n`);
  return diagnosis.ok ? ExitCode.Ok : ExitCode.Failed;
}
