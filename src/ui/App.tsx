// The page: a header to pick and control a machine, the serial console, a side panel about the
// image and the machine's log, and a status bar. All emulation happens in the worker.
import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { Console, type ConsoleHandle } from './Console';
import { StatusBar } from './StatusBar';
import { BootOverlay } from './BootOverlay';
import { useMachine } from './useMachine';
import { loadManifest, pickDefault, type ManifestResult } from './manifest';
import { installTestHook } from './testHook';
import type { BootSpec, StateDigest } from '../worker/protocol';

const MAX_LOG = 500;
const params = new URLSearchParams(window.location.search);
const requestedImage = params.get('image');
const autoboot = params.get('autoboot') === '1';

export function App() {
  const consoleRef = useRef<ConsoleHandle>(null);
  const [log, setLog] = useState<string[]>([]);
  const [manifest, setManifest] = useState<ManifestResult | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const logView = useRef<HTMLPreElement>(null);

  const { machine, digest } = useMachine({
    restart: () => {
      consoleRef.current?.clear();
      setLog([]);
    },
    output: (bytes) => consoleRef.current?.write(bytes),
    log: (lines) => setLog((old) => [...old, ...lines].slice(-MAX_LOG)),
  });

  // Latest values for the test hook, which outlives renders.
  const digestRef = useRef<StateDigest>(digest);
  digestRef.current = digest;
  const logRef = useRef(log);
  logRef.current = log;
  useEffect(
    () =>
      installTestHook({
        terminalText: () => consoleRef.current?.text() ?? '',
        terminalSize: () => consoleRef.current?.size() ?? { cols: 0, rows: 0 },
        digest: () => digestRef.current,
        log: () => logRef.current,
      }),
    [],
  );

  // Keep the newest log line in view.
  useEffect(() => {
    const el = logView.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [log]);

  useEffect(() => {
    let live = true;
    void loadManifest().then((m) => {
      if (!live) return;
      setManifest(m);
      if (m.ok) setSelected(pickDefault(m.images, requestedImage));
    });
    return () => {
      live = false;
    };
  }, []);

  const boot = useCallback(
    (spec: BootSpec) => {
      if (!machine) return;
      void machine.api.boot(spec);
      consoleRef.current?.focus();
    },
    [machine],
  );

  // ?autoboot=1 boots the preselected image once both the worker and the manifest are ready.
  const autobooted = useRef(false);
  useEffect(() => {
    if (!autoboot || autobooted.current || !machine || !selected) return;
    if (requestedImage && requestedImage !== selected) return; // ?image named something absent
    autobooted.current = true;
    boot({ imageId: selected });
  }, [machine, selected, boot]);

  const onInput = useCallback((bytes: Uint8Array) => void machine?.api.sendInput(bytes), [machine]);

  const onFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    boot({ name: file.name, kernel: new Uint8Array(await file.arrayBuffer()), el: 2, ramMiB: 128 });
  };

  const images = manifest?.ok ? manifest.images : [];
  const current = images.find((i) => i.id === selected) ?? null;
  const s = digest.state;
  const live = s === 'running' || s === 'idle' || s === 'paused';
  const missingImage = manifest?.ok && requestedImage !== null && !images.some((i) => i.id === requestedImage);

  return (
    <div className="app">
      <header className="header">
        <h1>ArmLab</h1>
        <label className="picker">
          <span>Machine</span>
          <select value={selected ?? ''} onChange={(e) => setSelected(e.target.value)} disabled={!manifest?.ok} data-testid="image-picker">
            {!manifest && <option value="">loading…</option>}
            {manifest && !manifest.ok && <option value="">no images</option>}
            {images.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <div className="buttons">
          <button onClick={() => selected && boot({ imageId: selected })} disabled={!machine || !selected} data-testid="boot">
            Boot
          </button>
          <button onClick={() => void machine?.api.pause()} disabled={s !== 'running' && s !== 'idle'} data-testid="pause">
            Pause
          </button>
          <button onClick={() => void machine?.api.resume()} disabled={s !== 'paused'} data-testid="resume">
            Resume
          </button>
          <button
            onClick={() => void machine?.api.reset()}
            disabled={!live && s !== 'powered-off' && s !== 'error'}
            data-testid="reset"
          >
            Reset
          </button>
          <button className="secondary" onClick={() => fileInput.current?.click()} disabled={!machine} title="Boot your own AArch64 ELF or kernel Image (EL2, 128 MiB)">
            Open file…
          </button>
          <input ref={fileInput} type="file" hidden onChange={(e) => void onFile(e)} />
        </div>
      </header>
      <main className="main">
        <section className="console-panel">
          <Console ref={consoleRef} onInput={onInput} />
          <BootOverlay state={s} download={digest.download} imageName={current?.name ?? null} />
        </section>
        <aside className="side">
          {manifest && !manifest.ok && <p className="notice" data-testid="manifest-error">{manifest.message}</p>}
          {missingImage && <p className="notice">There is no image "{requestedImage}" in images/manifest.json.</p>}
          {current && (
            <div className="about">
              <h2>{current.name}</h2>
              <p>{current.description}</p>
              <p className="meta">
                starts at EL{current.el} · {current.ramMiB} MiB RAM · {current.kind}
              </p>
            </div>
          )}
          {digest.error && <p className="notice error">{digest.error}</p>}
          <h2>Machine log</h2>
          <pre className="log" ref={logView} data-testid="log">
            {log.length ? log.join('\n') : '—'}
          </pre>
        </aside>
      </main>
      <StatusBar digest={digest} />
    </div>
  );
}
