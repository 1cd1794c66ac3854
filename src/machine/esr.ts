// ESR_ELx.EC in words for log lines. The names live with the rest of the register decoding
// (sysreg-fields.ts: EC_INFO), so the log, the CLI and the UI say the same thing.
import { ecName } from './sysreg-fields';

/** "EC 0x15 (SVC from AArch64), ISS 0x0" for an ESR_ELx value. */
export function describeEsr(esr: bigint): string {
  const ec = Number((esr >> 26n) & 0x3fn);
  return `EC 0x${ec.toString(16).padStart(2, '0')} (${ecName(ec)}), ISS 0x${(esr & 0x1ffffffn).toString(16)}`;
}
