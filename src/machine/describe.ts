// The trap trail in words: why each exception was taken or where a return went, as a sentence an
// instructor can read out ("SVC #0 from EL0: syscall 64 write", "data abort from EL1, stage-2
// translation fault, level 3, IPA 0x..."), and a short cause for the trail's counters.
import type { TrailEvent } from './trail';
import { esrEc, ecName, faultStatus, isMmuFault, msrMrsIss } from './sysreg-fields';

/**
 * Linux arm64 system call numbers: the asm-generic table (include/uapi/asm-generic/unistd.h) that
 * arm64 uses, for the calls a boot and a shell session make and the other common ones.
 */
const SYSCALLS: Readonly<Record<number, string>> = {
  5: 'setxattr', 8: 'getxattr', 11: 'listxattr', 17: 'getcwd', 19: 'eventfd2', 20: 'epoll_create1',
  21: 'epoll_ctl', 22: 'epoll_pwait', 23: 'dup', 24: 'dup3', 25: 'fcntl', 26: 'inotify_init1',
  27: 'inotify_add_watch', 28: 'inotify_rm_watch', 29: 'ioctl', 32: 'flock', 33: 'mknodat', 34: 'mkdirat',
  35: 'unlinkat', 36: 'symlinkat', 37: 'linkat', 38: 'renameat', 39: 'umount2', 40: 'mount', 41: 'pivot_root',
  43: 'statfs', 44: 'fstatfs', 45: 'truncate', 46: 'ftruncate', 47: 'fallocate', 48: 'faccessat', 49: 'chdir',
  50: 'fchdir', 51: 'chroot', 52: 'fchmod', 53: 'fchmodat', 54: 'fchownat', 55: 'fchown', 56: 'openat',
  57: 'close', 58: 'vhangup', 59: 'pipe2', 61: 'getdents64', 62: 'lseek', 63: 'read', 64: 'write',
  65: 'readv', 66: 'writev', 67: 'pread64', 68: 'pwrite64', 69: 'preadv', 70: 'pwritev', 71: 'sendfile',
  72: 'pselect6', 73: 'ppoll', 74: 'signalfd4', 76: 'splice', 78: 'readlinkat', 79: 'newfstatat', 80: 'fstat',
  81: 'sync', 82: 'fsync', 83: 'fdatasync', 85: 'timerfd_create', 86: 'timerfd_settime', 87: 'timerfd_gettime',
  88: 'utimensat', 90: 'capget', 91: 'capset', 92: 'personality', 93: 'exit', 94: 'exit_group', 95: 'waitid',
  96: 'set_tid_address', 97: 'unshare', 98: 'futex', 99: 'set_robust_list', 100: 'get_robust_list',
  101: 'nanosleep', 102: 'getitimer', 103: 'setitimer', 105: 'init_module', 106: 'delete_module',
  107: 'timer_create', 110: 'timer_settime', 111: 'timer_delete', 112: 'clock_settime', 113: 'clock_gettime',
  114: 'clock_getres', 115: 'clock_nanosleep', 116: 'syslog', 117: 'ptrace', 118: 'sched_setparam',
  119: 'sched_setscheduler', 120: 'sched_getscheduler', 121: 'sched_getparam', 122: 'sched_setaffinity',
  123: 'sched_getaffinity', 124: 'sched_yield', 128: 'restart_syscall', 129: 'kill', 130: 'tkill', 131: 'tgkill',
  132: 'sigaltstack', 133: 'rt_sigsuspend', 134: 'rt_sigaction', 135: 'rt_sigprocmask', 136: 'rt_sigpending',
  137: 'rt_sigtimedwait', 138: 'rt_sigqueueinfo', 139: 'rt_sigreturn', 140: 'setpriority', 141: 'getpriority',
  142: 'reboot', 143: 'setregid', 144: 'setgid', 145: 'setreuid', 146: 'setuid', 147: 'setresuid',
  148: 'getresuid', 149: 'setresgid', 150: 'getresgid', 153: 'times', 154: 'setpgid', 155: 'getpgid',
  156: 'getsid', 157: 'setsid', 158: 'getgroups', 159: 'setgroups', 160: 'uname', 161: 'sethostname',
  163: 'getrlimit', 164: 'setrlimit', 165: 'getrusage', 166: 'umask', 167: 'prctl', 168: 'getcpu',
  169: 'gettimeofday', 170: 'settimeofday', 171: 'adjtimex', 172: 'getpid', 173: 'getppid', 174: 'getuid',
  175: 'geteuid', 176: 'getgid', 177: 'getegid', 178: 'gettid', 179: 'sysinfo', 198: 'socket',
  199: 'socketpair', 200: 'bind', 201: 'listen', 202: 'accept', 203: 'connect', 204: 'getsockname',
  205: 'getpeername', 206: 'sendto', 207: 'recvfrom', 208: 'setsockopt', 209: 'getsockopt', 210: 'shutdown',
  211: 'sendmsg', 212: 'recvmsg', 214: 'brk', 215: 'munmap', 216: 'mremap', 220: 'clone', 221: 'execve',
  222: 'mmap', 223: 'fadvise64', 226: 'mprotect', 227: 'msync', 228: 'mlock', 229: 'munlock', 232: 'mincore',
  233: 'madvise', 242: 'accept4', 260: 'wait4', 261: 'prlimit64', 276: 'renameat2', 277: 'seccomp',
  278: 'getrandom', 279: 'memfd_create', 280: 'bpf', 281: 'execveat', 291: 'statx', 293: 'rseq',
  435: 'clone3', 439: 'faccessat2',
};

