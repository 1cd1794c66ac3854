// What the console panel shows before the guest prints anything: a hint to press Boot, and while
// a boot downloads its images, a progress bar (a Linux kernel and initramfs are a few MB), then
// while they are decompressed and placed in RAM, a busy bar.
import type { DownloadProgress, RunState } from '../worker/protocol';

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function BootOverlay({ state, download, imageName }: { state: RunState; download: DownloadProgress | null; imageName: string | null }) {
  if (state === 'empty') {
    if (!imageName) return null;
    return (
      <div className="overlay hint" data-testid="boot-hint">
        Press <b>Boot</b> to start {imageName}.
      </div>
    );
  }
  if (state !== 'booting') return null;
  if (!download) {
    return (
      <div className="overlay" data-testid="boot-progress">
        Starting the machine…
      </div>
    );
  }
  const { files, loaded, total } = download;
  if (download.stage === 'prepare') {
    return (
      <div className="overlay" data-testid="boot-progress" data-stage="prepare">
        <div>Decompressing and loading {files.join(' and ')}…</div>
        <progress />
        <div className="meta">{mb(loaded)} MB</div>
      </div>
    );
  }
  return (
    <div className="overlay" data-testid="boot-progress" data-stage="download">
      <div>Downloading {files.join(' and ')}</div>
      {/* An indeterminate bar (no value) when the server did not say how much is coming. */}
      <progress max={total ?? undefined} value={total === null ? undefined : Math.min(loaded, total)} />
      <div className="meta" data-testid="boot-progress-bytes">
        {total === null ? `${mb(loaded)} MB` : `${mb(Math.min(loaded, total))} of ${mb(total)} MB`}
      </div>
    </div>
  );
}
