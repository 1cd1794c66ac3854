// Watches a byte stream for a text, across chunk boundaries (for `armlab run --expect`).

export class ExpectMatcher {
  private readonly needle: string;
  private tail = '';
  private found = false;

  constructor(text: string) {
    // Compare bytes, not characters: the guest's output need not be valid UTF-8, so both sides are
    // mapped byte for byte to a latin1 string (the needle after UTF-8 encoding).
    this.needle = latin1(new TextEncoder().encode(text));
  }

  /** Feeds output; true once the text has appeared (and from then on). */
  feed(bytes: Uint8Array): boolean {
    if (this.found) return true;
    const hay = this.tail + latin1(bytes);
    if (hay.includes(this.needle)) {
      this.found = true;
      return true;
    }
    this.tail = hay.slice(Math.max(0, hay.length - (this.needle.length - 1)));
    return false;
  }

  get seen(): boolean {
    return this.found;
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
