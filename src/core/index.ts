// The core's exports: what src/machine calls. Everything else is reached through the state block.
import { initDecodeCache, reload } from "./cpu";
import { initConditionTable } from "./alu";

export { run, reload } from "./cpu";
export { decode } from "./generated/decoder";

/** Prepares a freshly configured state block: call once after the host wrote OFF_CFG_* and registers. */
export function init(): void {
  initConditionTable();
  initDecodeCache();
  reload();
}
