// kvm-test: proves that KVM inside ArmLab's Linux really runs a guest, not only that it initialised.
//
// It creates a VM with one vCPU through /dev/kvm, gives it one page of RAM holding the few
// instructions of guest_code below, and runs it. The guest (EL1, MMU off) accesses an address no
// memory slot covers, so each access faults at stage 2 and reaches us as KVM_EXIT_MMIO; it then
// asks KVM's in-kernel PSCI for its version with HVC (answered without an exit) and finally calls
// PSCI SYSTEM_OFF, which KVM turns into KVM_EXIT_SYSTEM_EVENT. Every exit is printed, each is
// checked against what the guest code must produce, and the last line is a PASS/FAIL summary.
//
// What this exercises in the machine underneath (ArmLab or QEMU): EL2 world switches, stage-2
// translation and its faults (HPFAR_EL2, ESR_EL2 data-abort syndromes with ISV), HVC trapping to
// EL2, and the return path that writes MMIO read data into the guest's register.
//
// Build: aarch64-linux-gnu-gcc -static -O2 -o kvm-test kvm-test.c   (see build-initramfs.sh)
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

// The guest's physical address map.
#define GUEST_RAM_IPA 0x40000000ull   // one memory slot, where the code is loaded and entered
#define GUEST_RAM_SIZE 0x10000ull     // 64 KiB: a whole page for every supported host granule
#define MMIO_IPA 0x10000000ull        // no memory slot here: accesses exit to us as MMIO
#define MMIO_READ_VALUE 0x12345678u   // what we answer to the guest's 4-byte MMIO read

// The guest code below loads these PSCI function IDs (SMCCC fast calls, 32-bit convention, Arm DEN
// 0022) as immediates; <linux/psci.h> (included by <linux/kvm.h>) must agree with them.
_Static_assert(PSCI_0_2_FN_PSCI_VERSION == 0x84000000u, "PSCI_VERSION function ID");
_Static_assert(PSCI_0_2_FN_SYSTEM_OFF == 0x84000008u, "SYSTEM_OFF function ID");

// The guest program, assembled by the same compiler into this binary and copied into guest RAM.
// It uses no literal pool and no absolute addresses, so it runs wherever it is loaded.
extern const uint8_t guest_code_start[], guest_code_end[];
__asm__(
    "  .pushsection .rodata.guest_code, \"a\"\n"
    "  .balign 4\n"
    "  .global guest_code_start, guest_code_end\n"
    "guest_code_start:\n"
    "  movz x19, #0x1000, lsl #16\n"         // x19 = MMIO_IPA (HVC may clobber x0-x17)
    "  movz x2, #0x7788\n"                   // x2 = 0x1122334455667788
    "  movk x2, #0x5566, lsl #16\n"
    "  movk x2, #0x3344, lsl #32\n"
    "  movk x2, #0x1122, lsl #48\n"
    "  str  x2, [x19]\n"                     // exit 1: MMIO write, 8 bytes at MMIO_IPA
    "  ldr  w3, [x19, #8]\n"                 // exit 2: MMIO read, 4 bytes at MMIO_IPA + 8
    "  add  w3, w3, #1\n"                    // the read value must have reached w3:
    "  strb w3, [x19, #16]\n"                // exit 3: MMIO write of its low byte + 1
    "  movz w0, #0x0000\n"                   // PSCI_VERSION: KVM answers in x0, no exit
    "  movk w0, #0x8400, lsl #16\n"
    "  hvc  #0\n"
    "  str  w0, [x19, #24]\n"                // exit 4: MMIO write of the PSCI version
    "  movz w0, #0x0008\n"                   // PSCI SYSTEM_OFF
    "  movk w0, #0x8400, lsl #16\n"
    "  hvc  #0\n"                            // exit 5: KVM_EXIT_SYSTEM_EVENT (shutdown)
    "1: b 1b\n"                              // SYSTEM_OFF does not return
    "guest_code_end:\n"
    "  .popsection\n");

