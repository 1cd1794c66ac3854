// "Exception levels, live": where the CPU is (EL0/EL1/EL2 with the current one lit; this CPU has no
// EL3), which stack pointer it uses, PSTATE's masks and flags, and the system registers that decide
// what traps where, decoded field by field with their Arm names. Fields that changed since the
// previous snapshot are highlighted, so stepping through a trap shows what it touched.
import { useRef, type JSX } from 'react';
import type { CpuSnapshot, InspectedSysreg } from '../machine/inspect';
import { decodeSysreg, ecName, esrEc, SYSREG_PURPOSE, type DecodedField } from '../machine/sysreg-fields';
import './ElPanel.css';
import { FieldTable } from './FieldTable';

/** The decoded registers, in groups; EL2's are left out on a CPU without EL2. */
const GROUPS: readonly { title: string; el2: boolean; regs: readonly InspectedSysreg[] }[] = [
  { title: 'Last exception', el2: false, regs: ['ESR_EL1', 'SPSR_EL1', 'ESR_EL2', 'SPSR_EL2'] },
  { title: 'Hypervisor controls (EL2)', el2: true, regs: ['HCR_EL2', 'CPTR_EL2', 'MDCR_EL2', 'CNTHCTL_EL2', 'SCTLR_EL2', 'TCR_EL2', 'VTCR_EL2'] },
  { title: 'Kernel controls (EL1)', el2: false, regs: ['SCTLR_EL1', 'TCR_EL1', 'CPACR_EL1', 'CNTKCTL_EL1'] },
  { title: 'Timers', el2: false, regs: ['CNTP_CTL_EL0', 'CNTV_CTL_EL0', 'CNTHP_CTL_EL2'] },
  { title: 'GIC virtualization (EL2)', el2: true, regs: ['ICH_HCR_EL2', 'ICH_VMCR_EL2', 'ICH_LR0_EL2', 'ICH_LR1_EL2', 'ICH_LR2_EL2', 'ICH_LR3_EL2'] },
];

/** Registers shown as plain addresses next to the decoded ones. */
const ADDRESSES: readonly InspectedSysreg[] = ['ELR_EL1', 'FAR_EL1', 'VBAR_EL1', 'ELR_EL2', 'FAR_EL2', 'HPFAR_EL2', 'VBAR_EL2'];

const isEl2Reg = (name: string): boolean => name.endsWith('_EL2');
const NARROW = new Set<string>(['ICH_HCR_EL2', 'ICH_VMCR_EL2', 'CNTP_CTL_EL0', 'CNTV_CTL_EL0', 'CNTHP_CTL_EL2', 'CPACR_EL1', 'CNTHCTL_EL2', 'CNTKCTL_EL1', 'MDCR_EL2']);

/** A register value in hex: 64-bit ones as two groups of eight digits, 32-bit ones as eight. */
export function hexValue(v: bigint, narrow = false): string {
  const s = v.toString(16).padStart(narrow ? 8 : 16, '0');
  return narrow ? '0x' + s : `0x${s.slice(0, s.length - 8)}_${s.slice(-8)}`;
}

const EL_ROLE = ['applications', 'OS kernel', 'hypervisor', 'secure monitor'];

