// "Your own" machine: a kernel or ELF, an optional initrd, DTB and disk image (by file picker or
// drag-and-drop), the RAM size, the exception level to start at and the kernel command line.
import { useState, type DragEvent } from 'react';

export interface OwnImages {
  kernel: File | null;
  initrd: File | null;
  dtb: File | null;
  /** Accepted and shown, but no device reads it yet (virtio-blk comes with a later issue). */
  disk: File | null;
  ramMiB: number;
  el: 1 | 2;
  cmdline: string;
}

export type OwnSlot = 'kernel' | 'initrd' | 'dtb' | 'disk';

export const RAM_CHOICES = [64, 128, 256, 512, 1024, 2048] as const;

export function emptyOwnImages(): OwnImages {
  return { kernel: null, initrd: null, dtb: null, disk: null, ramMiB: 256, el: 2, cmdline: 'console=ttyAMA0' };
}

/** Which slot a dropped file most likely belongs in, by its name (the rest are kernels). */
export function guessSlot(name: string): OwnSlot {
  const n = name.toLowerCase();
  if (n.endsWith('.dtb')) return 'dtb';
  if (/\.(img|raw|qcow2|iso|ext[234]|vhd|vmdk)$/.test(n)) return 'disk';
  if (/initrd|initramfs|rootfs|\.cpio/.test(n)) return 'initrd';
  return 'kernel';
}

/** Puts dropped files in their slots (the first kernel-looking file wins the kernel slot). */
export function assignDropped(value: OwnImages, files: readonly File[]): OwnImages {
  const next = { ...value };
  const taken = new Set<OwnSlot>();
  for (const f of files) {
    const slot = guessSlot(f.name);
    if (taken.has(slot)) continue;
    taken.add(slot);
    next[slot] = f;
  }
  return next;
}

function size(f: File): string {
  if (f.size < 1000) return `${f.size} bytes`;
  return f.size >= 1e6 ? `${(f.size / 1e6).toFixed(1)} MB` : `${Math.round(f.size / 1e3)} kB`;
}

interface SlotProps {
  slot: OwnSlot;
  label: string;
  hint: string;
  file: File | null;
  onFile(f: File | null): void;
}

function FileSlot({ slot, label, hint, file, onFile }: SlotProps) {
  return (
    <div className="own-slot">
      <span className="own-label">{label}</span>
      <label className="file-button">
        Choose…
        <input
          type="file"
          data-testid={`own-${slot}`}
          onChange={(e) => {
            onFile(e.target.files?.[0] ?? null);
            e.target.value = '';
          }}
        />
      </label>
      {file ? (
        <span className="own-file" data-testid={`own-${slot}-name`}>
          {file.name} <span className="meta">({size(file)})</span>
          <button className="link" onClick={() => onFile(null)} title={`forget the ${label.toLowerCase()}`}>
            ✕
          </button>
        </span>
      ) : (
        <span className="meta">{hint}</span>
      )}
    </div>
  );
}

interface Props {
  value: OwnImages;
  onChange(v: OwnImages): void;
}

export function OwnImagesForm({ value, onChange }: Props) {
  const [dragging, setDragging] = useState(false);
  const set = <K extends keyof OwnImages>(key: K, v: OwnImages[K]): void => onChange({ ...value, [key]: v });
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    e.stopPropagation();
    setDragging(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length > 0) onChange(assignDropped(value, files));
  };
  return (
    <div
      className={`own${dragging ? ' dragging' : ''}`}
      data-testid="own-images"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2>Your own machine</h2>
      <p className="meta">Pick files or drop them here; then press Boot.</p>
      <FileSlot slot="kernel" label="Kernel" hint="arm64 Image (.gz too) or a static AArch64 ELF" file={value.kernel} onFile={(f) => set('kernel', f)} />
      <FileSlot slot="initrd" label="Initrd" hint="optional: a cpio archive (.gz too)" file={value.initrd} onFile={(f) => set('initrd', f)} />
      <FileSlot slot="dtb" label="DTB" hint="optional: ArmLab generates one" file={value.dtb} onFile={(f) => set('dtb', f)} />
      <FileSlot slot="disk" label="Disk" hint="optional" file={value.disk} onFile={(f) => set('disk', f)} />
      {value.disk && (
        <p className="notice" data-testid="own-disk-note">
          {value.disk.name}: not supported yet: virtio-blk arrives with a later issue. The machine boots without it.
        </p>
      )}
      <MachineOptionsFields value={value} onChange={(o) => onChange({ ...value, ...o })} testIdPrefix="own" />
    </div>
  );
}

/** The options every machine has: RAM size, the EL it starts at, the kernel command line. */
export interface MachineOptionValues {
  ramMiB: number;
  el: 1 | 2;
  cmdline: string;
}

interface OptionsProps {
  value: MachineOptionValues;
  onChange(v: MachineOptionValues): void;
  /** data-testid prefix: `<prefix>-ram`, `<prefix>-el`, `<prefix>-cmdline`. */
  testIdPrefix: string;
}

export function MachineOptionsFields({ value, onChange, testIdPrefix }: OptionsProps) {
  const ram = (RAM_CHOICES as readonly number[]).includes(value.ramMiB) ? RAM_CHOICES : [...RAM_CHOICES, value.ramMiB].sort((a, b) => a - b);
  return (
    <>
      <div className="own-options">
        <label>
          RAM
          <select value={value.ramMiB} onChange={(e) => onChange({ ...value, ramMiB: Number(e.target.value) })} data-testid={`${testIdPrefix}-ram`}>
            {ram.map((n) => (
              <option key={n} value={n}>
                {n >= 1024 ? `${n / 1024} GiB` : `${n} MiB`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Start at
          <select value={value.el} onChange={(e) => onChange({ ...value, el: e.target.value === '1' ? 1 : 2 })} data-testid={`${testIdPrefix}-el`}>
            <option value={2}>EL2 (hypervisor)</option>
            <option value={1}>EL1 (kernel, no EL2)</option>
          </select>
        </label>
      </div>
      <label className="own-cmdline">
        Kernel command line
        <input
          type="text"
          value={value.cmdline}
          spellCheck={false}
          onChange={(e) => onChange({ ...value, cmdline: e.target.value })}
          data-testid={`${testIdPrefix}-cmdline`}
        />
      </label>
    </>
  );
}
