// Builds the A64 decoder from the declarative tables in src/core/decode/*.decode.
//
// Table syntax (one encoding per line, first match wins, files read in name order):
//
//   NAME   <bit groups and fields, MSB first, 32 bits in all>   [!unimpl]
//
//   0 1        fixed bits
//   -          a bit the encoding ignores (matches 0 or 1)
//   rd:5       an unsigned field named rd, 5 bits wide
//   imm19:19s  a signed field (sign-extended to i64 by its accessor)
//
// A line `%fp` makes every encoding of its file an SIMD&FP instruction: before its handler runs, the
// dispatcher checks CPACR_EL1.FPEN/CPTR_EL2.TFP (state.ts fpTrapEl) and takes the trap (EC 0x07).
//
// A name starting with UNALLOC marks an unallocated hole (UNDEFINED); `!unimpl` marks an
// encoding we deliberately do not implement yet (UNDEFINED plus a counted "unimplemented" event).
// Every other NAME must be exported as `function NAME(i: u32): void` by src/core/exec/<file>.ts,
// where <file> is the .decode file's name without its numeric prefix.
//
// Within one .decode file a field name means one bit position, so each name gets one accessor in
// generated/fields_<group>.ts, which the group's handlers import.
//
// Outputs (never edit by hand; `npm run gen` rewrites them):
//   src/core/generated/decoder.ts  AssemblyScript: decode(word) -> op, execute(op, word)
//   src/core/generated/fields_<group>.ts  AssemblyScript: one @inline accessor per field name
//   src/core/generated/table.ts    TypeScript: the same table as data, for tools and tests
//   src/core/generated/disasm-table.ts  TypeScript: the same first-match decoder and per-op field
//                                  extractors, for the disassembler (src/disasm)
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Field {
  name: string;
  lsb: number;
  width: number;
  signed: boolean;
}
interface Pattern {
  name: string;
  group: string;
  mask: number;
  value: number;
  fields: Field[];
  unimpl: boolean;
  unalloc: boolean;
  op: number;
  where: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const decodeDir = join(root, 'src/core/decode');
const outDir = join(root, 'src/core/generated');

/** Groups whose .decode file says `%fp`: their instructions are SIMD&FP and check the FP traps first. */
const fpGroups = new Set<string>();

export function parseTables(dir: string): Pattern[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.decode'))
    .sort();
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const group = file.replace(/\.decode$/, '').replace(/^\d+-/, '');
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((raw, lineNo) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const where = `${file}:${lineNo + 1}`;
      if (line === '%fp') {
        fpGroups.add(group);
        return;
      }
      const tokens = line.split(/\s+/);
      const name = tokens.shift()!;
      let unimpl = false;
      let bit = 32;
      let mask = 0;
      let value = 0;
      const fields: Field[] = [];
      for (const tok of tokens) {
        if (tok === '!unimpl') {
          unimpl = true;
          continue;
        }
        const fm = /^([a-zA-Z_][a-zA-Z0-9_]*):(\d+)(s?)$/.exec(tok);
        if (fm) {
          const width = Number(fm[2]);
          bit -= width;
          fields.push({ name: fm[1], lsb: bit, width, signed: fm[3] === 's' });
          continue;
        }
        if (!/^[01-]+$/.test(tok)) throw new Error(`${where}: bad token '${tok}'`);
        for (const c of tok) {
          bit--;
          if (c !== '-') {
            mask |= 1 << bit;
            if (c === '1') value |= 1 << bit;
          }
        }
      }
      if (bit !== 0) throw new Error(`${where}: ${name} has ${32 - bit} bits, not 32`);
      const unalloc = name.startsWith('UNALLOC');
      if (!unalloc && seen.has(name)) throw new Error(`${where}: duplicate name ${name}`);
      seen.add(name);
      patterns.push({ name, group, mask: mask >>> 0, value: value >>> 0, fields, unimpl, unalloc, op: 0, where });
    });
  }
  return patterns;
}

type Node =
  | { kind: 'leaf'; pat: Pattern | null }
  | { kind: 'switch'; lo: number; width: number; cases: Node[] }
  | { kind: 'bit'; bit: number; zero: Node; one: Node };

