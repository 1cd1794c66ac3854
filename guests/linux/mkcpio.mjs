// Writes a gzip-compressed cpio archive in the "newc" format (the one Linux's initramfs unpacker
// reads, Documentation/driver-api/early-userspace/buffer-format.rst) from a list of entries.
// Written in Node so the initramfs needs no root (device nodes are only described, never created)
// and is byte-for-byte reproducible (owner root, mtime 0, inode numbers in list order).
//
// Usage: node mkcpio.mjs <list> <out.cpio.gz>
// The list has one entry per line (blank lines and # comments ignored), paths inside the archive
// without a leading slash, modes in octal:
//   dir   <path> <mode>
//   file  <path> <host file> <mode>
//   slink <path> <target> <mode>
//   nod   <path> <mode> c|b <major> <minor>
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';

const [listPath, outPath] = process.argv.slice(2);
if (!listPath || !outPath) throw new Error('usage: mkcpio.mjs <list> <out.cpio.gz>');

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

const chunks = [];
let size = 0;
let ino = 1;

function push(buf) {
  chunks.push(buf);
  size += buf.length;
}

// Pads the archive to a multiple of 4 bytes, as newc requires after each name and each body.
function pad4() {
  const n = (4 - (size % 4)) % 4;
  if (n) push(Buffer.alloc(n));
}

function hex8(v) {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`cpio field out of range: ${v}`);
  return v.toString(16).padStart(8, '0');
}

function entry(name, mode, body = Buffer.alloc(0), rdevMajor = 0, rdevMinor = 0) {
  const nameBytes = Buffer.from(name + '\0', 'utf8');
  const isDir = (mode & 0o170000) === S_IFDIR;
  const fields = [
    ino++, // c_ino
    mode, // c_mode
    0, // c_uid
    0, // c_gid
    isDir ? 2 : 1, // c_nlink
    0, // c_mtime
    body.length, // c_filesize
    0, // c_devmajor
    0, // c_devminor
    rdevMajor, // c_rdevmajor
    rdevMinor, // c_rdevminor
    nameBytes.length, // c_namesize, including the NUL
    0, // c_check (only used by the "070702" CRC format)
  ];
  push(Buffer.from('070701' + fields.map(hex8).join(''), 'ascii'));
  push(nameBytes);
  pad4();
  if (body.length) {
    push(body);
    pad4();
  }
}

const lines = readFileSync(listPath, 'utf8').split('\n');
lines.forEach((raw, i) => {
  const line = raw.replace(/#.*/, '').trim();
  if (!line) return;
  const f = line.split(/\s+/);
  const where = `${listPath}:${i + 1}`;
  const path = f[1];
  if (!path || path.startsWith('/')) throw new Error(`${where}: archive paths are relative: ${line}`);
  const perm = (s) => {
    if (!/^[0-7]{3,4}$/.test(s ?? '')) throw new Error(`${where}: bad mode: ${line}`);
    return parseInt(s, 8);
  };
  switch (f[0]) {
    case 'dir':
      entry(path, S_IFDIR | perm(f[2]));
      break;
    case 'file':
      entry(path, S_IFREG | perm(f[3]), readFileSync(f[2]));
      break;
    case 'slink':
      // A symbolic link's body is its target, without a NUL.
      entry(path, S_IFLNK | perm(f[3]), Buffer.from(f[2], 'utf8'));
      break;
    case 'nod': {
      const type = f[3] === 'c' ? S_IFCHR : f[3] === 'b' ? S_IFBLK : NaN;
      if (Number.isNaN(type)) throw new Error(`${where}: nod type must be c or b: ${line}`);
      entry(path, type | perm(f[2]), undefined, Number(f[4]), Number(f[5]));
      break;
    }
    default:
      throw new Error(`${where}: unknown entry kind: ${line}`);
  }
});
entry('TRAILER!!!', 0);

const cpio = Buffer.concat(chunks);
writeFileSync(outPath, gzipSync(cpio, { level: constants.Z_BEST_COMPRESSION }));
console.log(`wrote ${outPath}: ${ino - 2} entries, ${cpio.length} bytes of cpio`);
