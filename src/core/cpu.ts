// The interpreter loop: fetch, decode (through the decode cache), execute.
import {
  STATE_BASE, OFF_EXIT_REASON, OFF_STOP_REQUEST, OFF_PSTATE_IL, OFF_BREAK_TABLE, BREAK_MAX,
  OFF_BREAK_ENABLED, DCACHE_BASE, DCACHE_ENTRIES, RAM_OFFSET, EXIT_BUDGET, EXIT_BREAKPOINT,
} from "./layout";
import {
  pc, icount, ramBase, ramSize, stopRun, slowFetch, loadConfig, loadHot, flush, flushSp, updateRegime,
  setPc, setIcount, setStopRun, setSlowFetch, setInsnPc, nextEvent, requestEventCheck, fetchPage, fetchAddend,
  runLimit, setRunLimit,
} from "./state";
import { handleEvents } from "./interrupts";
import { timerRecompute } from "./timer"; // [timer] for reload()
import { gicUpdate } from "./gic"; // [gic] for reload()
import { tlbFlushAll } from "./mmu";
import { fetchSlow, memFault } from "./mem";
import { decode, execute } from "./generated/decoder";

/** Fills the decode cache so that every entry is valid (word 0 decodes like any other word). */
export function initDecodeCache(): void {
  const op0 = decode(0);
  for (let e: u32 = 0; e < <u32>DCACHE_ENTRIES; e++) {
    store<u32>(DCACHE_BASE + (e << 3), 0);
    store<u32>(DCACHE_BASE + (e << 3) + 4, op0);
  }
}

/** Op number of word, through the direct-mapped cache keyed by the word itself. */
@inline function decodeCached(word: u32): u32 {
  const slot = DCACHE_BASE + (((word * 0x9e3779b1) >>> 16) << 3);
  if (load<u32>(slot) == word) return load<u32>(slot, 4);
  const op = decode(word);
  store<u32>(slot, word);
  store<u32>(slot, op, 4);
  return op;
}

/** Re-reads everything the host may have changed in the state block since the last run(). */
export function reload(): void {
  loadConfig();
  loadHot();
  updateRegime();
  setSlowFetch(load<u32>(STATE_BASE + OFF_PSTATE_IL) != 0);
  requestEventCheck(); // the host may have changed interrupt lines or registers
  tlbFlushAll(); // ... or memory, page tables and translation registers (a restore, a reset)
  timerRecompute(); // [timer] timerDeadline and the timer PPIs derive from the timer registers and the clock
  gicUpdate(); // [gic] gicLines derive from the GIC state in memory (a restore rebuilds them)
}

/**
 * Executes up to `budget` instructions and returns why it stopped (EXIT_*). Instructions that take
 * an exception count as executed, so the count is a deterministic clock.
 */
export function run(budget: i32): i32 {
  reload();
  store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_BUDGET);
  store<u32>(STATE_BASE + OFF_STOP_REQUEST, 0);
  setStopRun(false);
  const breakCount = load<u32>(STATE_BASE + OFF_BREAK_ENABLED);
  const breakOn = breakCount != 0;
  const start = icount;
  const end = start + <u64>budget;
  // The inner loop runs to runLimit = min(end, nextEvent). Anything that must end it early (an
  // exception loop, a host stop, an event check request) sets runLimit to 0, so the inner loop tests
  // one condition per instruction.
  while (icount < end && !stopRun) {
    if (icount >= nextEvent) {
      handleEvents();
      if (stopRun) break;
    }
    setRunLimit(end < nextEvent ? end : nextEvent);
    if (breakOn) {
      // The same loop with the PC breakpoint check (not taken on the first instruction of a run, so
      // that resuming from a breakpoint moves on).
      while (icount < runLimit) {
        const ipc = pc;
        if (icount != start && atBreakpoint(ipc, breakCount)) {
          store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_BREAKPOINT);
          setStopRun(true);
          break;
        }
        step();
      }
      continue;
    }
    while (icount < runLimit) step();
  }
  flush();
  flushSp();
  return load<i32>(STATE_BASE + OFF_EXIT_REASON);
}

/** Whether pc is one of the first `count` PC breakpoints (OFF_BREAK_TABLE). */
function atBreakpoint(pc: u64, count: u32): bool {
  const n = count < <u32>BREAK_MAX ? count : <u32>BREAK_MAX;
  for (let i: u32 = 0; i < n; i++) if (load<u64>(STATE_BASE + OFF_BREAK_TABLE + (i << 3)) == pc) return true;
  return false;
}

/** Fetches, decodes and executes one instruction. */
@inline function step(): void {
  const ipc = pc;
  setInsnPc(ipc);
  setPc(ipc + 4);
  setIcount(icount + 1);
  let word: u32;
  if ((ipc & ~<u64>0xffc) == fetchPage) {
    word = load<u32>(<usize>(RAM_OFFSET + (ipc + fetchAddend)));
  } else {
    word = fetchSlow(ipc, slowFetch);
    if (memFault) return;
  }
  execute(decodeCached(word), word);
}