// The longest run of adjacent set bits in m (at most 8 wide), highest run on ties.
function longestRun(m: number): { lo: number; width: number } {
  let best = { lo: 0, width: 0 };
  for (let b = 31; b >= 0; b--) {
    if (!((m >>> b) & 1)) continue;
    let w = 0;
    while (b - w >= 0 && (m >>> (b - w)) & 1 && w < 8) w++;
    if (w > best.width) best = { lo: b - w + 1, width: w };
  }
  return best;
}

function build(pats: Pattern[], tested: number): Node {
  if (pats.length === 0) return { kind: 'leaf', pat: null };
  const rem0 = pats[0].mask & ~tested;
  if (rem0 === 0) return { kind: 'leaf', pat: pats[0] };
  let common = 0xffffffff;
  for (const p of pats) common &= p.mask & ~tested;
  if (common !== 0) {
    const { lo, width } = longestRun(common >>> 0);
    const m = (1 << width) - 1;
    const bits = (m << lo) >>> 0;
    const cases: Node[] = [];
    for (let v = 0; v < 1 << width; v++) {
      cases.push(build(pats.filter((p) => ((p.value >>> lo) & m) === v), (tested | bits) >>> 0));
    }
    return { kind: 'switch', lo, width, cases };
  }
  // No bit is fixed in every pattern: test the bit of the first pattern that most others fix too.
  let bestBit = -1;
  let bestCount = -1;
  for (let b = 31; b >= 0; b--) {
    if (!((rem0 >>> b) & 1)) continue;
    const count = pats.filter((p) => ((p.mask & ~tested) >>> b) & 1).length;
    if (count > bestCount) {
      bestCount = count;
      bestBit = b;
    }
  }
  const b = bestBit;
  const fixed = (p: Pattern): boolean => ((p.mask >>> b) & 1) === 1;
  const zero = pats.filter((p) => !fixed(p) || ((p.value >>> b) & 1) === 0);
  const one = pats.filter((p) => !fixed(p) || ((p.value >>> b) & 1) === 1);
  const t = (tested | (1 << b)) >>> 0;
  return { kind: 'bit', bit: b, zero: build(zero, t), one: build(one, t) };
}

function emit(node: Node, ind: string): string {
  if (node.kind === 'leaf') return `${ind}return ${node.pat ? node.pat.op : 0}; // ${node.pat ? node.pat.name : 'unallocated'}\n`;
  if (node.kind === 'bit') {
    return (
      `${ind}if ((i >>> ${node.bit}) & 1) {\n${emit(node.one, ind + '  ')}${ind}} else {\n` +
      `${emit(node.zero, ind + '  ')}${ind}}\n`
    );
  }
  // Cases with identical subtrees share one body.
  const bodies = new Map<string, number[]>();
  node.cases.forEach((c, v) => {
    const body = emit(c, ind + '    ');
    const list = bodies.get(body);
    if (list) list.push(v);
    else bodies.set(body, [v]);
  });
  let out = `${ind}switch ((i >>> ${node.lo}) & ${(1 << node.width) - 1}) {\n`;
  const entries = [...bodies.entries()];
  entries.forEach(([body, vals], k) => {
    const labels = k === entries.length - 1 ? `${ind}  default:` : vals.map((v) => `${ind}  case ${v}:`).join('\n');
    out += `${labels} {\n${body}${ind}  }\n`;
  });
  return out + `${ind}}\n`;
}

