// Differential campaigns against QEMU from the command line.
//
//   npx tsx tests/diff/run.ts --group ldst --seed 7 --count 1000 --len 200
//
// Options:
//   --group G      dp_imm | dp_reg | ldst | branch | system | mixed | simd_ldst | simd_3 | simd_2 |
//                  fp_simple | fp_arith | crypto | fpctl | simd_mixed | undef | any other SIMD&FP decode
//                  group | simd (all the SIMD&FP groups) | all
//                  (default all); or a comma-separated list
//   --seed S       campaign seed (default: random, printed)
//   --from I       first program index (default 0); program I of seed S is always the same program
//   --count N      programs per group (default 20)
//   --len L        instructions under test per program (default 200)
//   --mode M       direct (default: registers set directly, only the stream runs) | full (the ELF
//                  runs from its entry on ArmLab too, prologue included)
//   --jobs J       QEMU processes in flight (default 2)
//   --reports K    full reports printed (and bisected) per group (default 3)
//   --findings F   write a findings file (markdown) summarising every bisected culprit
//   --stats        print what the generator emitted and rejected
import { writeFileSync } from 'node:fs';
import { GROUPS, SIMD_GROUPS, groupUnavailable, type Group } from './generator';
import { runCampaign, type CampaignResult } from './campaign';
import { formatMismatch, culpritOf } from './harness';
import { qemuAvailable, QEMU } from './qemu';
import type { StartMode } from './armlab';

function args(): Map<string, string> {
  const m = new Map<string, string>();
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith('--')) throw new Error(`unexpected argument ${a[i]}`);
    const key = a[i].slice(2);
    if (key === 'stats') m.set(key, '1');
    else m.set(key, a[++i] ?? '');
  }
  return m;
}

