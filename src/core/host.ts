// Functions the host (src/machine) provides to the core. 64-bit values cross as two i32 halves
// because a BigInt crossing costs several times more; the high half of a read comes back through
// the state block (OFF_MMIO_HI), and OFF_MMIO_STATUS says whether a device answered at all.

/** Reads `size` bytes at physical address pa_hi:pa_lo from a device; returns the low 32 bits. */
@external("env", "mmio_read")
export declare function mmioRead(paLo: u32, paHi: u32, size: u32): u32;

/** Writes `size` bytes (value hi:lo) at physical address pa_hi:pa_lo to a device. */
@external("env", "mmio_write")
export declare function mmioWrite(paLo: u32, paHi: u32, size: u32, lo: u32, hi: u32): void;

/** A PSCI/SMCCC call through the machine's conduit: the host reads X0..X3 and writes X0..X3. */
@external("env", "psci_call")
export declare function psciCall(): void;
