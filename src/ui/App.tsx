// The page: a header to pick, control and style a machine; the serial console; side tabs for the
// machine (its description, your own images, the log), the exception levels, the trap trail and the
// debugger; and a status bar. All emulation happens in the worker (useMachine).
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { Console, type ConsoleHandle } from './Console';
import { StatusBar } from './StatusBar';
import { BootOverlay } from './BootOverlay';
import { Controls } from './Controls';
import { MachineOptionsFields, OwnImagesForm, assignDropped, emptyOwnImages, type MachineOptionValues, type OwnImages } from './OwnImages';
import { ElPanel } from './ElPanel';
import { TrailPanel } from './TrailPanel';
import { DebugPanel, type DebugApi } from './DebugPanel';
import { disassembleInsn } from './disasm-adapter';
import { useMachine } from './useMachine';
import { useAppearance, type ThemeChoice } from './theme';
import { loadManifest, pickDefault, type ManifestResult } from './manifest';
import { installTestHook } from './testHook';
import { SnapshotsPanel, SNAPSHOT_EXT } from './SnapshotsPanel';
import { MigrationLink, idleStatus, type MigrationStatus } from './migrationLink';
import type { BootSpec, CpuSnapshot, StateDigest, TrailBreak, TrailEvent } from '../worker/protocol';

const MAX_LOG = 500;
/** Trail rows the page keeps (the newest); older ones count as lost. */
const MAX_TRAIL_ROWS = 5000;
/**
 * Trail rows the panel gets while the machine runs. Rows fly past too fast to read then, and
 * restyling thousands of them 30 times a second would stall the page (the e2e responsiveness test
 * measured 100 ms tasks); paused, the panel gets them all.
 */
const TRAIL_ROWS_RUNNING = 150;
/** How often the trail panel gets new rows while the machine runs (ms); paused, at once. */
const TRAIL_REFRESH_RUNNING_MS = 250;
/** The picker's value for "your own images". */
const OWN = '__own__';
const params = new URLSearchParams(window.location.search);
const requestedImage = params.get('image');
const autoboot = params.get('autoboot') === '1';
/** ?receive=1: this tab offers itself as a migration destination as soon as it is ready. */
const receiveParam = params.get('receive') === '1';

type Tab = 'machine' | 'snapshots' | 'el' | 'trail' | 'debug';
const TABS: { id: Tab; label: string }[] = [
  { id: 'machine', label: 'Machine' },
  { id: 'snapshots', label: 'Snapshots' },
  { id: 'el', label: 'Exception levels' },
  { id: 'trail', label: 'Trap trail' },
  { id: 'debug', label: 'Debugger' },
];

interface TrailRows {
  events: TrailEvent[];
  lost: number;
}

/**
 * A tab's page. It stays mounted while another tab shows, so the panels keep their own state (the
 * debugger's breakpoints, the trail's filters), but it does not re-render while hidden: a trail
 * updating 30 times a second costs nothing when nobody looks at it.
 */
const TabPage = memo(
  function TabPage({ active, children }: { active: boolean; children: ReactNode }) {
    return (
      <div className="tab-page" hidden={!active}>
        {children}
      </div>
    );
  },
  (prev, next) => !prev.active && !next.active,
);

const SIDE_KEY = 'armlab.sideWidth';