/** The name of Linux arm64 system call `n`, or null if it is not in the table. */
export function syscallName(n: number): string | null {
  return SYSCALLS[n] ?? null;
}

/** What an INTID is on this board (ArmLab's virt: GICv3, generic timers, PL011, PL031, virtio-mmio). */
export function intidName(intid: number): string {
  if (intid < 16) return `SGI ${intid}`;
  const ppi: Record<number, string> = {
    25: 'GIC maintenance',
    26: 'EL2 physical timer',
    27: 'virtual timer',
    29: 'secure physical timer',
    30: 'EL1 physical timer',
  };
  if (intid < 32) return ppi[intid] ?? `PPI ${intid - 16}`;
  if (intid === 33) return 'PL011 UART';
  if (intid === 34) return 'PL031 RTC';
  if (intid >= 48 && intid < 48 + 32) return `virtio-mmio ${intid - 48}`;
  if (intid >= 1020 && intid <= 1023) return intid === 1023 ? 'spurious' : 'special INTID';
  return `SPI ${intid - 32}`;
}

const hex = (v: bigint): string => '0x' + v.toString(16);

/** The faulting IPA of a stage 2 abort: HPFAR_EL2.FIPA (IPA[51:12] in bits 43:4) with FAR's page offset. */
export function faultIpa(hpfar: bigint, far: bigint | null): bigint {
  const page = ((hpfar >> 4n) & ((1n << 40n) - 1n)) << 12n;
  return page | ((far ?? 0n) & 0xfffn);
}

/**
 * Whether an abort taken to EL2 from EL0/EL1 is a stage 2 fault. With HCR_EL2.TGE = 0 (a guest
 * running), stage 1 faults go to EL1 and only stage 2 faults and external aborts come to EL2; an
 * EL0 fault at EL2 with no IPA recorded is the EL2&0 regime's own stage 1 (TGE = 1).
 */
function isStage2(e: TrailEvent, fsc: number): boolean {
  if (e.toEl !== 2 || e.fromEl >= 2 || !isMmuFault(fsc)) return false;
  return e.fromEl === 1 || e.hpfar !== 0n;
}

const ACCESS_BYTES = [1, 2, 4, 8];

function abortText(e: TrailEvent, what: 'data' | 'instruction'): string {
  const iss = Number(e.esr & 0x1ffffffn);
  const fsc = iss & 0x3f;
  const stage2 = isStage2(e, fsc);
  let s = `${what} abort from EL${e.fromEl}, ${stage2 ? 'stage-2 ' : ''}${faultStatus(fsc)}`;
  const farValid = e.far !== null && (iss & (1 << 10)) === 0;
  if (stage2) s += `, IPA ${hex(faultIpa(e.hpfar, farValid ? e.far : null))}`;
  if (farValid && e.far !== null) s += `${stage2 ? ' (VA ' : ', VA '}${hex(e.far)}${stage2 ? ')' : ''}`;
  if (what === 'data') {
    const write = (iss & (1 << 6)) !== 0;
    if ((iss & (1 << 24)) !== 0) {
      const bytes = ACCESS_BYTES[(iss >> 22) & 3];
      const rt = (iss >> 16) & 31;
      const reg = rt === 31 ? ((iss & (1 << 15)) !== 0 ? 'XZR' : 'WZR') : `${(iss & (1 << 15)) !== 0 ? 'X' : 'W'}${rt}`;
      s += write ? `, ${bytes}-byte write of ${reg}` : `, ${bytes}-byte read into ${reg}`;
    } else {
      s += write ? ', write' : ', read';
    }
  }
  return s;
}

const trappedTo = (e: TrailEvent): string => (e.toEl === 2 && e.fromEl < 2 ? ', trapped to EL2' : '');

