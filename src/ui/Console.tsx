// The serial console: an xterm.js terminal that shows the guest's UART output and turns
// keystrokes into bytes for the guest. It fills its panel and refits when the panel resizes.
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';

export interface ConsoleHandle {
  write(bytes: Uint8Array): void;
  clear(): void;
  focus(): void;
  /** The whole buffer (scrollback included) as text, one line per row, trailing blanks trimmed. */
  text(): string;
  size(): { cols: number; rows: number };
}

interface Props {
  onInput(bytes: Uint8Array): void;
}

const encoder = new TextEncoder();

export const Console = forwardRef<ConsoleHandle, Props>(function Console({ onInput }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const onInputRef = useRef(onInput);
  onInputRef.current = onInput;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const t = new Terminal({
      scrollback: 10_000,
      // Bare-metal guests print "\n" alone; Linux's tty already sends "\r\n", which this leaves as is.
      convertEol: true,
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      // At the default 1.0 the DOM renderer clips underscores off the bottom of each row.
      lineHeight: 1.2,
      theme: { background: '#0f1419', foreground: '#d8dee9', cursor: '#8fbcbb', selectionBackground: '#3b4252' },
    });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(el);
    const data = t.onData((s) => onInputRef.current(encoder.encode(s)));
    // onBinary carries bytes >= 0x80 that some mouse/escape reports produce, one char per byte.
    const binary = t.onBinary((s) => onInputRef.current(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)));
    const refit = (): void => {
      // Fitting a hidden or zero-sized panel would give the terminal 0 columns.
      if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
    };
    refit();
    const ro = new ResizeObserver(refit);
    ro.observe(el);
    term.current = t;
    return () => {
      ro.disconnect();
      data.dispose();
      binary.dispose();
      t.dispose();
      term.current = null;
    };
  }, []);

  useImperativeHandle(ref, () => ({
    write: (bytes) => term.current?.write(bytes),
    clear: () => term.current?.reset(),
    focus: () => term.current?.focus(),
    text: () => {
      const t = term.current;
      if (!t) return '';
      const buf = t.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      return lines.join('\n');
    },
    size: () => ({ cols: term.current?.cols ?? 0, rows: term.current?.rows ?? 0 }),
  }), []);

  return <div className="console" ref={host} />;
});
