// One line of machine state under the console: run state, instruction count, speed, EL and PC.
import type { RunState, StateDigest } from '../worker/protocol';

const stateLabel: Record<RunState, string> = {
  empty: 'no machine',
  booting: 'booting',
  running: 'running',
  paused: 'paused',
  idle: 'idle (waiting for input)',
  'powered-off': 'powered off',
  error: 'error',
};

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPc(pc: bigint | null): string {
  return pc === null ? '—' : '0x' + pc.toString(16).padStart(16, '0');
}

export function StatusBar({ digest }: { digest: StateDigest }) {
  return (
    <footer className="status" data-testid="status">
      <span className={`state state-${digest.state}`} data-testid="status-state" data-state={digest.state}>
        {stateLabel[digest.state]}
      </span>
      <span title="instructions retired since boot">
        <b>instr</b> <span data-testid="status-instructions">{formatCount(digest.instructions)}</span>
      </span>
      <span title="million guest instructions per second">
        <b>M instr/s</b> {digest.state === 'running' ? digest.mips.toFixed(1) : '—'}
      </span>
      <span title="share of the time the emulator is busy: a guest idling in WFI sleeps on a host timer instead">
        <b>load</b> <span data-testid="status-load">{digest.state === 'running' ? `${Math.round(digest.load * 100)}%` : '—'}</span>
      </span>
      <span title="current exception level">
        <b>EL</b> <span data-testid="status-el">{digest.el ?? '—'}</span>
      </span>
      <span title="program counter">
        <b>PC</b> <code>{formatPc(digest.pc)}</code>
      </span>
      <span title="exceptions taken">
        <b>exc</b> {formatCount(digest.exceptions)}
      </span>
      {digest.unimplemented > 0 && (
        <span className="warn" title="encodings or system registers the emulator does not implement (they raised UNDEFINED)">
          <b>unimpl</b> {formatCount(digest.unimplemented)}
        </span>
      )}
      {digest.image && <span className="image-name">{digest.image}</span>}
    </footer>
  );
}
