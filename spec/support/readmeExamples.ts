import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A README code block marked `<!-- example:NAME (run by spec/readme.spec.ts) -->`. */
export interface RunnableExample {
  readonly name: string;
  readonly code: string;
  /** The untagged block right after the code, if any: what it prints, `…` standing for any text. */
  readonly output: string | undefined;
}

const MARKER = /<!-- example:([\w-]+) \(run by spec\/readme\.spec\.ts\) -->/g;

/** Every runnable block of the README, in order, with the output it shows. */
export function readmeExamples(
  readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8'),
): RunnableExample[] {
  return [...readme.matchAll(MARKER)].map((marker): RunnableExample => {
    const after = readme.slice((marker.index ?? 0) + marker[0].length);
    const code = /^\s*```(?:ts|js)\n([\s\S]*?)```/.exec(after);
    if (!code) throw new Error(`example:${marker[1]} is not followed by a ts or js block`);
    const output = /^\s*```\n([\s\S]*?)```/.exec(after.slice(code[0].length));
    return { name: marker[1] as string, code: code[1] as string, output: output?.[1] };
  });
}
