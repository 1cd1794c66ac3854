// The core's exports: what src/machine calls. Everything else is reached through the state block.
export { run, reload, initDecodeCache } from "./cpu";
export { decode } from "./generated/decoder";

/** Prepares a freshly configured state block: call once after the host wrote OFF_CFG_* and registers. */
export function init(): void {
  initDecodeCache();
  reload();
}
import { initDecodeCache, reload } from "./cpu";