/** A synchronous exception in words, from its ESR. */
function syncText(e: TrailEvent): string {
  const ec = esrEc(e.esr);
  const iss = Number(e.esr & 0x1ffffffn);
  const from = `from EL${e.fromEl}`;
  switch (ec) {
    case 0x15: {
      const imm = iss & 0xffff;
      // Linux's system call convention: SVC #0 with the number in X8.
      if (imm === 0 && e.fromEl === 0) {
        const n = Number(e.x8 & 0xffffffffn);
        const name = syscallName(n);
        return `SVC #0 ${from}: syscall ${n}${name ? ` ${name}` : ''}`;
      }
      return `SVC #${imm} ${from}`;
    }
    case 0x16:
      return `HVC #${iss & 0xffff} ${from}`;
    case 0x17:
      return `SMC #${iss & 0xffff} ${from}${trappedTo(e)}`;
    case 0x24:
    case 0x25:
      return abortText(e, 'data');
    case 0x20:
    case 0x21:
      return abortText(e, 'instruction');
    case 0x18: {
      const m = msrMrsIss(iss);
      const rt = m.rt === 31 ? 'XZR' : `X${m.rt}`;
      return `${m.read ? `MRS ${rt}, ${m.name}` : `MSR ${m.name}, ${rt}`} ${from}${trappedTo(e) || `, trapped to EL${e.toEl}`}`;
    }
    case 0x01:
      return `${['WFI', 'WFE', 'WFIT', 'WFET'][iss & 3]} ${from}, trapped to EL${e.toEl}`;
    case 0x07:
      return `SIMD/FP access ${from}, trapped to EL${e.toEl}`;
    case 0x19:
      return `SVE access ${from}, trapped to EL${e.toEl}`;
    case 0x00:
      return `UNDEFINED instruction ${from} at ${hex(e.pc)}`;
    case 0x0e:
      return `illegal execution state ${from} at ${hex(e.pc)}`;
    case 0x22:
      return `PC alignment fault ${from}, PC ${hex(e.far ?? e.pc)}`;
    case 0x26:
      return `SP alignment fault ${from} at ${hex(e.pc)}`;
    case 0x2c:
      return `floating-point exception ${from} at ${hex(e.pc)}`;
    case 0x3c:
      return `BRK #${hex(BigInt(iss & 0xffff))} ${from}${(iss & 0xffff) === 0x800 ? ' (Linux BUG())' : ''}`;
    default:
      return `${ecName(ec)} ${from}`;
  }
}

function interruptText(e: TrailEvent): string {
  const kind = e.kind === 'irq' ? 'IRQ' : 'FIQ';
  if (e.virtual) {
    if (e.intid === null) return `virtual ${kind} (HCR_EL2.V${kind === 'IRQ' ? 'I' : 'F'}) to EL${e.toEl}`;
    const lr = e.listRegister !== null ? ` injected through list register ${e.listRegister}` : '';
    return `virtual ${kind} ${e.intid} (${intidName(e.intid)})${lr}`;
  }
  if (e.intid === null) return `${kind} to EL${e.toEl}`;
  return `${kind} ${e.intid} (${intidName(e.intid)})`;
}

/** The cause of a trail event in words. */
export function describeTrailEvent(e: TrailEvent): string {
  switch (e.kind) {
    case 'sync':
      return syncText(e);
    case 'irq':
    case 'fiq':
      return interruptText(e);
    case 'serror':
      return e.virtual ? `virtual SError (HCR_EL2.VSE) from EL${e.fromEl}` : `SError from EL${e.fromEl}`;
    case 'eret':
      return e.illegal ? `illegal exception return at EL${e.fromEl}` : `ERET from EL${e.fromEl} to EL${e.toEl}`;
  }
}

/**
 * A short cause for counting events by kind of cause: "SVC from EL0", "HVC from EL1",
 * "data abort from EL1 (stage 2)", "IRQ 30 (EL1 physical timer)", "ERET EL2 to EL1".
 */
export function trailCause(e: TrailEvent): string {
  switch (e.kind) {
    case 'sync': {
      const ec = esrEc(e.esr);
      const from = `from EL${e.fromEl}`;
      if (ec === 0x15) return `SVC ${from}`;
      if (ec === 0x16) return `HVC ${from}`;
      if (ec === 0x17) return `SMC ${from}`;
      if (ec === 0x24 || ec === 0x25 || ec === 0x20 || ec === 0x21) {
        const what = ec >= 0x24 ? 'data abort' : 'instruction abort';
        return `${what} ${from}${isStage2(e, Number(e.esr & 0x3fn)) ? ' (stage 2)' : ''}`;
      }
      if (ec === 0x18) return `MSR/MRS trap ${from}`;
      if (ec === 0x00) return `UNDEFINED ${from}`;
      return `${ecName(ec)} ${from}`;
    }
    case 'irq':
    case 'fiq':
      return interruptText(e).replace(/ injected through list register \d+$/, '');
    case 'serror':
      return e.virtual ? 'virtual SError' : 'SError';
    case 'eret':
      return e.illegal ? 'illegal exception return' : `ERET EL${e.fromEl} to EL${e.toEl}`;
  }
}
