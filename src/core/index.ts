// The core's exports: what src/machine calls. Everything else is reached through the state block.
import { initDecodeCache, reload } from "./cpu";
import { initConditionTable } from "./alu";
import { gicReset, gicSetLevel } from "./gic";

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