// One expected exit: the guest code above fixes all of them (and their order) in advance.
struct expected_exit {
  uint32_t reason;   // KVM_EXIT_*
  uint64_t addr;     // MMIO: guest physical address
  uint32_t len;      // MMIO: access size in bytes
  int is_write;      // MMIO: 1 = guest store
  int check_data;    // MMIO write: compare data (else it is only printed)
  uint64_t data;     // MMIO write: the value stored
};

static const struct expected_exit expected[] = {
    {KVM_EXIT_MMIO, MMIO_IPA, 8, 1, 1, 0x1122334455667788ull},
    {KVM_EXIT_MMIO, MMIO_IPA + 8, 4, 0, 0, 0},
    {KVM_EXIT_MMIO, MMIO_IPA + 16, 1, 1, 1, (MMIO_READ_VALUE + 1) & 0xff},
    {KVM_EXIT_MMIO, MMIO_IPA + 24, 4, 1, 0, 0},
    {KVM_EXIT_SYSTEM_EVENT, 0, 0, 0, 0, 0},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static volatile sig_atomic_t timed_out;
static void on_alarm(int sig) {
  (void)sig;
  timed_out = 1;  // interrupts KVM_RUN (EINTR), so a guest that never exits cannot hang us
}

static int fail(const char *what) {
  printf("kvm-test: FAIL (%s)\n", what);
  return 1;
}

static int fail_errno(const char *what) {
  printf("kvm-test: FAIL (%s: %s)\n", what, strerror(errno));
  return 1;
}

static const char *exit_name(uint32_t reason) {
  switch (reason) {
    case KVM_EXIT_UNKNOWN: return "UNKNOWN";
    case KVM_EXIT_EXCEPTION: return "EXCEPTION";
    case KVM_EXIT_HYPERCALL: return "HYPERCALL";
    case KVM_EXIT_MMIO: return "MMIO";
    case KVM_EXIT_INTR: return "INTR";
    case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
    case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
    case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
    case KVM_EXIT_ARM_NISV: return "ARM_NISV";
    default: return "?";
  }
}

static const char *system_event_name(uint32_t type) {
  switch (type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN: return "shutdown";
    case KVM_SYSTEM_EVENT_RESET: return "reset";
    case KVM_SYSTEM_EVENT_CRASH: return "crash";
    default: return "other";
  }
}

// Little-endian bytes of an MMIO access as a number (AArch64 Linux hosts are little-endian here).
static uint64_t mmio_value(const uint8_t *data, uint32_t len) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < len && i < 8; i++) v |= (uint64_t)data[i] << (8 * i);
  return v;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);

  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) return fail_errno("open /dev/kvm");
  int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
  printf("kvm-test: KVM_GET_API_VERSION = %d\n", api);
  if (api != KVM_API_VERSION) return fail("unexpected KVM API version");

  // Type 0: the default 40-bit IPA space, which every arm64 KVM host supports.
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) return fail_errno("KVM_CREATE_VM");

  // Guest RAM: anonymous host memory, filled with the guest program, registered as slot 0.
  void *ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ram == MAP_FAILED) return fail_errno("mmap guest RAM");
  size_t code_size = (size_t)(guest_code_end - guest_code_start);
  memcpy(ram, guest_code_start, code_size);
  struct kvm_userspace_memory_region region = {
      .slot = 0,
      .flags = 0,
      .guest_phys_addr = GUEST_RAM_IPA,
      .memory_size = GUEST_RAM_SIZE,
      .userspace_addr = (uint64_t)(uintptr_t)ram,
  };
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return fail_errno("KVM_SET_USER_MEMORY_REGION");
  printf("kvm-test: VM created, %zu bytes of guest code at IPA 0x%llx, MMIO window at 0x%llx\n",
         code_size, GUEST_RAM_IPA, MMIO_IPA);

  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) return fail_errno("KVM_CREATE_VCPU");

  // The host CPU's preferred vCPU target, plus PSCI 0.2+: without that feature KVM offers the
  // guest only PSCI 0.1, which has neither PSCI_VERSION nor SYSTEM_OFF.
  struct kvm_vcpu_init init;
  memset(&init, 0, sizeof init);
  if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0) return fail_errno("KVM_ARM_PREFERRED_TARGET");
  init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
  if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0) return fail_errno("KVM_ARM_VCPU_INIT");
  printf("kvm-test: vCPU 0 initialised (target %u, PSCI 0.2+)\n", init.target);

  // After KVM_ARM_VCPU_INIT the vCPU is in reset state: EL1h, DAIF masked, MMU off. Only the PC
  // has to be set, through the core-register view of struct kvm_regs.
  uint64_t pc = GUEST_RAM_IPA;
  struct kvm_one_reg reg = {
      .id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.pc),
      .addr = (uint64_t)(uintptr_t)&pc,
  };
  if (ioctl(vcpu, KVM_SET_ONE_REG, &reg) < 0) return fail_errno("KVM_SET_ONE_REG pc");

  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size < (int)sizeof(struct kvm_run)) return fail_errno("KVM_GET_VCPU_MMAP_SIZE");
  struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run == MAP_FAILED) return fail_errno("mmap kvm_run");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;  // no SA_RESTART: the alarm must interrupt KVM_RUN
  sigaction(SIGALRM, &sa, NULL);
  alarm(20);

  char summary[512];
  size_t used = 0;
  summary[0] = 0;
  unsigned exits = 0;
  for (;;) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0) {
      if (errno == EINTR && timed_out) return fail("timeout: the guest stopped making exits");
      if (errno == EINTR) continue;
      return fail_errno("KVM_RUN");
    }
    exits++;
    char line[160];
    const struct expected_exit *want = exits <= N_EXPECTED ? &expected[exits - 1] : NULL;
    int ok = want != NULL && run->exit_reason == want->reason;

    if (run->exit_reason == KVM_EXIT_MMIO) {
      uint64_t value;
      if (run->mmio.is_write) {
        value = mmio_value(run->mmio.data, run->mmio.len);
      } else {
        // Our answer to the read: KVM writes it into the guest's destination register when
        // the vCPU next runs.
        value = MMIO_READ_VALUE;
        for (uint32_t i = 0; i < run->mmio.len && i < 8; i++) run->mmio.data[i] = (uint8_t)(value >> (8 * i));
      }
      snprintf(line, sizeof line, "MMIO %s %u byte%s at 0x%llx, data 0x%" PRIx64, run->mmio.is_write ? "write" : "read",
               run->mmio.len, run->mmio.len == 1 ? "" : "s", (unsigned long long)run->mmio.phys_addr, value);
      if (ok)
        ok = run->mmio.phys_addr == want->addr && run->mmio.len == want->len && !!run->mmio.is_write == want->is_write &&
             (!want->check_data || value == want->data);
      // The PSCI version KVM gave the guest: major in bits [30:16], minor in [15:0]; negative = error.
      if (ok && exits == 4) {
        if ((int32_t)value < 0 || (value >> 16) == 0) ok = 0;
        char v[40];
        snprintf(v, sizeof v, " (PSCI %u.%u)", (unsigned)(value >> 16), (unsigned)(value & 0xffff));
        strncat(line, v, sizeof line - strlen(line) - 1);
      }
    } else if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
      snprintf(line, sizeof line, "SYSTEM_EVENT %s", system_event_name(run->system_event.type));
      if (ok) ok = run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN;
    } else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY) {
      snprintf(line, sizeof line, "FAIL_ENTRY reason 0x%llx",
               (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
    } else {
      snprintf(line, sizeof line, "%s (exit reason %u)", exit_name(run->exit_reason), run->exit_reason);
    }

    printf("kvm-test: exit %u: %s%s\n", exits, line, ok ? "" : "  <-- unexpected");
    if (!ok) return fail("unexpected exit");
    int n = snprintf(summary + used, sizeof summary - used, "%s%s", exits > 1 ? ", " : "", line);
    if (n > 0 && (size_t)n < sizeof summary - used) used += (size_t)n;
    if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) break;
  }
  alarm(0);

  if (exits != N_EXPECTED) return fail("wrong number of exits");
  printf("kvm-test: PASS (%u exits: %s)\n", exits, summary);
  close(vcpu);
  close(vm);
  close(kvm);
  return 0;
}
