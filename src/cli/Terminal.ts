import { fitWidth } from './fitWidth';

/** The part of a Node write stream the terminal writes to. */
export interface OutputStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Output lines plus, on a terminal, one live status line kept at the bottom: each printed line
 * clears the live line, is written, and the live line is drawn again below it. Without a TTY the
 * live line is never drawn, so pipes and files get clean lines only.
 */
export class Terminal {
  private live = '';

  /**
   * @param out Where lines go (stdout).
   * @param liveOn Where the live line is drawn, if anywhere: a TTY, else it stays off.
   */
  constructor(
    private readonly out: OutputStream,
    private readonly liveOn: OutputStream | undefined,
  ) {}

  /** Whether a live line is shown at all. */
  get hasLiveLine(): boolean {
    return this.liveOn?.isTTY === true;
  }

  /** Prints a line (or several). */
  print(text: string): void {
    this.hide();
    this.out.write(`${text}\n`);
    this.show();
  }

  /** Replaces the live line. */
  status(text: string): void {
    if (!this.hasLiveLine) return;
    this.live = text;
    this.liveOn?.write(CLEAR_LINE + this.fit(text));
  }

  /** Removes the live line for good (at exit). */
  end(): void {
    this.hide();
    this.live = '';
  }

  private hide(): void {
    if (this.hasLiveLine && this.live) this.liveOn?.write(CLEAR_LINE);
  }

  private show(): void {
    if (this.hasLiveLine && this.live) this.liveOn?.write(this.fit(this.live));
  }

  private fit(text: string): string {
    return fitWidth(text, this.liveOn?.columns);
  }
}