function main(): void {
  const pats = parseTables(decodeDir);
  // Op 0 is "unallocated"; every distinct implemented name gets the next number.
  let next = 1;
  const ops = new Map<string, number>();
  for (const p of pats) {
    if (p.unalloc) continue;
    if (!ops.has(p.name)) ops.set(p.name, next++);
    p.op = ops.get(p.name)!;
  }
  // Within a group (one .decode file), a field name means one bit position, so each name gets one
  // accessor in that group's fields file.
  const groupFields = new Map<string, Map<string, Field>>();
  for (const p of pats) {
    if (!groupFields.has(p.group)) groupFields.set(p.group, new Map());
    const defs = groupFields.get(p.group)!;
    for (const f of p.fields) {
      const d = defs.get(f.name);
      if (!d) defs.set(f.name, f);
      else if (d.lsb !== f.lsb || d.width !== f.width || d.signed !== f.signed)
        throw new Error(`${p.where}: field ${f.name} is bits ${f.lsb}+${f.width} here but ${d.lsb}+${d.width} elsewhere in ${p.group}`);
    }
  }
  // A group whose handler file does not exist yet (work in progress) builds as unimplemented, loudly.
  for (const g of new Set(pats.map((p) => p.group))) {
    if (existsSync(join(root, 'src/core/exec', `${g}.ts`))) continue;
    if (pats.every((p) => p.group !== g || p.unalloc || p.unimpl)) continue;
    console.warn(`gen-decoder: WARNING: src/core/exec/${g}.ts is missing; its encodings build as unimplemented`);
    for (const p of pats) if (p.group === g && !p.unalloc) p.unimpl = true;
  }
  const tree = build(pats, 0);
  mkdirSync(outDir, { recursive: true });
  const header = '// GENERATED by scripts/gen-decoder.ts from src/core/decode/*.decode. Do not edit.\n';

  // fields_<group>.ts
  let fieldCount = 0;
  for (const [group, defs] of groupFields) {
    let fields = header;
    for (const f of [...defs.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      fieldCount++;
      const m = `0x${(2 ** f.width - 1).toString(16)}`;
      if (f.signed) {
        fields += `/** bits ${f.lsb + f.width - 1}:${f.lsb}, sign-extended */\n@inline export function ${f.name}(i: u32): i64 { return <i64>(<i32>(i << ${32 - f.lsb - f.width}) >> ${32 - f.width}); }\n`;
      } else {
        fields += `/** bits ${f.lsb + f.width - 1}:${f.lsb} */\n@inline export function ${f.name}(i: u32): u32 { return (i >>> ${f.lsb}) & ${m}; }\n`;
      }
    }
    writeFileSync(join(outDir, `fields_${group}.ts`), fields);
  }

  // decoder.ts
  const byGroup = new Map<string, Set<string>>();
  for (const p of pats) {
    if (p.unalloc || p.unimpl) continue;
    if (!byGroup.has(p.group)) byGroup.set(p.group, new Set());
    byGroup.get(p.group)!.add(p.name);
  }
  let dec = header;
  dec += `import { undefinedInstruction, unimplementedInstruction, fpAccessTrap } from "../exceptions";\n`;
  dec += `import { fpTrapEl } from "../state";\n`;
  for (const [g, names] of byGroup) dec += `import { ${[...names].join(', ')} } from "../exec/${g}";\n`;
  dec += `\nexport const OP_COUNT: u32 = ${next};\n\n`;
  dec += `/** The op number of instruction word i (0 = unallocated). Pure: depends on i only. */\nexport function decode(i: u32): u32 {\n${emit(tree, '  ')}}\n\n`;
  // The integer ops are dispatched from a switch inlined into the run loop. SIMD&FP ops (groups
  // marked %fp) go through one out-of-line executeFp, which checks the FP trap once for all of them:
  // keeping their large handlers out of the loop keeps the loop's code small and fast.
  const isFp = (p: Pattern): boolean => fpGroups.has(p.group);
  const caseLine = (p: Pattern): string =>
    p.unimpl ? `    case ${p.op}: unimplementedInstruction(i); return; // ${p.name}\n` : `    case ${p.op}: ${p.name}(i); return;\n`;
  const seen = new Set<number>();
  const main: Pattern[] = [];
  const fp: Pattern[] = [];
  for (const p of pats) {
    if (p.unalloc || seen.has(p.op)) continue;
    seen.add(p.op);
    (isFp(p) ? fp : main).push(p);
  }
  dec += `/** Runs the handler of op for instruction word i (inlined into the run loop). */\n@inline export function execute(op: u32, i: u32): void {\n  switch (op) {\n`;
  for (const p of main) dec += caseLine(p);
  if (fp.length) dec += fp.map((p) => `    case ${p.op}:`).join('\n') + ' executeFp(op, i); return;\n';
  dec += `    default: undefinedInstruction(); return;\n  }\n}\n\n`;
  dec += `/** SIMD&FP instructions: the CPACR_EL1.FPEN / CPTR_EL2.TFP trap first, then the handler. */\nfunction executeFp(op: u32, i: u32): void {\n  if (fpTrapEl != 0) { fpAccessTrap(); return; }\n  switch (op) {\n`;
  for (const p of fp) dec += caseLine(p);
  dec += `    default: undefinedInstruction(); return;\n  }\n}\n`;
  writeFileSync(join(outDir, 'decoder.ts'), dec);

  // table.ts (TypeScript side)
  const rows = pats.map((p) => ({
    name: p.name,
    group: p.group,
    op: p.op,
    mask: p.mask,
    value: p.value,
    fields: p.fields,
    unimpl: p.unimpl,
    unalloc: p.unalloc,
  }));
  let tbl = header;
  tbl += `export interface DecodeField { readonly name: string; readonly lsb: number; readonly width: number; readonly signed: boolean }\n`;
  tbl += `export interface DecodeEntry { readonly name: string; readonly group: string; readonly op: number; readonly mask: number; readonly value: number; readonly fields: readonly DecodeField[]; readonly unimpl: boolean; readonly unalloc: boolean }\n`;
  tbl += `export const OP_COUNT = ${next};\n`;
  tbl += `export const A64_TABLE: readonly DecodeEntry[] = ${JSON.stringify(rows, null, 0).replace(/\},\{"name"/g, '},\n  {"name"')};\n`;
  writeFileSync(join(outDir, 'table.ts'), tbl);
  genDisasmTable(pats);
  console.log(`gen-decoder: ${pats.length} encodings, ${next - 1} ops, ${fieldCount} fields`);
}

// ---- The disassembler's decoder: generated/disasm-table.ts (TypeScript) ----
// The same table in the same first-match order as decode() (so the disassembler and the CPU agree on
// which encoding a word is; tests/unit/disasm.test.ts checks it against the core's decode), then one
// field extractor per op, typed by the op's own fields so a formatter that names a field its
// encoding lacks fails the type check. The decision tree decode() uses would be 300 KB of source in
// the UI's bundle; instead the patterns are a flat list, prefiltered by bits 28:23 (64 buckets, each
// listing in order the patterns that can match there), which disassembles 1,000 words in about a ms.
const DISASM_BUCKET_LSB = 23;
const DISASM_BUCKET_BITS = 6;
function genDisasmTable(pats: Pattern[]): void {
  const byOp: Pattern[] = [];
  for (const p of pats) if (!p.unalloc && !byOp[p.op]) byOp[p.op] = p;
  const header = '// GENERATED by scripts/gen-decoder.ts from src/core/decode/*.decode. Do not edit.\n';
  const ops = byOp.slice(1);
  const extract = (f: Field): string => {
    if (f.signed) return `(i << ${32 - f.lsb - f.width}) >> ${32 - f.width}`;
    return `(i >>> ${f.lsb}) & 0x${(2 ** f.width - 1).toString(16)}`;
  };
  let ts = header;
  ts += `/** The fields of each op's encoding (signed fields are sign-extended). */\nexport interface OpFields {\n`;
  for (const p of ops) ts += `  ${p.name}: { ${p.fields.map((f) => `readonly ${f.name}: number; `).join('')}};\n`;
  ts += `}\nexport type OpName = keyof OpFields;\n\n`;
  ts += `/** Op number -> name ('' for op 0, unallocated). */\nexport const DISASM_OPS: readonly (OpName | '')[] = ['', ${ops.map((p) => `'${p.name}'`).join(', ')}];\n`;
  ts += `/** Op name -> the decode group (the .decode file without its number). */\nexport const DISASM_GROUP: { readonly [K in OpName]: string } = { ${ops.map((p) => `${p.name}: '${p.group}'`).join(', ')} };\n`;
  ts += `/** Ops the core does not implement (they raise UNDEFINED when executed). */\nexport const DISASM_UNIMPL: ReadonlySet<string> = new Set([${ops.filter((p) => p.unimpl).map((p) => `'${p.name}'`).join(', ')}]);\n\n`;
  const flat: number[] = [];
  for (const p of pats) flat.push(p.mask, p.value, p.unalloc ? 0 : p.op);
  const bm = (1 << DISASM_BUCKET_BITS) - 1;
  const buckets: number[][] = [];
  for (let b = 0; b <= bm; b++) {
    const bits = (b << DISASM_BUCKET_LSB) >>> 0;
    const inKey = (bm << DISASM_BUCKET_LSB) >>> 0;
    const list: number[] = [];
    pats.forEach((p, k) => {
      if ((((p.mask & inKey) >>> 0) & ((p.value ^ bits) >>> 0)) === 0) list.push(k);
    });
    buckets.push(list);
  }
  ts += `/** The patterns in first-match order: mask, value, op (0 for an unallocated hole). */\n`;
  ts += `const PATTERNS = new Uint32Array([${flat.join(',')}]);\n`;
  ts += `/** For each value of bits ${DISASM_BUCKET_LSB + DISASM_BUCKET_BITS - 1}:${DISASM_BUCKET_LSB}, the patterns (indices, in order) that can match. */\n`;
  ts += `const BUCKETS: readonly Uint16Array[] = [\n${buckets.map((l) => `  new Uint16Array([${l.join(',')}]),`).join('\n')}\n];\n\n`;
  ts += `/** The op number of instruction word i (0 = unallocated): the first pattern that matches. */\n`;
  ts += `export function disasmDecode(i: number): number {\n`;
  ts += `  const w = i >>> 0;\n  const list = BUCKETS[(w >>> ${DISASM_BUCKET_LSB}) & ${bm}];\n`;
  ts += `  for (let k = 0; k < list.length; k++) {\n    const j = 3 * list[k];\n`;
  ts += `    if (((w & PATTERNS[j]) >>> 0) === PATTERNS[j + 1]) return PATTERNS[j + 2];\n  }\n  return 0;\n}\n\n`;
  ts += `/** Per-op field extractors. */\nexport const DISASM_FIELDS: { readonly [K in OpName]: (i: number) => OpFields[K] } = {\n`;
  for (const p of ops) ts += `  ${p.name}: (${p.fields.length ? 'i' : '_i'}: number) => ({ ${p.fields.map((f) => `${f.name}: ${extract(f)}`).join(', ')} }),\n`;
  ts += `};\n`;
  writeFileSync(join(outDir, 'disasm-table.ts'), ts);
}

main();

// ---- System registers: src/core/decode/sysregs.table -> generated/sysregs.ts (+ table data) ----
interface Sysreg {
  name: string;
  key: number;
  minEl: number;
  access: 'rw' | 'ro' | 'wo';
  storage: string;
  /** Hypervisor trap classes (sysregs.table's optional 10th column), e.g. ['tvm']. */
  traps: string[];
}

/** The trap classes of sysregs.table's 10th column and their TRAP_* masks in src/core/sysreg.ts. */
const TRAP_CLASSES = ['tvm', 'tid1', 'tid2', 'tid3', 'tacr', 'tcpac', 'tda', 'tdosa'];

export function parseSysregs(file: string): Sysreg[] {
  const out: Sysreg[] = [];
  const keys = new Map<number, string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, n) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const t = line.split(/\s+/);
      if (t.length !== 9 && t.length !== 10) throw new Error(`sysregs.table:${n + 1}: expected 9 or 10 columns`);
      const [name, op0, op1, crn, crm, op2, el, access, storage, trapCol] = t;
      const traps = trapCol === undefined ? [] : trapCol.replace(/^trap:/, '').split(',');
      if (trapCol !== undefined && (!trapCol.startsWith('trap:') || traps.some((x) => !TRAP_CLASSES.includes(x)))) {
        throw new Error(`sysregs.table:${n + 1}: bad trap column ${trapCol}`);
      }
      const key = (Number(op0) << 14) | (Number(op1) << 11) | (Number(crn) << 7) | (Number(crm) << 3) | Number(op2);
      if (keys.has(key)) throw new Error(`sysregs.table:${n + 1}: ${name} has the encoding of ${keys.get(key)}`);
      keys.set(key, name);
      if (!/^el[012]$/.test(el) || !/^(rw|ro|wo)$/.test(access)) throw new Error(`sysregs.table:${n + 1}: bad access`);
      if (!/^(special|gic|timer|const:(0x[0-9a-fA-F]+|\d+)|(tlb10:|tlb2:)?SR_[A-Z0-9_]+(\+\d+)?)$/.test(storage)) throw new Error(`sysregs.table:${n + 1}: bad storage ${storage}`);
      out.push({ name, key, minEl: Number(el[2]), access: access as Sysreg['access'], storage, traps });
    });
  return out;
}

