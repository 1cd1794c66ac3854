// The trap trail: every exception entry and ERET as a row (clock, from EL -> to EL, kind, the cause in
// words), the syndrome registers decoded on demand, filters by level and kind, counters per cause and
// a pause-on-match rule. Only the newest MAX_ROWS matching rows are rendered, and rows are memoised,
// so a Linux boot's tens of thousands of events cost the page no more than a few thousand rows.
import { memo, useMemo, useRef, useState, type JSX } from 'react';
import type { TrailBreak, TrailEvent, TrailKind } from '../machine/trail';
import { describeTrailEvent, faultIpa, trailCause } from '../machine/describe';
import { describeEsrFields, ecName, esrEc } from '../machine/sysreg-fields';
import './TrailPanel.css';
import { FieldTable } from './FieldTable';

/** Rows rendered at most (the newest that match the filters). */
export const MAX_ROWS = 2000;

const KIND_LABEL: Record<TrailKind, string> = { sync: 'sync', irq: 'IRQ', fiq: 'FIQ', serror: 'SError', eret: 'ERET' };
const KIND_TITLE: Record<TrailKind, string> = {
  sync: 'synchronous exception (caused by an instruction)',
  irq: 'interrupt request',
  fiq: 'fast interrupt request',
  serror: 'system error (asynchronous abort)',
  eret: 'exception return',
};
const KINDS: readonly TrailKind[] = ['sync', 'irq', 'fiq', 'serror', 'eret'];
const ELS = [0, 1, 2] as const;
const ENTRIES: readonly TrailKind[] = ['sync', 'irq', 'fiq', 'serror'];

/** The pause-on-match choices offered (a custom rule is built from checkboxes). */
export const PAUSE_PRESETS: readonly { id: string; label: string; rule: TrailBreak | null }[] = [
  { id: 'off', label: 'never', rule: null },
  { id: 'el2', label: 'when EL2 is entered', rule: { kinds: ENTRIES, els: [2] } },
  { id: 'sync2', label: 'on a synchronous exception to EL2 (HVC, trap, stage 2 abort)', rule: { kinds: ['sync'], els: [2] } },
  { id: 'el1', label: 'when EL1 is entered', rule: { kinds: ENTRIES, els: [1] } },
  { id: 'sync1', label: 'on a synchronous exception to EL1 (SVC, abort, UNDEFINED)', rule: { kinds: ['sync'], els: [1] } },
  { id: 'irq', label: 'on an interrupt (any EL)', rule: { kinds: ['irq', 'fiq'], els: [0, 1, 2] } },
  { id: 'eret0', label: 'on a return to EL0', rule: { kinds: ['eret'], els: [0] } },
  { id: 'eret', label: 'on any ERET', rule: { kinds: ['eret'], els: [0, 1, 2] } },
];

const sameSet = <T,>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** The preset a rule is, or 'custom'. */
export function presetOf(rule: TrailBreak | null): string {
  const hit = PAUSE_PRESETS.find((p) => (p.rule === null ? rule === null : rule !== null && sameSet(p.rule.kinds, rule.kinds) && sameSet(p.rule.els, rule.els)));
  return hit ? hit.id : 'custom';
}

/** A pause rule in words: "stop after sync or IRQ into EL2". */
export function pauseRuleText(rule: TrailBreak | null): string {
  if (!rule) return 'never stops on the trail';
  const kinds = rule.kinds.map((k) => KIND_LABEL[k]).join(' or ');
  return `stops right after ${kinds} ${rule.kinds.length === 1 && rule.kinds[0] === 'eret' ? 'returning to' : 'into'} ${rule.els.map((e) => `EL${e}`).join('/')}`;
}

const hex = (v: bigint): string => '0x' + v.toString(16);
const count = (n: number | bigint): string => n.toLocaleString('en-US');

/**
 * Counts events by cause, incrementally: each event is classified once, when the panel first sees
 * it. The total comes from the sequence numbers (every event since reset has one), so it is exact
 * even when the page dropped events before this panel saw them (hidden tab, ring overflow).
 */
interface Counters {
  lastSeq: number;
  /** Events since reset: the newest event's seq + 1. */
  total: number;
  /** Events classified into byCause. */
  classified: number;
  byCause: Map<string, number>;
}

