// The serial console: an xterm.js terminal that shows the guest's UART output and turns
// keystrokes into bytes for the guest. It fills its panel and refits when the panel resizes (and
// when the font size changes). Ctrl+C goes to the guest, as on a serial line, so copy and paste are
// Ctrl+Shift+C / Ctrl+Shift+V (and the browser's own paste, which xterm turns into input).
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
  /** The selected text ('' if none). */
  selection(): string;
  selectAll(): void;
}

export type ConsoleTheme = 'light' | 'dark';

interface Props {
  onInput(bytes: Uint8Array): void;
  theme: ConsoleTheme;
  fontSize: number;
}

const THEMES = {
  dark: { background: '#0f1419', foreground: '#d8dee9', cursor: '#8fbcbb', cursorAccent: '#0f1419', selectionBackground: '#3b4252' },
  light: { background: '#fbfbf8', foreground: '#1f2933', cursor: '#2f6f9f', cursorAccent: '#fbfbf8', selectionBackground: '#c9d8e8' },
} as const;

const encoder = new TextEncoder();

export const Console = forwardRef<ConsoleHandle, Props>(function Console({ onInput, theme, fontSize }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const refitRef = useRef<() => void>(() => undefined);
  const onInputRef = useRef(onInput);
  onInputRef.current = onInput;
  const initial = useRef({ theme, fontSize });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const t = new Terminal({
      scrollback: 10_000,
      // Bare-metal guests print "\n" alone; Linux's tty already sends "\r\n", which this leaves as is.
      convertEol: true,
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: initial.current.fontSize,
      // At the default 1.0 the DOM renderer clips underscores off the bottom of each row.
      lineHeight: 1.2,
      theme: THEMES[initial.current.theme],
      rightClickSelectsWord: true,
    });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(el);
    const data = t.onData((s) => onInputRef.current(encoder.encode(s)));
    // onBinary carries bytes >= 0x80 that some mouse/escape reports produce, one char per byte.
    const binary = t.onBinary((s) => onInputRef.current(Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)));
    t.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return true;
      const key = e.key.toLowerCase();
      if (key === 'c') {
        const text = t.getSelection();
        if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
        e.preventDefault();
        return false;
      }
      if (key === 'v') {
        // t.paste() brackets the text if the guest asked for bracketed paste, like a real terminal.
        void navigator.clipboard?.readText().then((text) => t.paste(text)).catch(() => undefined);
        e.preventDefault();
        return false;
      }
      return true;
    });
    const refit = (): void => {
      // Fitting a hidden or zero-sized panel would give the terminal 0 columns.
      if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
    };
    refit();
    refitRef.current = refit;
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

  useEffect(() => {
    const t = term.current;
    if (!t) return;
    t.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    const t = term.current;
    if (!t || t.options.fontSize === fontSize) return;
    t.options.fontSize = fontSize;
    refitRef.current();
  }, [fontSize]);

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
    selection: () => term.current?.getSelection() ?? '',
    selectAll: () => term.current?.selectAll(),
  }), []);

  return <div className="console" ref={host} />;
});
