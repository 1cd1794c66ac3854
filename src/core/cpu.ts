// The interpreter loop: fetch, decode (through the decode cache), execute.
import {
  STATE_BASE, OFF_EXIT_REASON, OFF_STOP_REQUEST, OFF_PSTATE_IL, OFF_BREAK_PC,
  OFF_BREAK_ENABLED, DCACHE_BASE, DCACHE_ENTRIES, RAM_OFFSET, EXIT_BUDGET, EXIT_BREAKPOINT,
} from "./layout";
import {
  pc, icount, ramBase, ramSize, stopRun, slowFetch, loadConfig, loadHot, flush, flushSp, updateRegime,
  setPc, setIcount, setStopRun, setSlowFetch, setInsnPc,
} from "./state";
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
  const breakOn = load<u32>(STATE_BASE + OFF_BREAK_ENABLED) != 0;
  const breakPc = load<u64>(STATE_BASE + OFF_BREAK_PC);
  const rb = ramBase;
  const rs = ramSize - 4;
  const start = icount;
  const end = start + <u64>budget;
  while (icount < end) {
    const ipc = pc;
    if (breakOn && ipc == breakPc && icount != start) {
      store<u32>(STATE_BASE + OFF_EXIT_REASON, EXIT_BREAKPOINT);
      break;
    }
    setInsnPc(ipc);
    setPc(ipc + 4);
    setIcount(icount + 1);
    let word: u32;
    const off = ipc - rb;
    if (!slowFetch && off <= rs && (ipc & 3) == 0) {
      word = load<u32>(<usize>(RAM_OFFSET + off));
    } else {
      word = fetchSlow(ipc, slowFetch);
      if (memFault) {
        if (stopRun) break;
        continue;
      }
    }
    execute(decodeCached(word), word);
    if (stopRun) break;
  }
  flush();
  flushSp();
  return load<i32>(STATE_BASE + OFF_EXIT_REASON);
}