function useCounters(events: TrailEvent[]): Counters {
  const ref = useRef<Counters>({ lastSeq: -1, total: 0, classified: 0, byCause: new Map() });
  const c = ref.current;
  const newest = events.at(-1);
  // A new boot starts the trail again at 0: so do the counters.
  if (!newest || newest.seq < c.lastSeq) {
    c.lastSeq = -1;
    c.total = 0;
    c.classified = 0;
    c.byCause = new Map();
  }
  if (newest && newest.seq > c.lastSeq) {
    // Events are in seq order: walk back to the first one not counted yet.
    let i = events.length;
    while (i > 0 && events[i - 1]!.seq > c.lastSeq) i--;
    const byCause = new Map(c.byCause);
    for (let j = i; j < events.length; j++) {
      const cause = trailCause(events[j]!);
      byCause.set(cause, (byCause.get(cause) ?? 0) + 1);
    }
    c.classified += events.length - i;
    c.byCause = byCause;
    c.lastSeq = newest.seq;
    c.total = newest.seq + 1;
  }
  return c;
}

function Details({ e }: { e: TrailEvent }): JSX.Element {
  const hasEsr = e.kind === 'sync' || e.kind === 'serror';
  const ec = esrEc(e.esr);
  const stage2 = e.toEl === 2 && e.fromEl < 2 && (ec === 0x20 || ec === 0x24);
  return (
    <div className="trail-details">
      <dl>
        {hasEsr && (
          <>
            <dt>ESR_EL{e.toEl}</dt>
            <dd>
              <code>{hex(e.esr)}</code> EC 0x{ec.toString(16).padStart(2, '0')}: {ecName(ec)}
            </dd>
          </>
        )}
        <dt>{e.kind === 'eret' ? 'returned to' : `ELR_EL${e.toEl}`}</dt>
        <dd>
          <code>{hex(e.elr)}</code>
        </dd>
        {e.far !== null && (
          <>
            <dt>FAR_EL{e.toEl}</dt>
            <dd>
              <code>{hex(e.far)}</code>
            </dd>
          </>
        )}
        {stage2 && (
          <>
            <dt>HPFAR_EL2</dt>
            <dd>
              <code>{hex(e.hpfar)}</code> (IPA <code>{hex(faultIpa(e.hpfar, e.far))}</code>)
            </dd>
          </>
        )}
        <dt>PC</dt>
        <dd>
          <code>{hex(e.pc)}</code>
        </dd>
        <dt>X8</dt>
        <dd>
          <code>{hex(e.x8)}</code>
        </dd>
      </dl>
      {hasEsr && (
        <FieldTable fields={describeEsrFields(e.esr)} />
      )}
    </div>
  );
}

const Row = memo(function Row({ e, open, onToggle }: { e: TrailEvent; open: boolean; onToggle: (seq: number) => void }): JSX.Element {
  return (
    <li className={`trail-row kind-${e.kind}${e.toEl === 2 && e.kind !== 'eret' ? ' to-el2' : ''}${open ? ' open' : ''}`} data-seq={e.seq}>
      <button type="button" className="trail-line" aria-expanded={open} onClick={() => onToggle(e.seq)}>
        <span className="where">
          <span className="els">{`EL${e.fromEl} → EL${e.toEl}`}</span>
          <span className="meta">
            <span className={`kind k-${e.kind}`} title={KIND_TITLE[e.kind]}>
              {KIND_LABEL[e.kind]}
            </span>{' '}
            <span className="clock" title="instruction count when it happened">
              {count(e.clock)}
            </span>
          </span>
        </span>
        <span className="cause">{describeTrailEvent(e)}</span>
      </button>
      {open && <Details e={e} />}
    </li>
  );
});

interface Props {
  events: TrailEvent[];
  lost: number;
  onPauseRule: (rule: TrailBreak | null) => void;
  pauseRule: TrailBreak | null;
}

function PauseControl({ pauseRule, onPauseRule }: Pick<Props, 'pauseRule' | 'onPauseRule'>): JSX.Element {
  const preset = presetOf(pauseRule);
  const [custom, setCustom] = useState<boolean>(preset === 'custom');
  const showCustom = custom || preset === 'custom';
  const kinds = pauseRule?.kinds ?? [];
  const els = pauseRule?.els ?? [];
  const setCustomRule = (k: readonly TrailKind[], e: readonly number[]): void => onPauseRule(k.length > 0 && e.length > 0 ? { kinds: k, els: e } : null);
  const toggle = <T,>(list: readonly T[], x: T): T[] => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x]);
  return (
    <div className="trail-pause">
      <label>
        <span>Pause</span>
        <select
          value={showCustom ? 'custom' : preset}
          data-testid="trail-pause"
          onChange={(ev) => {
            const id = ev.target.value;
            setCustom(id === 'custom');
            if (id !== 'custom') onPauseRule(PAUSE_PRESETS.find((p) => p.id === id)?.rule ?? null);
          }}
        >
          {PAUSE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">custom…</option>
        </select>
      </label>
      {showCustom && (
        <span className="trail-custom">
          {KINDS.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={kinds.includes(k)} onChange={() => setCustomRule(toggle(kinds, k), els)} />
              {KIND_LABEL[k]}
            </label>
          ))}
          <span className="sep">into</span>
          {ELS.map((el) => (
            <label key={el}>
              <input type="checkbox" checked={els.includes(el)} onChange={() => setCustomRule(kinds, toggle(els, el))} />
              EL{el}
            </label>
          ))}
        </span>
      )}
      <span className={pauseRule ? 'trail-rule armed' : 'trail-rule'}>{pauseRuleText(pauseRule)}</span>
    </div>
  );
}

