import { ProbeMessage } from './runProbe';

/**
 * The body of a probe process: reads its JSON input from argv, runs `measure`, sends the result (or
 * the error) to the parent and exits, whatever handles are left open.
 */
export function probeMain<I, R>(measure: (input: I) => Promise<R>): void {
  const reply = (message: ProbeMessage<R>, code: number): void => {
    if (process.send) process.send(message, () => process.exit(code));
    else {
      console.log(JSON.stringify(message, null, 2));
      process.exit(code);
    }
  };
  const input = JSON.parse(process.argv[2] ?? '{}') as I;
  measure(input).then(
    (result) => reply({ type: 'result', result }, 0),
    (error: unknown) =>
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1),
  );
  process.on('disconnect', () => process.exit(1));
}
