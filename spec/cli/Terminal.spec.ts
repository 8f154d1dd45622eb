import { OutputStream, Terminal } from '../../src/cli/Terminal';

function stream(isTTY: boolean, columns?: number): OutputStream & { written: string } {
  const s = {
    written: '',
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    write(text: string) {
      s.written += text;
      return true;
    },
  };
  return s;
}

describe('Terminal', () => {
  it('should print plain lines and never a live line without a TTY', () => {
    const out = stream(false);
    const terminal = new Terminal(out, out);
    terminal.status('● Connected');
    terminal.print('line 1');
    terminal.end();
    expect(out.written).toBe('line 1\n');
    expect(terminal.hasLiveLine).toBe(false);
  });

  it('should keep the live line below the printed lines on a TTY', () => {
    const out = stream(true);
    const terminal = new Terminal(out, out);
    terminal.status('● Connected');
    terminal.print('event');
    terminal.end();
    expect(out.written).toBe('\r\x1b[2K● Connected' + '\r\x1b[2K' + 'event\n' + '● Connected' + '\r\x1b[2K');
  });

  it('should cut the live line to the terminal width', () => {
    const out = stream(true, 10);
    new Terminal(stream(false), out).status('0123456789abc');
    expect(out.written).toBe('\r\x1b[2K01234567…');
  });

  it('should cut a CJK live line by display width, so it never wraps', () => {
    const out = stream(true, 12);
    new Terminal(stream(false), out).status('◌ 重连中 (Reconnecting)');
    // At most 10 columns before the '…': '◌ 重连中 (' is 1 + 1 + 6 + 1 + 1, a string of 7 characters.
    expect(out.written).toBe('\r\x1b[2K◌ 重连中 (…');
  });
});