/** The trap trail view. `events` are oldest first; `lost` counts events the page never got or dropped. */
export function TrailPanel(props: Props): JSX.Element {
  const { events, lost, onPauseRule, pauseRule } = props;
  const [kinds, setKinds] = useState<ReadonlySet<TrailKind>>(() => new Set(KINDS));
  const [els, setEls] = useState<ReadonlySet<number>>(() => new Set(ELS));
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const [showCounters, setShowCounters] = useState(true);
  const counters = useCounters(events);

  const toggleOpen = useMemo(
    () => (seq: number) =>
      setOpen((old) => {
        const next = new Set(old);
        if (next.has(seq)) next.delete(seq);
        else next.add(seq);
        return next;
      }),
    [],
  );

  // The newest matching events, newest first, at most MAX_ROWS of them.
  const shown: TrailEvent[] = [];
  let matching = 0;
  const all = kinds.size === KINDS.length && els.size === ELS.length;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!all && !(kinds.has(e.kind) && els.has(e.toEl))) continue;
    matching++;
    if (shown.length < MAX_ROWS) shown.push(e);
  }

  const flip = <T,>(set: ReadonlySet<T>, x: T): Set<T> => {
    const next = new Set(set);
    if (next.has(x)) next.delete(x);
    else next.add(x);
    return next;
  };
  const causes = [...counters.byCause.entries()].sort((a, b) => b[1] - a[1]);

  return (
    <section className="trail-panel" data-testid="trail-panel">
      <PauseControl pauseRule={pauseRule} onPauseRule={onPauseRule} />
      <div className="trail-filters" role="group" aria-label="filters">
        <span className="label">Kind</span>
        {KINDS.map((k) => (
          <label key={k} title={KIND_TITLE[k]}>
            <input type="checkbox" checked={kinds.has(k)} onChange={() => setKinds((s) => flip(s, k))} />
            {KIND_LABEL[k]}
          </label>
        ))}
        <span className="label" title="the EL the exception was taken to, or the EL an ERET returned to">
          To
        </span>
        {ELS.map((el) => (
          <label key={el}>
            <input type="checkbox" checked={els.has(el)} onChange={() => setEls((s) => flip(s, el))} />
            EL{el}
          </label>
        ))}
      </div>
      <p className="trail-meta">
        <span data-testid="trail-total">{count(counters.total)}</span> events
        {lost > 0 && <span className="lost">{`, ${count(lost)} older ones dropped`}</span>}
        {matching !== events.length && `, ${count(matching)} of the ${count(events.length)} kept match the filters`}
        {matching > shown.length && `; showing the newest ${count(shown.length)}`}
        <button type="button" className="link" onClick={() => setShowCounters((v) => !v)}>
          {showCounters ? 'hide counts' : 'counts by cause'}
        </button>
      </p>
      {showCounters && causes.length > 0 && (
        <ul className="trail-counters" aria-label="events by cause">
          {causes.map(([cause, n]) => (
            <li key={cause}>
              <span className="n">{count(n)}</span> {cause}
            </li>
          ))}
          {counters.total > counters.classified && (
            <li className="unseen" title="events dropped before this view received them: counted in the total, not by cause">
              <span className="n">{count(counters.total - counters.classified)}</span> not seen by this view
            </li>
          )}
        </ul>
      )}
      {events.length === 0 ? (
        <p className="trail-empty">No exceptions yet. Every exception entry and return will appear here, newest first.</p>
      ) : (
        <ol className="trail-rows" aria-label="trail, newest first">
          {shown.map((e) => (
            <Row key={e.seq} e={e} open={open.has(e.seq)} onToggle={toggleOpen} />
          ))}
        </ol>
      )}
    </section>
  );
}
