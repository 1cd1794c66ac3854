// Formatters for the cryptographic extension (AES, SHA1, SHA256). The crypto decode table is still
// being written, so these are keyed by op name and read their fields by name without the generated
// per-op types: an op renamed or a field missing makes the formatter return undefined, and the word
// then shows as `.inst` rather than breaking the type check of the whole disassembler.
import type { DisasmContext } from './util';

export type LooseFields = Readonly<Record<string, number | undefined>>;
export type LooseFormatter = (f: LooseFields, ctx: DisasmContext) => string | undefined;

/** op vd.16b, vn.16b (AES). */
function aes(m: string): LooseFormatter {
  return (f) => (f.rd === undefined || f.rn === undefined ? undefined : `${m} v${f.rd}.16b, v${f.rn}.16b`);
}
/** Three-register SHA: the operand shapes differ per op (q, s or v.4s). */
function sha3(m: string, d: 'q' | 'v', n: 'q' | 's' | 'v'): LooseFormatter {
  const reg = (k: 'q' | 's' | 'v', r: number): string => (k === 'v' ? `v${r}.4s` : `${k}${r}`);
  return (f) => {
    if (f.rd === undefined || f.rn === undefined || f.rm === undefined) return undefined;
    return `${m} ${reg(d, f.rd)}, ${reg(n, f.rn)}, v${f.rm}.4s`;
  };
}
function sha2(m: string, scalar: boolean): LooseFormatter {
  return (f) => {
    if (f.rd === undefined || f.rn === undefined) return undefined;
    return scalar ? `${m} s${f.rd}, s${f.rn}` : `${m} v${f.rd}.4s, v${f.rn}.4s`;
  };
}

export const CRYPTO_FORMATTERS: Readonly<Record<string, LooseFormatter>> = {
  AESE: aes('aese'),
  AESD: aes('aesd'),
  AESMC: aes('aesmc'),
  AESIMC: aes('aesimc'),
  SHA1C: sha3('sha1c', 'q', 's'),
  SHA1P: sha3('sha1p', 'q', 's'),
  SHA1M: sha3('sha1m', 'q', 's'),
  SHA1SU0: sha3('sha1su0', 'v', 'v'),
  SHA256H: sha3('sha256h', 'q', 'q'),
  SHA256H2: sha3('sha256h2', 'q', 'q'),
  SHA256SU1: sha3('sha256su1', 'v', 'v'),
  SHA1H: sha2('sha1h', true),
  SHA1SU1: sha2('sha1su1', false),
  SHA256SU0: sha2('sha256su0', false),
};
