// Reads the list of guest images the lab ships (public/images/manifest.json).
import type { ImageEntry } from '../worker/protocol';

export type ManifestResult = { ok: true; images: ImageEntry[] } | { ok: false; message: string };

export async function loadManifest(): Promise<ManifestResult> {
  const url = new URL('images/manifest.json', document.baseURI).href;
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (e) {
    return { ok: false, message: `Could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (res.status === 404) {
    return { ok: false, message: 'No guest images yet: images/manifest.json is missing. Build them with `npm run guests`, or open an ELF file.' };
  }
  if (!res.ok) return { ok: false, message: `Could not fetch ${url}: HTTP ${res.status}` };
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    // Vite's dev server answers unknown paths with index.html, which is not JSON.
    return { ok: false, message: 'No guest images yet: images/manifest.json is missing or not JSON. Build them with `npm run guests`.' };
  }
  if (!Array.isArray(parsed)) return { ok: false, message: 'images/manifest.json is not a JSON array of images' };
  const images = parsed.filter(isImageEntry);
  if (images.length === 0) return { ok: false, message: 'images/manifest.json lists no usable images' };
  return { ok: true, images };
}

function isImageEntry(v: unknown): v is ImageEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const files = e['files'] as Record<string, unknown> | undefined;
  return typeof e['id'] === 'string' && typeof e['name'] === 'string' && typeof files === 'object' && files !== null && typeof files['kernel'] === 'string';
}

/**
 * The image to preselect: ?image=<id> if the manifest has it, else the entry marked "default": true
 * (Linux, as guests/manifest.mjs writes it), else hello, else the first.
 */
export function pickDefault(images: ImageEntry[], requested: string | null): string | null {
  if (requested && images.some((i) => i.id === requested)) return requested;
  const marked = images.find((i) => i.default === true);
  if (marked) return marked.id;
  if (images.some((i) => i.id === 'hello')) return 'hello';
  return images[0]?.id ?? null;
}