function genSysregs(): void {
  const regs = parseSysregs(join(decodeDir, 'sysregs.table'));
  const header = '// GENERATED by scripts/gen-decoder.ts from src/core/decode/sysregs.table. Do not edit.\n';
  const slots = new Set<string>();
  for (const r of regs) if (/^(tlb10:|tlb2:)?SR_/.test(r.storage)) slots.add(r.storage.replace(/^tlb(10|2):/, '').replace(/\+\d+$/, ''));
  let rd = '';
  let wr = '';
  for (const r of regs) {
    const c = `  // ${r.name}\n`;
    if (r.access !== 'wo') {
      let body: string;
      if (r.storage === 'special') body = `readSpecial(${r.minEl}, key)`;
      else if (r.storage === 'gic' || r.storage === 'timer') body = `${r.storage}ReadSysreg(${r.minEl}, key)`;
      else if (r.storage.startsWith('const:')) body = `readConst(${r.minEl}, ${r.storage.slice(6)})`;
      else body = `readSlot(${r.minEl}, ${r.storage.replace(/^tlb(10|2):/, '')})`;
      const trap = r.traps.length ? `hypTrap(${r.traps.map((x) => `TRAP_${x.toUpperCase()}`).join(' | ')}, key, true) ? 0 : ` : '';
      rd += `${c}  case 0x${r.key.toString(16)}: return ${trap}${body};\n`;
    }
    if (r.access !== 'ro') {
      let body: string;
      if (r.storage === 'special') body = `writeSpecial(${r.minEl}, key, v)`;
      else if (r.storage === 'gic' || r.storage === 'timer') body = `${r.storage}WriteSysreg(${r.minEl}, key, v)`;
      else if (r.storage.startsWith('const:')) body = `writeIgnored(${r.minEl})`;
      else if (r.storage.startsWith('tlb')) {
        // Registers that control translation: the write also flushes the TLBs of that regime.
        const [kind, slot] = r.storage.split(':');
        body = `writeSlotFlush${kind === 'tlb10' ? '10' : '2'}(${r.minEl}, ${slot}, v)`;
      } else body = `writeSlot(${r.minEl}, ${r.storage}, v)`;
      const trap = r.traps.length ? `if (!hypTrap(${r.traps.map((x) => `TRAP_${x.toUpperCase()}`).join(' | ')}, key, false)) ` : '';
      wr += `${c}  case 0x${r.key.toString(16)}: ${trap}${body}; return;\n`;
    }
  }
  let as = header;
  as += `import { ${[...slots].sort().join(', ')} } from "../layout";\n`;
  as += `import { readSlot, readConst, readSpecial, writeSlot, writeSlotFlush10, writeSlotFlush2, writeIgnored, writeSpecial, readUnlisted, writeUnlisted, hypTrap } from "../sysreg";\n`;
  as += `import { ${TRAP_CLASSES.map((x) => `TRAP_${x.toUpperCase()}`).join(', ')} } from "../sysreg";\n`;
  as += `import { gicReadSysreg, gicWriteSysreg } from "../gic";\n`;
  as += `import { timerReadSysreg, timerWriteSysreg } from "../timer";\n\n`;
  as += `/** MRS: the value of the register with encoding key (op0:op1:CRn:CRm:op2), after access checks. */\nexport function readSysreg(key: u32): u64 {\n  switch (key) {\n${rd}  default: return readUnlisted(key);\n  }\n}\n\n`;
  as += `/** MSR (register): writes v to the register with encoding key, after access checks. */\nexport function writeSysreg(key: u32, v: u64): void {\n  switch (key) {\n${wr}  default: writeUnlisted(key); return;\n  }\n}\n`;
  writeFileSync(join(outDir, 'sysregs.ts'), as);
  const rows = regs.map((r) => ({ name: r.name, key: r.key, minEl: r.minEl, access: r.access }));
  let ts = header;
  ts += `export interface SysregInfo { readonly name: string; readonly key: number; readonly minEl: number; readonly access: 'rw' | 'ro' | 'wo' }\n`;
  ts += `/** Every listed system register; key = op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2. */\n`;
  ts += `export const SYSREGS: readonly SysregInfo[] = ${JSON.stringify(rows).replace(/\},\{/g, '},\n  {')};\n`;
  writeFileSync(join(outDir, 'sysregs-table.ts'), ts);
  console.log(`gen-decoder: ${regs.length} system registers`);
}

genSysregs();
