import type * as PromClient from 'prom-client';
import { MissingPeerError } from '../model/MissingPeerError';

/** The prom-client module, as `metricsSink` uses it. */
export type PromClientModule = typeof PromClient;

/**
 * Loads prom-client on first use. It is an optional peer dependency: `import 'lifeline-ws'` never loads
 * it, so a bot without metrics needs no prom-client; only calling `metricsSink` does.
 *
 * @param load The module loader. Defaults to Node's `require`; specs pass one that fails.
 * @returns The prom-client module.
 * @throws MissingPeerError (`npm install prom-client`) when it cannot be loaded.
 */
export function loadPromClient(load: (id: string) => unknown = require): PromClientModule {
  let module: Partial<PromClientModule> | undefined;
  try {
    module = load('prom-client') as Partial<PromClientModule> | undefined;
  } catch (error) {
    throw new MissingPeerError('prom-client', 'metricsSink', '^15', error);
  }
  if (typeof module?.Registry !== 'function' || typeof module.Gauge !== 'function') {
    throw new MissingPeerError('prom-client', 'metricsSink', '^15', new Error('prom-client has no Registry or Gauge'));
  }
  return module as PromClientModule;
}
