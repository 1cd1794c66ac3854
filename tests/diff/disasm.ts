// Disassembly for reports: binutils' objdump when it is installed, otherwise the hex word alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OBJDUMP = process.env.ARMLAB_OBJDUMP ?? 'aarch64-linux-gnu-objdump';
let haveObjdump: boolean | undefined;

/** Disassembles words placed at address `at` into one string per word ('' without objdump). */
export function disassemble(words: number[], at = 0): string[] {
  const fallback = words.map(() => '');
  if (words.length === 0) return [];
  if (haveObjdump === undefined) haveObjdump = spawnSync(OBJDUMP, ['--version']).status === 0;
  if (!haveObjdump) return fallback;
  const dir = mkdtempSync(join(tmpdir(), 'armlab-dis-'));
  try {
    const path = join(dir, 'words.bin');
    const bytes = new Uint8Array(words.length * 4);
    const dv = new DataView(bytes.buffer);
    words.forEach((w, k) => dv.setUint32(4 * k, w >>> 0, true));
    writeFileSync(path, bytes);
    const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'aarch64', `--adjust-vma=0x${at.toString(16)}`, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) return fallback;
    const out = [...fallback];
    for (const line of r.stdout.split('\n')) {
      // "   1c:\td2800000 \tmov\tx0, #0x0"
      const m = /^\s*([0-9a-f]+):\s+[0-9a-f]{8}\s+(.*)$/.exec(line);
      if (!m) continue;
      const k = (parseInt(m[1], 16) - at) / 4;
      if (Number.isInteger(k) && k < out.length) out[k] = m[2].replace(/\t/g, ' ').replace(/\s+\/\/.*$/, '').trim();
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
