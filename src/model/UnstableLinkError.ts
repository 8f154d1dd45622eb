/** The link stayed Unstable longer than `unstableTimeout`, so it is dropped and re-established. */
export class UnstableLinkError extends Error {
  readonly code = 'LIFELINE_UNSTABLE';

  constructor(readonly unstableForMs: number) {
    super(`link unstable for ${unstableForMs} ms; reconnecting`);
    this.name = 'UnstableLinkError';
  }
}