function storedSideWidth(): number | null {
  try {
    const n = Number(localStorage.getItem(SIDE_KEY));
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The side tabs' width in px, kept between 320 px and what leaves the console 420 px. */
function clampSide(px: number): number {
  return Math.round(Math.max(320, Math.min(window.innerWidth - 420, px)));
}

async function ownBootSpec(own: OwnImages): Promise<BootSpec> {
  const kernel = own.kernel!;
  const bytes = async (f: File | null): Promise<Uint8Array | undefined> => (f ? new Uint8Array(await f.arrayBuffer()) : undefined);
  const [k, initrd, dtb] = await Promise.all([bytes(kernel), bytes(own.initrd), bytes(own.dtb)]);
  const spec: BootSpec = { name: kernel.name, kernel: k!, el: own.el, ramMiB: own.ramMiB, cmdline: own.cmdline };
  if (initrd) spec.initrd = initrd;
  if (dtb) spec.dtb = dtb;
  return spec;
}

export function App() {
  const consoleRef = useRef<ConsoleHandle>(null);
  const [log, setLog] = useState<string[]>([]);
  const [trail, setTrail] = useState<TrailRows>({ events: [], lost: 0 });
  const [manifest, setManifest] = useState<ManifestResult | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [own, setOwn] = useState<OwnImages>(emptyOwnImages);
  /** RAM, start EL and command line for the chosen manifest image (its own, until the user edits them). */
  const [imageOptions, setImageOptions] = useState<{ id: string; options: MachineOptionValues } | null>(null);
  const [tab, setTab] = useState<Tab>('machine');
  const [stepping, setStepping] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [migration, setMigration] = useState<{ status: MigrationStatus; receiving: boolean }>({ status: idleStatus, receiving: false });
  const linkRef = useRef<MigrationLink | null>(null);
  /** A .armlab file dropped on the page, for the Snapshots panel to restore. */
  const [droppedSnapshot, setDroppedSnapshot] = useState<File | null>(null);
  const appearance = useAppearance();
  // null: the default width for the tab (CSS); a number: where the user dragged the divider.
  const [sideWidth, setSideWidth] = useState<number | null>(storedSideWidth);
  const setSide = (px: number | null): void => {
    const w = px === null ? null : clampSide(px);
    setSideWidth(w);
    try {
      if (w === null) localStorage.removeItem(SIDE_KEY);
      else localStorage.setItem(SIDE_KEY, String(w));
    } catch {
      // Not remembered, still applied.
    }
  };
  const onSplitterDown = (e: PointerEvent<HTMLDivElement>): void => {
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onSplitterMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) setSide(window.innerWidth - e.clientX);
  };
  const onSplitterKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const now = sideWidth ?? (e.currentTarget.nextElementSibling?.getBoundingClientRect().width ?? 480);
    if (e.key === 'ArrowLeft') setSide(now + 32);
    else if (e.key === 'ArrowRight') setSide(now - 32);
    else if (e.key === 'Home') setSide(null);
    else return;
    e.preventDefault();
  };
  const logView = useRef<HTMLPreElement>(null);

  const { machine, digest, cpu } = useMachine({
    restart: () => {
      consoleRef.current?.clear();
      setLog([]);
      setTrail({ events: [], lost: 0 });
    },
    output: (bytes) => consoleRef.current?.write(bytes),
    log: (lines) => setLog((old) => [...old, ...lines].slice(-MAX_LOG)),
    trail: (events, lost) =>
      setTrail((old) => {
        const all = old.events.concat(events);
        const over = Math.max(0, all.length - MAX_TRAIL_ROWS);
        return { events: over > 0 ? all.slice(over) : all, lost: old.lost + lost + over };
      }),
  });

  // Latest values for the test hook, which outlives renders.
  const latest = useRef<{ digest: StateDigest; log: string[]; cpu: CpuSnapshot | null; trail: TrailRows; machine: typeof machine; migration: typeof migration }>({
    digest, log, cpu, trail, machine, migration,
  });
  latest.current = { digest, log, cpu, trail, machine, migration };
  useEffect(
    () =>
      installTestHook({
        terminalText: () => consoleRef.current?.text() ?? '',
        terminalSize: () => consoleRef.current?.size() ?? { cols: 0, rows: 0 },
        terminalSelection: () => consoleRef.current?.selection() ?? '',
        terminalSelectAll: () => consoleRef.current?.selectAll(),
        digest: () => latest.current.digest,
        log: () => latest.current.log,
        cpu: () => latest.current.cpu,
        trail: () => latest.current.trail,
        api: () => latest.current.machine?.api ?? null,
        migration: () => ({ ...latest.current.migration.status, receiving: latest.current.migration.receiving }),
      }),
    [],
  );

  // The BroadcastChannel to other tabs of the lab, once the worker is up.
  useEffect(() => {
    if (!machine) return;
    const link = new MigrationLink(machine.api, (status, receiving) => setMigration({ status: { ...status }, receiving }));
    linkRef.current = link;
    if (receiveParam) link.setReceiving(true);
    return () => {
      link.close();
      linkRef.current = null;
    };
  }, [machine]);

  // Keep the newest log line in view.
  useEffect(() => {
    const el = logView.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log, tab]);

  useEffect(() => {
    let live = true;
    void loadManifest().then((m) => {
      if (!live) return;
      setManifest(m);
      if (m.ok) setSelected(pickDefault(m.images, requestedImage));
      else setSelected(OWN); // no shipped images: your own is all there is
    });
    return () => {
      live = false;
    };
  }, []);

  const bootSpec = useCallback(
    (spec: BootSpec) => {
      if (!machine) return;
      setNotice(null);
      void machine.api.boot(spec);
      consoleRef.current?.focus();
    },
    [machine],
  );

  const boot = (): void => {
    if (selected === OWN) {
      if (!own.kernel) {
        setNotice('Choose a kernel or ELF file first (Machine tab, or drop it on the page).');
        setTab('machine');
        return;
      }
      void ownBootSpec(own).then(bootSpec, (e: unknown) => setNotice(`Could not read your files: ${e instanceof Error ? e.message : String(e)}`));
    } else if (selected) {
      const o = imageOptions?.id === selected ? imageOptions.options : null;
      bootSpec(o ? { imageId: selected, ...o } : { imageId: selected });
    }
  };

  // ?autoboot=1 boots the preselected image once both the worker and the manifest are ready.
  const autobooted = useRef(false);
  useEffect(() => {
    if (!autoboot || autobooted.current || !machine || !selected || selected === OWN) return;
    if (requestedImage && requestedImage !== selected) return; // ?image named something absent
    autobooted.current = true;
    bootSpec({ imageId: selected });
  }, [machine, selected, bootSpec]);

  const onInput = useCallback((bytes: Uint8Array) => void machine?.api.sendInput(bytes), [machine]);

  const onStep = (n: number): void => {
    if (!machine) return;
    setStepping(true);
    void machine.api
      .step(n)
      .then((r) => {
        if (r.reason === 'idle') setNotice(`Stepped ${r.executed.toLocaleString('en-US')} instructions; the CPU now waits (WFI) for input.`);
        else setNotice(null);
      })
      .finally(() => setStepping(false));
  };

  const onPauseRule = useCallback(
    (rule: TrailBreak | null) => {
      void machine?.api.setTrailBreak(rule);
    },
    [machine],
  );

  // Files dropped anywhere on the page become "your own" machine.
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    const files = Array.from(e.dataTransfer.files);
    if (files.length === 0) return;
    e.preventDefault();
    const snap = files.find((f) => f.name.toLowerCase().endsWith(SNAPSHOT_EXT));
    if (snap) {
      setDroppedSnapshot(snap);
      setTab('snapshots');
      return;
    }
    setOwn((o) => assignDropped(o, files));
    setNotice(null);
    setSelected(OWN);
    setTab('machine');
  };

  // The debugger talks to the worker through this adapter (DebugPanel.tsx defines DebugApi).
  const debugApi = useMemo<DebugApi | null>(() => {
    if (!machine) return null;
    const api = machine.api;
    return {
      readMemory: (addr, len, virtualEl) => api.readMemory(addr, len, virtualEl === null ? null : { el: virtualEl }),
      step: async (n) => {
        await api.step(n);
      },
      stepOver: () => api.stepOver(),
      setBreakpoints: (pcs) => api.setBreakpoints(pcs),
      runTo: (pc) => api.runTo(pc),
    };
  }, [machine]);

  const running = digest.state === 'running' || digest.state === 'idle';
  // While running, the panel's rows change a few times a second, not with every update.
  const trailRef = useRef(trail);
  trailRef.current = trail;
  const [trailTick, setTrailTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => setTrailTick((n) => n + 1), TRAIL_REFRESH_RUNNING_MS);
    return () => clearInterval(id);
  }, [running]);
  const trailEvents = useMemo(
    () => (running ? trailRef.current.events.slice(-TRAIL_ROWS_RUNNING) : trail.events),
    // trailTick paces the running case (new rows are ignored until it ticks); stopped, every change shows.
    [running, trailTick, running ? null : trail.events],
  );

  const images = manifest?.ok ? manifest.images : [];
  const current = images.find((i) => i.id === selected) ?? null;
  const s = digest.state;
  const missingImage = manifest?.ok && requestedImage !== null && !images.some((i) => i.id === requestedImage);
  const overlayName = selected === OWN ? own.kernel?.name ?? null : current?.name ?? null;

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <header className="header">
        <h1>ArmLab</h1>
        <label className="picker">
          <span>Machine</span>
          <select
            value={selected ?? ''}
            onChange={(e) => {
              setSelected(e.target.value);
              setNotice(null);
              if (e.target.value === OWN) setTab('machine');
            }}
            disabled={!manifest}
            data-testid="image-picker"
          >
            {!manifest && <option value="">loading…</option>}
            {images.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
            <option value={OWN}>Your own images…</option>
          </select>
        </label>
        <Controls
          state={s}
          canBoot={machine !== null && selected !== null}
          stepping={stepping}
          onBoot={boot}
          onPause={() => void machine?.api.pause()}
          onResume={() => void machine?.api.resume()}
          onStep={onStep}
          onReset={() => void machine?.api.reset()}
          onPowerOff={() => void machine?.api.powerOff()}
        />
        <div className="appearance">
          <select
            value={appearance.choice}
            onChange={(e) => appearance.setChoice(e.target.value as ThemeChoice)}
            aria-label="colour theme"
            title="Colour theme"
            data-testid="theme"
          >
            <option value="system">System theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
          <button
            className={appearance.textSize === 'large' ? 'toggled' : ''}
            onClick={() => appearance.setTextSize(appearance.textSize === 'large' ? 'normal' : 'large')}
            aria-pressed={appearance.textSize === 'large'}
            title="Large text, for a projector"
            data-testid="text-size"
          >
            A+
          </button>
        </div>
      </header>
      <main
        className={tab === 'debug' ? 'main wide' : 'main'}
        style={sideWidth === null ? undefined : { gridTemplateColumns: `minmax(0, 1fr) auto ${sideWidth}px` }}
      >
        <section className="console-panel">
          {migration.status.phase === 'moved' && s === 'empty' && (
            <p className="banner" data-testid="moved">
              This machine moved to another tab{migration.status.downtimeMs !== null ? ` (downtime ${migration.status.downtimeMs} ms)` : ''}. Boot or restore one to go on here.
            </p>
          )}
          {(notice || (s === 'error' && digest.error)) && (
            <p className="banner error" data-testid="error">
              {s === 'error' && digest.error ? digest.error : notice}
            </p>
          )}
          <div className="console-box">
            <Console ref={consoleRef} onInput={onInput} theme={appearance.theme} fontSize={appearance.textSize === 'large' ? 20 : 14} />
            <BootOverlay state={s} download={digest.download} imageName={overlayName} />
          </div>
        </section>
        <div
          className="splitter"
          role="separator"
          aria-orientation="vertical"
          aria-label="resize the side panel (double-click: default width)"
          tabIndex={0}
          onPointerDown={onSplitterDown}
          onPointerMove={onSplitterMove}
          onDoubleClick={() => setSide(null)}
          onKeyDown={onSplitterKey}
          data-testid="splitter"
        />
        <aside className="side">
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button
                key={t.id}
                role="tab"
                aria-selected={tab === t.id}
                className={tab === t.id ? 'tab active' : 'tab'}
                onClick={() => setTab(t.id)}
                data-testid={`tab-${t.id}`}
              >
                {t.label}
                {t.id === 'trail' && trail.events.length > 0 && <span className="count">{trail.events.length}</span>}
              </button>
            ))}
          </nav>
          <div className="tab-body" role="tabpanel" data-testid={`panel-${tab}`}>
            <TabPage active={tab === 'machine'}>
              <div className="machine-tab">
                {manifest && !manifest.ok && (
                  <p className="notice" data-testid="manifest-error">
                    {manifest.message}
                  </p>
                )}
                {missingImage && <p className="notice">There is no image "{requestedImage}" in images/manifest.json.</p>}
                {selected === OWN ? (
                  <OwnImagesForm
                    value={own}
                    onChange={(v) => {
                      setOwn(v);
                      setNotice(null);
                    }}
                  />
                ) : (
                  current && (
                    <div className="about">
                      <h2>{current.name}</h2>
                      <p>{current.description}</p>
                      <p className="meta">
                        {current.kind} · as shipped: EL{current.el}, {current.ramMiB} MiB{current.cmdline ? `, ${current.cmdline}` : ''}
                      </p>
                      <details className="options" data-testid="image-options">
                        <summary>Options</summary>
                        <MachineOptionsFields
                          value={imageOptions?.id === current.id ? imageOptions.options : { el: current.el, ramMiB: current.ramMiB, cmdline: current.cmdline }}
                          onChange={(o) => setImageOptions({ id: current.id, options: o })}
                          testIdPrefix="image"
                        />
                      </details>
                    </div>
                  )
                )}
                {digest.error && (
                  <p className="notice error" data-testid="machine-error">
                    {digest.error}
                  </p>
                )}
                <h2>Machine log</h2>
                <pre className="log" ref={logView} data-testid="log">
                  {log.length ? log.join('\n') : '—'}
                </pre>
              </div>
            </TabPage>
            <TabPage active={tab === 'snapshots'}>
              <SnapshotsPanel
                api={machine?.api ?? null}
                state={s}
                guest={digest.image}
                migration={migration.status}
                receiving={migration.receiving}
                onReceive={(on) => linkRef.current?.setReceiving(on)}
                onMigrate={(mode) => void linkRef.current?.send(mode)}
                dropped={droppedSnapshot}
                onDroppedTaken={() => setDroppedSnapshot(null)}
              />
            </TabPage>
            <TabPage active={tab === 'el'}>
              <ElPanel cpu={cpu} />
            </TabPage>
            <TabPage active={tab === 'trail'}>
              <TrailPanel events={trailEvents} lost={trail.lost} pauseRule={digest.trailBreak} onPauseRule={onPauseRule} />
            </TabPage>
            <TabPage active={tab === 'debug'}>
              {debugApi ? (
                <DebugPanel cpu={cpu} paused={s === 'paused'} api={debugApi} disassemble={disassembleInsn} />
              ) : (
                <p className="meta">Starting the machine worker…</p>
              )}
            </TabPage>
          </div>
        </aside>
      </main>
      <StatusBar digest={digest} />
    </div>
  );
}
