// One line of machine state under the console: run state, instruction count, speed, EL and PC.
import type { PauseReason, RunState, StateDigest } from '../worker/protocol';

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

/** Guest time as the generic timer counts it: seconds with milliseconds, minutes past a minute. */
export function formatGuestTime(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(3)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${(seconds - m * 60).toFixed(1).padStart(4, '0')} s`;
}

const pauseLabel: Record<PauseReason, string> = {
  user: 'paused',
  step: 'paused (stepped)',
  breakpoint: 'paused at breakpoint',
  trap: 'paused: trail match',
};

export function StatusBar({ digest }: { digest: StateDigest }) {
  const label = digest.state === 'paused' && digest.pauseReason ? pauseLabel[digest.pauseReason] : stateLabel[digest.state];
  return (
    <footer className="status" data-testid="status">
      <span className={`state state-${digest.state}`} data-testid="status-state" data-state={digest.state} data-pause={digest.pauseReason ?? ''}>
        {label}
      </span>
      <span title="instructions retired since boot">
        <b>instr</b> <span data-testid="status-instructions">{formatCount(digest.instructions)}</span>
      </span>
      <span title="million guest instructions per second">
        <b>M instr/s</b> <span data-testid="status-mips">{digest.state === 'running' ? digest.mips.toFixed(1) : '—'}</span>
      </span>
      <span title="guest time: the generic timer's count over CNTFRQ_EL0 (62.5 MHz)">
        <b>guest time</b> <span data-testid="status-guest-time">{formatGuestTime(digest.guestSeconds)}</span>
      </span>
      <span title="share of the time the emulator is busy: a guest idling in WFI sleeps on a host timer instead">
        <b>load</b> <span data-testid="status-load">{digest.state === 'running' ? `${Math.round(digest.load * 100)}%` : '—'}</span>
      </span>
      <span title="current exception level">
        <b>EL</b> <span data-testid="status-el">{digest.el ?? '—'}</span>
      </span>
      <span title="program counter">
        <b>PC</b> <code data-testid="status-pc">{formatPc(digest.pc)}</code>
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
