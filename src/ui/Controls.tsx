// The machine's controls: boot, pause, resume, step 1 or N instructions, reset and power off. Which
// ones are enabled follows the run state the worker reports.
import { useState } from 'react';
import type { RunState } from '../worker/protocol';

interface Props {
  state: RunState;
  /** Whether Boot can start something (worker ready and a machine chosen). */
  canBoot: boolean;
  /** A step request is in flight (the buttons wait for it). */
  stepping: boolean;
  onBoot(): void;
  onPause(): void;
  onResume(): void;
  onStep(n: number): void;
  onReset(): void;
  onPowerOff(): void;
}

const MAX_STEP = 100_000_000;

export function Controls({ state: s, canBoot, stepping, onBoot, onPause, onResume, onStep, onReset, onPowerOff }: Props) {
  const [n, setN] = useState('1000');
  const count = Math.floor(Number(n));
  const countOk = Number.isFinite(count) && count >= 1 && count <= MAX_STEP;
  const running = s === 'running' || s === 'idle';
  const paused = s === 'paused';
  const live = running || paused;
  return (
    <div className="buttons" role="toolbar" aria-label="machine controls">
      <button className="primary" onClick={onBoot} disabled={!canBoot || s === 'booting'} data-testid="boot" title="Start the chosen machine (replaces the current one)">
        Boot
      </button>
      <button onClick={onPause} disabled={!running} data-testid="pause" title="Stop the CPU between two instructions">
        Pause
      </button>
      <button onClick={onResume} disabled={!paused} data-testid="resume">
        Resume
      </button>
      <span className="group">
        <button onClick={() => onStep(1)} disabled={!paused || stepping} data-testid="step" title="Run one instruction">
          Step
        </button>
        <input
          type="number"
          min={1}
          max={MAX_STEP}
          value={n}
          onChange={(e) => setN(e.target.value)}
          className={countOk ? '' : 'invalid'}
          aria-label="instructions to step"
          data-testid="step-count"
        />
        <button onClick={() => onStep(count)} disabled={!paused || stepping || !countOk} data-testid="step-n" title="Run this many instructions, then pause again">
          Step N
        </button>
      </span>
      <button onClick={onReset} disabled={!live && s !== 'powered-off' && s !== 'error'} data-testid="reset" title="Power-cycle: the same images from the start">
        Reset
      </button>
      <button onClick={onPowerOff} disabled={!live} data-testid="poweroff" title="Turn the machine off (Reset starts it again)">
        Power off
      </button>
    </div>
  );
}
