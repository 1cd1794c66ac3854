// `npm run qemu:refresh`: re-records QEMU's results for the fixed fixture programs of every group
// (or of the groups named: `npm run qemu:refresh -- ldst branch`). Run it after changing the
// generator or a .decode table; commit tests/diff/fixtures/ with the change.
import { spawnSync } from 'node:child_process';
import { GROUPS, generateProgram, groupUnavailable, type Group } from './generator';
import { buildImage } from './image';
import { runQemuMany, qemuAvailable, QEMU, QEMU_ARGS } from './qemu';
import { planOf, FIXTURE_FORMAT, writeFixture, packOutcome, fixturePath, type FixtureFile } from './fixtures';
import { stopText } from './outcome';

async function main(): Promise<void> {
  if (!qemuAvailable()) {
    console.error(`${QEMU} is not available: install qemu-user (Debian) to refresh the fixtures`);
    process.exit(2);
  }
  const asked = process.argv.slice(2);
  for (const g of asked) if (!GROUPS.includes(g)) throw new Error(`unknown group ${g}; groups: ${GROUPS.join(', ')}`);
  const groups: Group[] = asked.length ? asked : [...GROUPS];
  const version = spawnSync(QEMU, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  for (const group of groups) {
    const why = groupUnavailable(group);
    if (why) {
      console.log(`${group}: skipped (${why}); refresh again once the table has entries`);
      continue;
    }
    const t0 = performance.now();
    const plan = planOf(group);
    const programs = Array.from({ length: plan.count }, (_, i) => generateProgram(group, plan.seed, i, plan.len));
    const images = programs.map(buildImage);
    const outcomes = await runQemuMany(images.map((img) => img.elf));
    const f: FixtureFile = {
      format: FIXTURE_FORMAT,
      group,
      seed: plan.seed,
      count: plan.count,
      len: plan.len,
      qemu: `${version} ${QEMU_ARGS.join(' ')}`,
      programs: programs.map((p, i) => ({ index: i, hash: images[i].hash, out: packOutcome(outcomes[i], p) })),
    };
    writeFixture(f);
    const early = outcomes.filter((o, i) => stopText(o, images[i].endPc) !== 'ran to the end').length;
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`${group}: ${plan.count} programs x ${plan.len} instructions -> ${fixturePath(group)} (${early} stopped early by a fault, ${secs} s)`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
