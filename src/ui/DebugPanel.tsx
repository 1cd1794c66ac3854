// The debugger: the register file, memory by virtual or physical address, a disassembly around the
// PC with breakpoints, and stepping (into, N instructions, over a call). The machine lives in the
// worker; this panel talks to it only through DebugApi, which the lab shell implements there.
import { Fragment, useEffect, useMemo, useState, type FormEvent, type JSX } from 'react';
import type { CpuSnapshot } from '../machine/inspect';
import {
  currentSpIndex, daifText, disasmBase, disasmLines, fpcrText, fpsrText, formatLanes, hex, hex64, hexDumpRows,
  LANE_SHAPE_LABEL, LANE_SHAPES, nzcvText, pageSegments, parseAddress, registerDiff,
  type Disassemble, type DisasmLine, type HexRow, type LaneShape, type MemSegment,
} from './debug-format';
import './DebugPanel.css';

/**
 * What the debugger panel needs from the machine worker. The panel calls readMemory, step, stepOver
 * and runTo only while the machine is paused (its `paused` prop); setBreakpoints at any time (it
 * sends its set once when it mounts, and again on every change). Each promise resolves once the
 * worker has acted; rejecting it shows the message in the panel. After anything that executes
 * instructions the worker pushes a fresh CpuSnapshot (inspectCpu), which reaches the panel as its
 * `cpu` prop: the panel does not re-read registers itself.
 */
export interface DebugApi {
  /**
   * Reads `len` bytes (at most 4 KiB, never across a 4 KiB page: the panel splits its reads) at
   * `addr`: a virtual address translated as EL `virtualEl` sees it now (stage 1, then stage 2 when
   * HCR_EL2.VM applies), or a physical one when `virtualEl` is null. The worker answers with
   * inspect.ts `readMemory(machine.core, addr, len, virtualEl === null ? null : { el: virtualEl })`,
   * whose error names the fault (stage, kind, level) or says the address is not RAM.
   */
  readMemory(addr: bigint, len: number, virtualEl: number | null): Promise<{ bytes: Uint8Array } | { error: string }>;
  /**
   * Executes `n` instructions (machine.run(n)) and stays paused. A breakpoint stops it early (as in
   * run(): not on the first instruction, so stepping off a breakpoint works), and so does a
   * power-off or a pause-on-match trail rule. Resolves after the new snapshot and digest are pushed.
   */
  step(n: number): Promise<void>;
  /**
   * Steps over a call. The worker reads the instruction at PC (as the current EL); if
   * debug-format.ts `stepOverReturn(word, pc)` gives a return address R (BL, BLR, BLRA*, SVC, HVC,
   * SMC), it remembers the EL and the current SP, arms a temporary breakpoint at R on top of the
   * user's ones and resumes running exactly as resume() does (state 'running', batched updates, so
   * Pause still works and a runaway callee cannot freeze anything). Each time run() stops with
   * 'breakpoint' at R it checks that the EL is the same and SP >= the remembered SP (the call
   * returned to this frame, not a deeper recursive one at the same site); if not, it runs on. When
   * it is, or a user breakpoint, a trail match, a pause or a power-off ends the run first, it drops
   * the temporary breakpoint and pauses. Otherwise (no call) it is step(1). Resolves when the
   * worker has started the run (or done the step), not when the callee returns.
   */
  stepOver(): Promise<void>;
  /**
   * Replaces the PC breakpoints (virtual addresses, compared with PC at every EL). Resume, step N
   * and step over stop (state 'paused', new snapshot) before executing an instruction at one of
   * them. The core's run loop compares PC with one address (core.setBreakpoint); with more than one
   * the worker needs a core that takes a list (see the report of issue 5 item 6).
   */
  setBreakpoints(pcs: bigint[]): Promise<void>;
  /**
   * Optional: run to `pc` (the line the user picked), like stepOver with R = pc and no SP or EL
   * condition. The panel shows "Run to cursor" only when the worker provides it.
   */
  runTo?(pc: bigint): Promise<void>;
}