function ElLadder({ cpu }: { cpu: CpuSnapshot }): JSX.Element {
  const rows = [3, 2, 1, 0];
  return (
    <ol className="el-ladder" aria-label="exception levels">
      {rows.map((el) => {
        const absent = el === 3 || (el === 2 && !cpu.haveEl2);
        const current = el === cpu.el;
        const cls = ['el-level', absent ? 'absent' : '', current ? 'current' : ''].filter(Boolean).join(' ');
        return (
          <li key={el} className={cls} data-el={el} aria-current={current ? 'step' : undefined}>
            <span className="el-name">EL{el}</span>
            <span className="el-role">{absent ? 'not implemented' : EL_ROLE[el]}</span>
            {current && <span className="el-here">{`here, on SP_EL${cpu.spsel ? el : 0}`}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function Flag({ name, on, title }: { name: string; on: boolean; title: string }): JSX.Element {
  return (
    <span className={on ? 'flag on' : 'flag'} title={title}>
      {name}
    </span>
  );
}

function Pstate({ cpu }: { cpu: CpuSnapshot }): JSX.Element {
  const daif = cpu.daif;
  const nzcv = cpu.nzcv;
  const sp = cpu.spsel && cpu.el > 0 ? `SP_EL${cpu.el}` : 'SP_EL0';
  return (
    <dl className="pstate">
      <dt>PC</dt>
      <dd>
        <code>{hexValue(cpu.pc)}</code>
      </dd>
      <dt title="PSTATE.SP: which stack pointer SP means">SP</dt>
      <dd>
        {sp} (SPSel = {cpu.spsel}) <code>{hexValue(cpu.sp[cpu.spsel && cpu.el > 0 ? cpu.el : 0] ?? 0n)}</code>
      </dd>
      <dt title="PSTATE.{D,A,I,F}: lit = masked">DAIF</dt>
      <dd className="flags">
        <Flag name="D" on={(daif & 0x200) !== 0} title="debug exceptions masked" />
        <Flag name="A" on={(daif & 0x100) !== 0} title="SError masked" />
        <Flag name="I" on={(daif & 0x80) !== 0} title="IRQ masked" />
        <Flag name="F" on={(daif & 0x40) !== 0} title="FIQ masked" />
        <span className="flag-note">{daifWords(daif)}</span>
      </dd>
      <dt title="PSTATE.{N,Z,C,V}: the condition flags">NZCV</dt>
      <dd className="flags">
        <Flag name="N" on={(nzcv & 0x80000000) !== 0} title="negative" />
        <Flag name="Z" on={(nzcv & 0x40000000) !== 0} title="zero" />
        <Flag name="C" on={(nzcv & 0x20000000) !== 0} title="carry" />
        <Flag name="V" on={(nzcv & 0x10000000) !== 0} title="overflow" />
      </dd>
    </dl>
  );
}

function daifWords(daif: number): string {
  const masked = [(daif & 0x200) && 'debug', (daif & 0x100) && 'SError', (daif & 0x80) && 'IRQ', (daif & 0x40) && 'FIQ'].filter((s): s is string => typeof s === 'string');
  return masked.length === 0 ? 'all unmasked' : `masked: ${masked.join(', ')}`;
}

/** The one-line summary beside a register's value: what is set, in Arm names. */
function summaryOf(name: InspectedSysreg, value: bigint, fields: DecodedField[]): string {
  if (name === 'ESR_EL1' || name === 'ESR_EL2') return value === 0n ? 'no exception yet' : ecName(esrEc(value));
  if (name.startsWith('ICH_LR')) {
    const state = Number(value >> 62n);
    return state === 0 ? 'empty' : `vINTID ${value & 0xffffffffn}, ${['', 'pending', 'active', 'pending+active'][state]}`;
  }
  if (name.startsWith('SPSR_')) return fields[0]?.meaning ?? '';
  const set = fields.filter((f) => f.hi === f.lo && f.value !== 0n).map((f) => f.name);
  return set.length === 0 ? 'no control bits set' : `set: ${set.join(' ')}`;
}

/** A register's decoded fields, each marked if it differs from the previous snapshot's value. */
export function registerRows(name: string, value: bigint, prev: bigint | undefined): { field: DecodedField; changed: boolean }[] {
  const before = prev === undefined || prev === value ? null : decodeSysreg(name, prev);
  return decodeSysreg(name, value).map((field) => ({
    field,
    changed: before !== null && before.find((b) => b.name === field.name)?.value !== field.value,
  }));
}

function Register({ name, value, prev }: { name: InspectedSysreg; value: bigint; prev: bigint | undefined }): JSX.Element {
  const rows = registerRows(name, value, prev);
  const fields = rows.map((r) => r.field);
  const changedNames = new Set(rows.filter((r) => r.changed).map((r) => r.field.name));
  const changed = prev !== undefined && prev !== value;
  return (
    <details className={changed ? 'reg changed' : 'reg'} data-reg={name}>
      <summary>
        <span className="reg-name">{name}</span>
        <code className="reg-value">{hexValue(value, NARROW.has(name))}</code>
        <span className="reg-summary">{summaryOf(name, value, fields)}</span>
      </summary>
      <p className="reg-purpose">{SYSREG_PURPOSE[name]}</p>
      <FieldTable fields={fields} rowClass={(f) => (changedNames.has(f.name) ? 'changed' : f.value !== 0n ? 'set' : undefined)} />
    </details>
  );
}

/** The exception-level view of one CPU; `cpu` is null before a machine runs. */
export function ElPanel(props: { cpu: CpuSnapshot | null }): JSX.Element {
  const { cpu } = props;
  // The snapshot before the current one, kept across renders that do not bring a new snapshot
  // (opening a register must not clear the highlights).
  const history = useRef<{ cur: CpuSnapshot | null; prev: CpuSnapshot | null }>({ cur: null, prev: null });
  if (history.current.cur !== cpu) history.current = { cur: cpu, prev: history.current.cur };
  const prev = history.current.prev;

  if (!cpu) {
    return (
      <section className="el-panel empty" data-testid="el-panel">
        <p>No CPU to show yet: boot a machine, then pause it or let it run.</p>
      </section>
    );
  }
  return (
    <section className="el-panel" data-testid="el-panel" data-el={cpu.el}>
      <div className="el-top">
        <ElLadder cpu={cpu} />
        <Pstate cpu={cpu} />
      </div>
      {GROUPS.filter((g) => cpu.haveEl2 || !g.el2).map((g) => (
        <div className="reg-group" key={g.title}>
          <h3>{g.title}</h3>
          {g.regs
            .filter((r) => cpu.haveEl2 || !isEl2Reg(r))
            .map((r) => (
              <Register key={r} name={r} value={cpu.sysregs[r] ?? 0n} prev={prev?.sysregs[r]} />
            ))}
        </div>
      ))}
      <div className="reg-group">
        <h3>Addresses</h3>
        <table className="addresses">
          <tbody>
            {ADDRESSES.filter((r) => cpu.haveEl2 || !isEl2Reg(r)).map((r) => {
              const v = cpu.sysregs[r] ?? 0n;
              const changed = prev !== null && prev.sysregs[r] !== v;
              return (
                <tr key={r} className={changed ? 'changed' : undefined}>
                  <th scope="row">{r}</th>
                  <td>
                    <code>{hexValue(v)}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