function num(m: Map<string, string>, k: string, d: number): number {
  const v = m.get(k);
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} wants a non-negative integer, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const a = args();
  if (!qemuAvailable()) {
    console.error(`${QEMU} is not available: live campaigns need it (apt-get install qemu-user)`);
    process.exit(2);
  }
  const g = a.get('group') ?? 'all';
  const asked: Group[] = g === 'all' ? [...GROUPS] : g.split(',').flatMap((x) => (x === 'simd' ? [...SIMD_GROUPS] : [x]));
  for (const x of asked) if (!GROUPS.includes(x)) throw new Error(`unknown group ${x}; groups: ${GROUPS.join(', ')}, simd, all`);
  const groups = asked.filter((x) => {
    const why = groupUnavailable(x);
    if (why) console.log(`skipping ${x}: ${why}`);
    return !why;
  });
  const seed = a.has('seed') ? num(a, 'seed', 0) : Math.floor(Math.random() * 1e9);
  const from = num(a, 'from', 0);
  const count = num(a, 'count', 20);
  const len = num(a, 'len', 200);
  const mode = (a.get('mode') ?? 'direct') as StartMode;
  const jobs = num(a, 'jobs', 2);
  const reports = num(a, 'reports', 3);
  console.log(`differential campaign: seed ${seed}, ${count} programs x ${len} instructions per group, mode ${mode}`);

  const results: CampaignResult[] = [];
  for (const group of groups) {
    let last = 0;
    const r = await runCampaign({
      group, seed, from, count, len, mode, jobs, bisectLimit: reports,
      onProgress: (done, bad) => {
        const now = Date.now();
        if (process.stderr.isTTY && now - last > 500) {
          last = now;
          process.stderr.write(`\r  ${group}: ${done}/${count} programs, ${bad} mismatches`);
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    results.push(r);
    for (const { index, m } of r.mismatches.slice(0, reports)) {
      if (m) console.log('\n' + formatMismatch(m, { group, seed, index, len }));
    }
    if (r.mismatches.length > reports) {
      console.log(`\n  ... ${r.mismatches.length - reports} more mismatching programs in ${group}: indices ${r.mismatches.slice(reports, reports + 20).map((x) => x.index).join(', ')}${r.mismatches.length > reports + 20 ? ', ...' : ''}`);
    }
    for (const { index, error } of r.errors.slice(0, reports)) {
      console.log(`\nERROR  group ${group}  program ${group}/${seed}/${index}: ${error}\n  reproduce: npx tsx tests/diff/run.ts --group ${group} --seed ${seed} --from ${index} --count 1 --len ${len}`);
    }
    if (a.has('stats')) printStats(r);
  }

  console.log('\n| group | programs | instructions generated | words (with helpers) | words executed | stopped by a fault | mismatching programs | seconds |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.group} | ${r.programs} | ${r.instructions} | ${r.words} | ${r.executed} | ${r.faulted} | ${r.mismatches.length} | ${r.seconds.toFixed(1)} |`);
  }
  const f = a.get('findings');
  if (f) {
    writeFileSync(f, findingsMarkdown(results, seed, len));
    console.log(`\nfindings written to ${f}`);
  }
  const errors = results.reduce((n, r) => n + r.errors.length, 0);
  if (errors) console.log(`\n${errors} programs could not be compared (see ERROR above)`);
  process.exit(results.some((r) => r.mismatches.length || r.errors.length) ? 1 : 0);
}

function printStats(r: CampaignResult): void {
  const top = (m: Map<string, number>, n: number): string =>
    [...m.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k, v]) => `    ${String(v).padStart(7)}  ${k}`).join('\n');
  console.log(`\n  ${r.group}: instructions generated per entry:\n${top(r.stats.generated, 80)}`);
  console.log(`  ${r.group}: candidates rejected, by reason:\n${top(r.stats.rejected, 30)}`);
}

/** FINDINGS.md: mismatches grouped by the culprit's table entry. */
export function findingsMarkdown(results: CampaignResult[], seed: number, len: number): string {
  const lines: string[] = [];
  lines.push('# Differential-test findings');
  lines.push('');
  lines.push(`Written by \`npx tsx tests/diff/run.ts ... --findings tests/diff/FINDINGS.md\` (seed ${seed}, ${len} instructions per program).`);
  lines.push('Each row is an instruction (by ArmLab decode-table entry) whose result differed from QEMU');
  lines.push('(`qemu-aarch64 -cpu cortex-a57`), found by bisecting a mismatching program to its shortest');
  lines.push('failing prefix. Reproduce a row with its command; fix, rebuild (`npm run asc`) and re-run.');
  lines.push('');
  lines.push('| group | mismatching programs | bisected |');
  lines.push('|---|---:|---:|');
  for (const r of results) lines.push(`| ${r.group} | ${r.mismatches.length} of ${r.programs} | ${r.mismatches.filter((x) => x.m?.bisect).length} |`);
  for (const r of results) {
    const rows = new Map<string, { n: number; text: string; what: string; repro: string }>();
    for (const { index, m } of r.mismatches) {
      const c = m && culpritOf(m);
      if (!c) continue;
      const key = c.entry;
      const row = rows.get(key);
      if (row) row.n++;
      else {
        const d = c.first;
        rows.set(key, {
          n: 1,
          text: `\`${c.text}\` (0x${c.word.toString(16).padStart(8, '0')})`,
          what: d ? `${d.what}: expected ${d.expected}, got ${d.got}` : '',
          repro: `\`npx tsx tests/diff/run.ts --group ${r.group} --seed ${seed} --from ${index} --count 1 --len ${len}\``,
        });
      }
    }
    if (rows.size === 0) continue;
    lines.push('');
    lines.push(`## ${r.group}`);
    lines.push('');
    lines.push('| entry | times | example | first difference (QEMU vs ArmLab) | reproduce |');
    lines.push('|---|---:|---|---|---|');
    for (const [entry, row] of rows) lines.push(`| ${entry} | ${row.n} | ${row.text} | ${row.what.replace(/\|/g, '\\|')} | ${row.repro} |`);
  }
  return lines.join('\n') + '\n';
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