export interface DebugPanelProps {
  /** The CPU as of the last update (null before boot). Registers show whenever it is given. */
  cpu: CpuSnapshot | null;
  /** Memory, disassembly and stepping work only while the machine is paused. */
  paused: boolean;
  api: DebugApi;
  /** The disassembler (src/disasm): text for one instruction word at `pc`, and a direct branch's target. */
  disassemble: Disassemble;
}

const DISASM_COUNT = 32;
const MEM_LEN = 256;

type MemMode = 'cur' | 'el0' | 'el1' | 'el2' | 'pa';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads [addr, addr + len) page by page, so one unmapped page still lets the others show. */
export async function readSegments(api: DebugApi, addr: bigint, len: number, virtualEl: number | null): Promise<MemSegment[]> {
  return Promise.all(
    pageSegments(addr, len).map(async (s): Promise<MemSegment> => {
      try {
        const r = await api.readMemory(s.addr, s.len, virtualEl);
        return 'bytes' in r ? { ...s, bytes: r.bytes, error: null } : { ...s, bytes: null, error: r.error };
      } catch (e) {
        return { ...s, bytes: null, error: message(e) };
      }
    }),
  );
}

export function DebugPanel({ cpu, paused, api, disassemble }: DebugPanelProps): JSX.Element {
  // The snapshot before this one, for highlighting what changed. A new object with the same clock
  // (the worker re-sending an unchanged state) keeps the older comparison.
  const [snaps, setSnaps] = useState<{ cur: CpuSnapshot | null; prev: CpuSnapshot | null }>({ cur: cpu, prev: null });
  if (snaps.cur !== cpu) {
    const same = cpu !== null && snaps.cur !== null && cpu.clock === snaps.cur.clock && cpu.pc === snaps.cur.pc;
    setSnaps({ cur: cpu, prev: same ? snaps.prev : snaps.cur });
  }
  const changed = useMemo(() => (cpu ? registerDiff(snaps.prev, cpu) : new Set<string>()), [cpu, snaps.prev]);

  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [stepCount, setStepCount] = useState('100');
  const [breakpoints, setBreakpoints] = useState<ReadonlySet<bigint>>(() => new Set());
  const [cursor, setCursor] = useState<bigint | null>(null);

  useEffect(() => {
    api.setBreakpoints([...breakpoints]).catch((e: unknown) => setActionError(`breakpoints: ${message(e)}`));
  }, [api, breakpoints]);

  const act = (what: string, f: () => Promise<void>): void => {
    setBusy(true);
    setActionError(null);
    f().catch((e: unknown) => setActionError(`${what}: ${message(e)}`)).finally(() => setBusy(false));
  };
  const toggleBreakpoint = (addr: bigint): void =>
    setBreakpoints((old) => {
      const next = new Set(old);
      if (!next.delete(addr)) next.add(addr);
      return next;
    });

  const canAct = paused && cpu !== null && !busy;
  const n = Number.parseInt(stepCount, 10);
  const nValid = Number.isSafeInteger(n) && n >= 1;

  return (
    <section className="dbg" data-testid="debug-panel">
      <div className="dbg-toolbar">
        <button type="button" disabled={!canAct} onClick={() => act('step', () => api.step(1))} data-testid="debug-step"
          title="execute one instruction">
          Step into
        </button>
        <button type="button" disabled={!canAct} onClick={() => act('step over', () => api.stepOver())} data-testid="debug-step-over"
          title="execute one instruction, or run a call (BL, BLR, SVC, HVC, SMC) until it returns to the next one">
          Step over
        </button>
        <span className="dbg-stepn">
          <button type="button" disabled={!canAct || !nValid} onClick={() => act('step', () => api.step(n))} data-testid="debug-step-n"
            title="execute this many instructions (a breakpoint stops it early)">
            Step
          </button>
          <input aria-label="instructions to step" value={stepCount} onChange={(e) => setStepCount(e.target.value)}
            className={nValid ? '' : 'dbg-invalid'} inputMode="numeric" size={7} data-testid="debug-step-count" />
        </span>
        {api.runTo && (
          <button type="button" disabled={!canAct || cursor === null} data-testid="debug-run-to-cursor"
            onClick={() => { const to = cursor; const runTo = api.runTo; if (to !== null && runTo) act('run to cursor', () => runTo.call(api, to)); }}
            title="run until the PC reaches the selected line">
            Run to cursor
          </button>
        )}
        <span className="dbg-state" data-testid="debug-state">
          {cpu === null ? 'no machine' : !paused ? 'pause to inspect' : busy ? 'working…' : `paused at EL${cpu.el}`}
        </span>
      </div>
      {actionError && <div className="dbg-error" role="alert">{actionError}</div>}
      {cpu === null ? (
        <p className="dbg-hint">Boot a machine to see its registers.</p>
      ) : (
        <div className="dbg-body">
          <RegistersView cpu={cpu} changed={changed} />
          <div className="dbg-right">
            <DisassemblyPane cpu={cpu} paused={paused} api={api} disassemble={disassemble} breakpoints={breakpoints}
              cursor={cursor} onCursor={setCursor} onToggleBreakpoint={toggleBreakpoint} />
            <MemoryPane cpu={cpu} paused={paused} api={api} />
            <BreakpointList breakpoints={breakpoints} onRemove={toggleBreakpoint} />
          </div>
        </div>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Registers

/** The register file; `changed` holds the keys (debug-format registerValues) to highlight. */
export function RegistersView({ cpu, changed }: { cpu: CpuSnapshot; changed: ReadonlySet<string> }): JSX.Element {
  const [shape, setShape] = useState<LaneShape>('16b');
  const cls = (key: string): string => (changed.has(key) ? 'dbg-val dbg-changed' : 'dbg-val');
  const sp = currentSpIndex(cpu);
  const spCount = cpu.haveEl2 ? 3 : 2;
  return (
    <div className="dbg-regs" data-testid="debug-registers">
      <h3>Registers</h3>
      <div className="dbg-xregs">
        {cpu.x.map((v, i) => (
          <div key={i} className="dbg-reg" data-testid={`debug-reg-x${i}`}>
            <span className="dbg-name">{i === 29 ? 'X29/FP' : i === 30 ? 'X30/LR' : `X${i}`}</span>
            <code className={cls(`x${i}`)}>{hex64(v)}</code>
          </div>
        ))}
      </div>
      <div className="dbg-xregs">
        {cpu.sp.slice(0, spCount).map((v, i) => (
          <div key={i} className={i === sp ? 'dbg-reg dbg-current' : 'dbg-reg'} data-testid={`debug-reg-sp_el${i}`}
            title={i === sp ? 'the SP in use (PSTATE.SP and the EL select it)' : undefined}>
            <span className="dbg-name">SP_EL{i}{i === sp ? ' ◀' : ''}</span>
            <code className={cls(`sp_el${i}`)}>{hex64(v)}</code>
          </div>
        ))}
        <div className="dbg-reg" data-testid="debug-reg-pc">
          <span className="dbg-name">PC</span>
          <code className={cls('pc')}>{hex64(cpu.pc)}</code>
        </div>
      </div>
      <div className="dbg-pstate" data-testid="debug-pstate">
        <span><span className="dbg-name">EL</span> <code className={cls('el')}>{cpu.el}</code></span>
        <span title="PSTATE.SP: 0 selects SP_EL0, 1 the current EL's own SP">
          <span className="dbg-name">SP</span> <code className={cls('spsel')}>{cpu.spsel ? `SP_EL${cpu.el}` : 'SP_EL0'}</code>
        </span>
        <span title="PSTATE.{D,A,I,F}: a letter where that exception is masked">
          <span className="dbg-name">DAIF</span> <code className={cls('daif')}>{daifText(cpu.daif)}</code>
        </span>
        <span title="PSTATE.{N,Z,C,V}: a letter where the flag is set">
          <span className="dbg-name">NZCV</span> <code className={cls('nzcv')}>{nzcvText(cpu.nzcv)}</code>
        </span>
      </div>
      <div className="dbg-pstate">
        <span title={fpcrText(cpu.fpcr)}>
          <span className="dbg-name">FPCR</span> <code className={cls('fpcr')}>{hex(cpu.fpcr, 8)}</code> <small>{fpcrText(cpu.fpcr)}</small>
        </span>
        <span title="cumulative floating-point exception flags">
          <span className="dbg-name">FPSR</span> <code className={cls('fpsr')}>{hex(cpu.fpsr, 8)}</code> <small>{fpsrText(cpu.fpsr)}</small>
        </span>
      </div>
      <details className="dbg-vregs">
        <summary>
          V0–V31{' '}
          <select value={shape} onChange={(e) => setShape(e.target.value as LaneShape)} aria-label="lane format"
            onClick={(e) => e.stopPropagation()} data-testid="debug-lane-shape">
            {LANE_SHAPES.map((s) => <option key={s} value={s}>{LANE_SHAPE_LABEL[s]}</option>)}
          </select>
          <small> (highest lane first)</small>
        </summary>
        {cpu.v.map((v, i) => (
          <div key={i} className="dbg-reg" data-testid={`debug-reg-v${i}`}>
            <span className="dbg-name">V{i}</span>
            <code className={cls(`v${i}`)}>{formatLanes(v, shape).reverse().join(' ')}</code>
          </div>
        ))}
      </details>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Disassembly

interface DisassemblyPaneProps {
  cpu: CpuSnapshot;
  paused: boolean;
  api: DebugApi;
  disassemble: Disassemble;
  breakpoints: ReadonlySet<bigint>;
  cursor: bigint | null;
  onCursor(addr: bigint): void;
  onToggleBreakpoint(addr: bigint): void;
}

function DisassemblyPane(props: DisassemblyPaneProps): JSX.Element {
  const { cpu, paused, api } = props;
  // The window follows the PC until the user jumps elsewhere (a branch target, an address).
  const [view, setView] = useState<{ base: bigint | null; follow: boolean }>({ base: null, follow: true });
  const base = view.follow ? disasmBase(cpu.pc, view.base, DISASM_COUNT) : view.base;
  if (base !== view.base) setView({ base, follow: view.follow });
  const [read, setRead] = useState<{ base: bigint; segments: MemSegment[] } | null>(null);
  const [goto, setGoto] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);

  useEffect(() => {
    if (!paused || base === null) return;
    let live = true;
    void readSegments(api, base, DISASM_COUNT * 4, cpu.el).then((segments) => {
      if (live) setRead({ base, segments });
    });
    return () => {
      live = false;
    };
  }, [api, paused, cpu, base]);

  const jump = (addr: bigint): void => setView({ base: disasmBase(addr, null, DISASM_COUNT), follow: false });
  const onGoto = (e: FormEvent): void => {
    e.preventDefault();
    const r = parseAddress(goto, cpu);
    if ('error' in r) setGotoError(r.error);
    else {
      setGotoError(null);
      jump(r.value);
    }
  };
  const lines = read ? disasmLines(read.base, DISASM_COUNT, read.segments, cpu.pc, props.breakpoints, props.disassemble) : null;

  return (
    <div className="dbg-disasm" data-testid="debug-disasm">
      <h3>
        Disassembly <small>(virtual, EL{cpu.el})</small>
      </h3>
      {!paused ? (
        <p className="dbg-hint">pause to inspect</p>
      ) : (
        <>
          <form className="dbg-addrbar" onSubmit={onGoto}>
            <input value={goto} onChange={(e) => setGoto(e.target.value)} placeholder="address or register" aria-label="disassemble at"
              data-testid="debug-disasm-addr" />
            <button type="submit">Go</button>
            <button type="button" title="earlier instructions" data-testid="debug-disasm-up"
              onClick={() => setView({ base: BigInt.asUintN(64, (base ?? cpu.pc) - BigInt(DISASM_COUNT * 2)), follow: false })}>
              ▲
            </button>
            <button type="button" title="later instructions" data-testid="debug-disasm-down"
              onClick={() => setView({ base: BigInt.asUintN(64, (base ?? cpu.pc) + BigInt(DISASM_COUNT * 2)), follow: false })}>
              ▼
            </button>
            <button type="button" disabled={view.follow} onClick={() => setView({ base: view.base, follow: true })}
              data-testid="debug-follow-pc">
              Follow PC
            </button>
            {gotoError && <span className="dbg-error-inline">{gotoError}</span>}
          </form>
          {lines === null ? (
            <p className="dbg-hint">reading…</p>
          ) : (
            <DisassemblyView lines={lines} cursor={props.cursor} onCursor={props.onCursor}
              onToggleBreakpoint={props.onToggleBreakpoint} onJump={jump} />
          )}
        </>
      )}
    </div>
  );
}

export interface DisassemblyViewProps {
  lines: DisasmLine[];
  cursor: bigint | null;
  onCursor(addr: bigint): void;
  onToggleBreakpoint(addr: bigint): void;
  onJump(addr: bigint): void;
}

/** The instruction lines: a breakpoint gutter, the address, the word and its text (branch targets are links). */
export function DisassemblyView({ lines, cursor, onCursor, onToggleBreakpoint, onJump }: DisassemblyViewProps): JSX.Element {
  return (
    <table className="dbg-lines">
      <tbody>
        {lines.map((l) => {
          const cls = ['dbg-line', l.isPc ? 'dbg-pc' : '', l.addr === cursor ? 'dbg-cursor' : '', l.breakpoint ? 'dbg-bp' : '']
            .filter(Boolean).join(' ');
          const addr = hex(l.addr, 16);
          return (
            <tr key={addr} className={cls} data-testid="debug-disasm-line" data-addr={`0x${addr}`} data-pc={l.isPc || undefined}
              onClick={() => onCursor(l.addr)}>
              <td className="dbg-gutter" data-testid="debug-bp-toggle" title={l.breakpoint ? 'remove breakpoint' : 'set breakpoint'}
                onClick={(e) => { e.stopPropagation(); onToggleBreakpoint(l.addr); }}>
                {l.breakpoint ? '●' : ''}
              </td>
              <td className="dbg-marker">{l.isPc ? '▶' : ''}</td>
              <td className="dbg-addr"><code>{hex64(l.addr)}</code></td>
              <td className="dbg-word"><code>{l.word === null ? '????????' : hex(l.word, 8)}</code></td>
              <td className={l.word === null ? 'dbg-text dbg-unreadable' : 'dbg-text'}>
                <code>{l.target === undefined ? l.text : <TargetText text={l.text} target={l.target} onJump={onJump} />}</code>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** An instruction's text with its branch target as a link that moves the view there. */
function TargetText({ text, target, onJump }: { text: string; target: bigint; onJump(addr: bigint): void }): JSX.Element {
  return (
    <>
      {text}{' '}
      <a href="#" className="dbg-target" data-testid="debug-branch-target" title="show the target"
        onClick={(e) => { e.preventDefault(); e.stopPropagation(); onJump(target); }}>
        → {hex(target, 1)}
      </a>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Memory

function MemoryPane({ cpu, paused, api }: { cpu: CpuSnapshot; paused: boolean; api: DebugApi }): JSX.Element {
  // The expression stays live (a typed "sp" follows SP as you step); paging adds to it.
  const [expr, setExpr] = useState('sp');
  const [typed, setTyped] = useState('sp');
  const [offset, setOffset] = useState(0n);
  const [mode, setMode] = useState<MemMode>('cur');
  const [read, setRead] = useState<{ base: bigint; segments: MemSegment[] } | null>(null);

  const parsed = parseAddress(expr, cpu);
  const addr = 'value' in parsed ? BigInt.asUintN(64, parsed.value + offset) : null;
  const base = addr === null ? null : addr & ~0xfn;
  const virtualEl = mode === 'pa' ? null : mode === 'cur' ? cpu.el : Number(mode.slice(2));

  useEffect(() => {
    if (!paused || base === null) return;
    let live = true;
    void readSegments(api, base, MEM_LEN, virtualEl).then((segments) => {
      if (live) setRead({ base, segments });
    });
    return () => {
      live = false;
    };
  }, [api, paused, cpu, base, virtualEl]);

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    setExpr(typed);
    setOffset(0n);
  };
  const fresh = read !== null && read.base === base;
  const rows = fresh ? hexDumpRows(read.base, MEM_LEN, read.segments) : null;
  const errors = fresh ? [...new Set(read.segments.flatMap((s) => (s.error === null ? [] : [s.error])))] : [];

  return (
    <div className="dbg-mem" data-testid="debug-memory">
      <h3>Memory</h3>
      <form className="dbg-addrbar" onSubmit={onSubmit}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="0x4000_0000, sp, x1+0x10"
          aria-label="memory address" data-testid="debug-mem-addr" />
        <select value={mode} onChange={(e) => setMode(e.target.value as MemMode)} aria-label="address space" data-testid="debug-mem-mode">
          <option value="cur">virtual (EL{cpu.el}, current)</option>
          <option value="el0">virtual as EL0</option>
          <option value="el1">virtual as EL1</option>
          {cpu.haveEl2 && <option value="el2">virtual as EL2</option>}
          <option value="pa">physical</option>
        </select>
        <button type="submit">Go</button>
        <button type="button" onClick={() => setOffset((o) => o - BigInt(MEM_LEN))} title="previous 256 bytes" data-testid="debug-mem-up">▲</button>
        <button type="button" onClick={() => setOffset((o) => o + BigInt(MEM_LEN))} title="next 256 bytes" data-testid="debug-mem-down">▼</button>
      </form>
      {'error' in parsed ? (
        <div className="dbg-error">{parsed.error}</div>
      ) : !paused ? (
        <p className="dbg-hint">pause to inspect</p>
      ) : (
        <>
          <div className="dbg-meta">
            {expr.trim()}{offset !== 0n ? ` ${offset < 0n ? '-' : '+'} 0x${hex(offset < 0n ? -offset : offset, 1)}` : ''} = 0x{hex64(addr ?? 0n)}
          </div>
          {errors.map((err) => <div key={err} className="dbg-error" data-testid="debug-mem-error">{err}</div>)}
          {rows === null ? <p className="dbg-hint">reading…</p> : <MemoryDump rows={rows} highlight={addr} />}
        </>
      )}
    </div>
  );
}

/** Rows of a hex dump: address, 16 bytes (?? where unreadable), ASCII. `highlight` marks one byte. */
export function MemoryDump({ rows, highlight }: { rows: HexRow[]; highlight: bigint | null }): JSX.Element {
  return (
    <table className="dbg-dump" data-testid="debug-mem-dump">
      <tbody>
        {rows.map((r) => (
          <tr key={hex(r.addr, 16)} title={r.error ?? undefined}>
            <td className="dbg-addr"><code>{hex64(r.addr)}</code></td>
            <td className="dbg-hex">
              <code>
                {r.cells.map((b, i) => (
                  <Fragment key={i}>
                    {i === 8 ? '  ' : i > 0 ? ' ' : ''}
                    <span className={highlight !== null && r.addr + BigInt(i) === highlight ? 'dbg-hl' : undefined}>
                      {b === null ? '??' : hex(b, 2)}
                    </span>
                  </Fragment>
                ))}
              </code>
            </td>
            <td className="dbg-ascii"><code>{r.ascii}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------------------------------------
// Breakpoints

function BreakpointList({ breakpoints, onRemove }: { breakpoints: ReadonlySet<bigint>; onRemove(addr: bigint): void }): JSX.Element {
  const list = [...breakpoints].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (
    <div className="dbg-bps" data-testid="debug-breakpoints">
      <h3>Breakpoints</h3>
      {list.length === 0 ? (
        <p className="dbg-hint">none: click the gutter of a disassembly line</p>
      ) : (
        <ul>
          {list.map((a) => (
            <li key={hex(a, 16)}>
              <code>{hex64(a)}</code>{' '}
              <button type="button" className="dbg-small" onClick={() => onRemove(a)} title="remove">×</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
