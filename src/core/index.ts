// The core's exports: what src/machine calls. Everything else is reached through the state block.
import { initDecodeCache, reload } from "./cpu";
import { initConditionTable } from "./alu";
import { gicReset, gicSetLevel } from "./gic";
import { translate, outPa, faultFsc, faultStage2, tlbFlushAll } from "./mmu";
import { DIRTY_BASE, DIRTY_SIZE } from "./layout";

export { run, reload } from "./cpu";
export { decode } from "./generated/decoder";

/** Prepares a freshly configured state block: call once after the host wrote OFF_CFG_* and registers. */
export function init(): void {
  initConditionTable();
  initDecodeCache();
  gicReset(); // the GIC's state lives outside the state block: back to its reset values
  reload();
}

/** Drives GIC interrupt input `intid` (an SPI of a host device, e.g. the UART's 33) to `level` (0/1). */
export function setIrqLevel(intid: u32, level: u32): void {
  gicSetLevel(intid, level != 0);
}

/**
 * For debuggers (the UI's memory view, not guest execution): translates va as EL `el` would see it for
 * a data read (instruction fetch if `fetch` != 0), without the TLB and without side effects. Returns
 * the physical address, or u64.MAX_VALUE on a fault, with the fault status code in debugFaultStatus().
 */
export function debugTranslate(va: u64, el: u32, fetch: u32): u64 {
  reload(); // the state block may have been changed by the host since the last run()
  if (!translate(va, el, fetch == 0)) {
    debugFsc = faultFsc | (faultStage2 ? 0x100 : 0);
    return u64.MAX_VALUE;
  }
  debugFsc = 0;
  return outPa;
}
let debugFsc: u32 = 0;
/** The last debugTranslate fault: the FSC (type and level), plus 0x100 if stage 2 faulted. */
export function debugFaultStatus(): u32 {
  return debugFsc;
}

/**
 * Starts a new round of dirty-page logging (OFF_DIRTY_TRACK must be set by the host): clears the
 * bitmap at DIRTY_BASE and drops every TLB write tag, so the next write to each page is seen.
 */
export function dirtyReset(): void {
  memory.fill(DIRTY_BASE, 0, DIRTY_SIZE);
  tlbFlushAll();
}
