/*
 * ringzero native snippet executor (test harness; Linux x86-64 user mode only).
 *
 * Runs instruction snippets on the real CPU with a given register/flag/memory
 * state and reports the final state, exactly mirroring src/testing/snippet.ts:
 *
 *   code   at 0x10000000 (R+X)  -- snippet bytes followed by a trailer
 *                                  `jmp *0(%rip)` + abs64(rz_exit_stub)
 *   data   at 0x20000000 (RW, 8 KiB)
 *   stack  at 0x30000000 (RW, 8 KiB)
 *
 * Faults (SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP) are caught with SA_SIGINFO on an
 * alternate signal stack (so the snippet's stack area is never touched by the
 * kernel), the register state is read from the ucontext, and execution resumes
 * in the harness.  A periodic SIGALRM aborts snippets that run too long.
 *
 * Protocol (all little-endian), stdin:
 *   u32 magic 'RZN1'
 *   then commands, each starting with one byte:
 *     'B'  u8 data_base[8192]  u8 stack_base[8192]      set the base images
 *     'C'  u32 code_len, u8 code[code_len],
 *          u64 regs[16] (rax rcx rdx rbx rsp rbp rsi rdi r8..r15), u64 rflags,
 *          u8 xmm[16][16] (XMM0..XMM15, little-endian), u32 mxcsr (bits 0-15 used),
 *          u8 x87[160] (the x87 part of a 64-bit FXSAVE image: FCW FSW FTW FOP FIP FDP, ST0-7;
 *          bytes 24-31 ignored: MXCSR comes from the field above),
 *          u32 n_data_patches,  { u32 off, u32 len, u8 bytes[len] } * n
 *          u32 n_stack_patches, { u32 off, u32 len, u8 bytes[len] } * n
 *          -> the case's input image is base + patches
 *     'E'  end
 * stdout: u32 magic 'RZO1', then per case:
 *   u8 outcome (0 ok, 1 exception, 2 timeout), u8 vector, u16 signo, u32 pad,
 *   u64 error_code, u64 cr2, u64 rip, u64 rflags, u64 regs[16], u8 xmm[16][16], u32 mxcsr, u32 pad,
 *   u8 x87[160] (FXSAVE64 bytes 0-159 after the snippet, MXCSR bytes 24-31 zeroed),
 *   u32 n_data_patches,  { u32 off, u32 len, u8 bytes[len] } * n   (relative to the input image)
 *   u32 n_stack_patches, { u32 off, u32 len, u8 bytes[len] } * n
 *   and after the last case: u32 magic 'RZE1'.
 * The harness's own MXCSR is 0x1f80 again after every case (it is callee-saved in the ABI), and
 * its x87 state FNINIT's (the snippet's state is loaded with FXRSTOR64 and saved with FXSAVE64).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define CODE_ADDR 0x10000000UL
#define CODE_SIZE 0x10000UL
#define DATA_ADDR 0x20000000UL
#define DATA_SIZE 0x2000UL
#define STACK_ADDR 0x30000000UL
#define STACK_SIZE 0x2000UL
#define TRAILER_LEN 14
#define MAX_CODE (CODE_SIZE - TRAILER_LEN)

/* RFLAGS bits taken from the input: CF PF AF ZF SF OF DF; IF and bit 1 forced on. */
#define INPUT_FLAGS_MASK 0xCD5UL
#define FORCED_FLAGS 0x202UL

#define HIDDEN __attribute__((visibility("hidden")))

/* Shared with the assembly below (order of regs: rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
HIDDEN uint64_t rz_in_regs[16];
HIDDEN uint64_t rz_in_rflags;
HIDDEN uint64_t rz_out_regs[16];
HIDDEN uint64_t rz_out_rflags;
HIDDEN uint64_t rz_host_rsp;
HIDDEN uint8_t rz_in_xmm[256] __attribute__((aligned(16)));
HIDDEN uint8_t rz_out_xmm[256] __attribute__((aligned(16)));
HIDDEN uint32_t rz_in_mxcsr, rz_out_mxcsr, rz_host_mxcsr = 0x1f80;
HIDDEN uint8_t rz_in_fx[512] __attribute__((aligned(64)));
HIDDEN uint8_t rz_out_fx[512] __attribute__((aligned(64)));
HIDDEN uint64_t rz_entry = CODE_ADDR;
HIDDEN volatile uint32_t rz_in_snippet;

void rz_enter(void);
void rz_exit_stub(void);
void rz_recover(void);

__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl rz_enter\n"
    ".hidden rz_enter\n"
    ".type rz_enter,@function\n"
    "rz_enter:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, rz_host_rsp(%rip)\n"
    "  movl $1, rz_in_snippet(%rip)\n"
    /* x87, XMM0-15 and MXCSR first (one FXRSTOR64 image): they touch no flag and no general register */
    "  fxrstor64 rz_in_fx(%rip)\n"
    "  pushq rz_in_rflags(%rip)\n"
    "  popfq\n"
    /* from here on, only MOV/JMP: they do not touch RFLAGS */
    "  mov rz_in_regs+0(%rip), %rax\n"
    "  mov rz_in_regs+8(%rip), %rcx\n"
    "  mov rz_in_regs+16(%rip), %rdx\n"
    "  mov rz_in_regs+24(%rip), %rbx\n"
    "  mov rz_in_regs+40(%rip), %rbp\n"
    "  mov rz_in_regs+48(%rip), %rsi\n"
    "  mov rz_in_regs+56(%rip), %rdi\n"
    "  mov rz_in_regs+64(%rip), %r8\n"
    "  mov rz_in_regs+72(%rip), %r9\n"
    "  mov rz_in_regs+80(%rip), %r10\n"
    "  mov rz_in_regs+88(%rip), %r11\n"
    "  mov rz_in_regs+96(%rip), %r12\n"
    "  mov rz_in_regs+104(%rip), %r13\n"
    "  mov rz_in_regs+112(%rip), %r14\n"
    "  mov rz_in_regs+120(%rip), %r15\n"
    "  mov rz_in_regs+32(%rip), %rsp\n"
    "  jmp *rz_entry(%rip)\n"
    "\n"
    ".p2align 4\n"
    ".globl rz_exit_stub\n"
    ".hidden rz_exit_stub\n"
    ".type rz_exit_stub,@function\n"
    "rz_exit_stub:\n"
    /* reached from the trailer with the snippet's state intact */
    "  mov %rsp, rz_out_regs+32(%rip)\n"
    "  mov %rax, rz_out_regs+0(%rip)\n"
    "  mov %rcx, rz_out_regs+8(%rip)\n"
    "  mov %rdx, rz_out_regs+16(%rip)\n"
    "  mov %rbx, rz_out_regs+24(%rip)\n"
    "  mov %rbp, rz_out_regs+40(%rip)\n"
    "  mov %rsi, rz_out_regs+48(%rip)\n"
    "  mov %rdi, rz_out_regs+56(%rip)\n"
    "  mov %r8, rz_out_regs+64(%rip)\n"
    "  mov %r9, rz_out_regs+72(%rip)\n"
    "  mov %r10, rz_out_regs+80(%rip)\n"
    "  mov %r11, rz_out_regs+88(%rip)\n"
    "  mov %r12, rz_out_regs+96(%rip)\n"
    "  mov %r13, rz_out_regs+104(%rip)\n"
    "  mov %r14, rz_out_regs+112(%rip)\n"
    "  mov %r15, rz_out_regs+120(%rip)\n"
    "  movdqu %xmm0, rz_out_xmm+0(%rip)\n"
    "  movdqu %xmm1, rz_out_xmm+16(%rip)\n"
    "  movdqu %xmm2, rz_out_xmm+32(%rip)\n"
    "  movdqu %xmm3, rz_out_xmm+48(%rip)\n"
    "  movdqu %xmm4, rz_out_xmm+64(%rip)\n"
    "  movdqu %xmm5, rz_out_xmm+80(%rip)\n"
    "  movdqu %xmm6, rz_out_xmm+96(%rip)\n"
    "  movdqu %xmm7, rz_out_xmm+112(%rip)\n"
    "  movdqu %xmm8, rz_out_xmm+128(%rip)\n"
    "  movdqu %xmm9, rz_out_xmm+144(%rip)\n"
    "  movdqu %xmm10, rz_out_xmm+160(%rip)\n"
    "  movdqu %xmm11, rz_out_xmm+176(%rip)\n"
    "  movdqu %xmm12, rz_out_xmm+192(%rip)\n"
    "  movdqu %xmm13, rz_out_xmm+208(%rip)\n"
    "  movdqu %xmm14, rz_out_xmm+224(%rip)\n"
    "  movdqu %xmm15, rz_out_xmm+240(%rip)\n"
    "  stmxcsr rz_out_mxcsr(%rip)\n"
    "  fxsave64 rz_out_fx(%rip)\n"
    "  fninit\n"
    "  ldmxcsr rz_host_mxcsr(%rip)\n"
    "  mov rz_host_rsp(%rip), %rsp\n"
    "  pushfq\n"
    "  pop %rax\n"
    "  mov %rax, rz_out_rflags(%rip)\n"
    "  push $0x202\n"  /* clean RFLAGS: DF=0, AC=0, TF=0 */
    "  popfq\n"
    ".globl rz_recover\n"
    ".hidden rz_recover\n"
    "rz_recover:\n" /* signal handlers resume here with RSP = rz_host_rsp */
    "  movl $0, rz_in_snippet(%rip)\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n");

enum { OUT_OK = 0, OUT_EXCEPTION = 1, OUT_TIMEOUT = 2 };

static volatile uint32_t out_outcome;
static volatile uint64_t out_rip, out_vector, out_err, out_cr2, out_signo;
static volatile uint32_t ticks;
/* SIGALRMs that arrived while a snippet ran (its FPU state went through the kernel). */
static volatile uint32_t alarms_in_snippet;

#define TICK_US 20000
#define TIMEOUT_TICKS 50 /* ~1 s of wall time per case */

static const int greg_index[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                   REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                   REG_R12, REG_R13, REG_R14, REG_R15};

static void capture_and_recover(ucontext_t *uc, uint32_t outcome, int sig) {
    greg_t *g = uc->uc_mcontext.gregs;
    for (int i = 0; i < 16; i++) rz_out_regs[i] = (uint64_t)g[greg_index[i]];
    rz_out_rflags = (uint64_t)g[REG_EFL];
    out_rip = (uint64_t)g[REG_RIP];
    if (uc->uc_mcontext.fpregs) {
        memcpy(rz_out_xmm, uc->uc_mcontext.fpregs->_xmm, sizeof rz_out_xmm);
        rz_out_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
        memcpy(rz_out_fx, uc->uc_mcontext.fpregs, 160);
        uc->uc_mcontext.fpregs->mxcsr = rz_host_mxcsr; /* restored by sigreturn */
        uc->uc_mcontext.fpregs->cwd = 0x37f;            /* and FNINIT's x87 state */
        uc->uc_mcontext.fpregs->swd = 0;
        uc->uc_mcontext.fpregs->ftw = 0;
    }
    out_vector = (uint64_t)g[REG_TRAPNO];
    out_err = (uint64_t)g[REG_ERR];
    out_cr2 = (uint64_t)g[REG_CR2];
    out_signo = (uint64_t)sig;
    out_outcome = outcome;
    g[REG_RIP] = (greg_t)(uintptr_t)&rz_recover;
    g[REG_RSP] = (greg_t)rz_host_rsp;
    g[REG_EFL] = 0x202;
}

static void fault_handler(int sig, siginfo_t *si, void *ctx) {
    (void)si;
    if (!rz_in_snippet) {
        /* A fault in the harness itself: die loudly. */
        static const char msg[] = "rz-exec: fault outside of a snippet\n";
        (void)!write(2, msg, sizeof msg - 1);
        signal(sig, SIG_DFL);
        return;
    }
    capture_and_recover((ucontext_t *)ctx, OUT_EXCEPTION, sig);
}

static void alarm_handler(int sig, siginfo_t *si, void *ctx) {
    (void)si;
    if (!rz_in_snippet) return;
    alarms_in_snippet++;
    ucontext_t *uc = (ucontext_t *)ctx;
    uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    int in_guest = (rip >= CODE_ADDR && rip < CODE_ADDR + CODE_SIZE) ||
                   (rip >= DATA_ADDR && rip < DATA_ADDR + DATA_SIZE) ||
                   (rip >= STACK_ADDR && rip < STACK_ADDR + STACK_SIZE);
    if (!in_guest) return;
    if (++ticks < TIMEOUT_TICKS) return;
    capture_and_recover(uc, OUT_TIMEOUT, sig);
}

static void die(const char *what) {
    fprintf(stderr, "rz-exec: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void read_exact(void *buf, size_t n) {
    if (n && fread(buf, 1, n, stdin) != n) {
        fprintf(stderr, "rz-exec: truncated input\n");
        exit(2);
    }
}
static uint32_t read_u32(void) {
    uint32_t v;
    read_exact(&v, 4);
    return v;
}
static void write_all(const void *buf, size_t n) {
    if (n && fwrite(buf, 1, n, stdout) != n) die("write");
}
static void write_u32(uint32_t v) { write_all(&v, 4); }

static void read_patches(uint8_t *img, size_t size) {
    uint32_t n = read_u32();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = read_u32(), len = read_u32();
        if ((uint64_t)off + len > size) {
            fprintf(stderr, "rz-exec: patch out of range (%u+%u)\n", off, len);
            exit(2);
        }
        read_exact(img + off, len);
    }
}

/* Emit the ranges where `now` differs from `was` (small gaps are merged). */
static void write_patches(const uint8_t *now, const uint8_t *was, size_t size) {
    uint32_t offs[512], lens[512];
    uint32_t n = 0;
    size_t i = 0;
    int all = 0;
    while (i < size) {
        if (now[i] == was[i]) { i++; continue; }
        size_t start = i, end = i + 1;
        i++;
        while (i < size) {
            if (now[i] != was[i]) { end = i + 1; i++; continue; }
            if (i - end >= 8) break;
            i++;
        }
        if (n == 512) { all = 1; break; }
        offs[n] = (uint32_t)start;
        lens[n] = (uint32_t)(end - start);
        n++;
    }
    if (all) {
        write_u32(1);
        write_u32(0);
        write_u32((uint32_t)size);
        write_all(now, size);
        return;
    }
    write_u32(n);
    for (uint32_t k = 0; k < n; k++) {
        write_u32(offs[k]);
        write_u32(lens[k]);
        write_all(now + offs[k], lens[k]);
    }
}

static uint8_t data_base[DATA_SIZE], stack_base[STACK_SIZE];
static uint8_t data_in[DATA_SIZE], stack_in[STACK_SIZE];
static uint8_t altstack[1 << 16] __attribute__((aligned(64)));

int main(void) {
    static char inbuf[1 << 20], outbuf[1 << 20];
    setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    /* Code: one memfd mapped twice, R+X at CODE_ADDR and RW somewhere else. */
    int fd = memfd_create("rz-code", 0);
    if (fd < 0) die("memfd_create");
    if (ftruncate(fd, CODE_SIZE) != 0) die("ftruncate");
    void *code_x = mmap((void *)CODE_ADDR, CODE_SIZE, PROT_READ | PROT_EXEC,
                        MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
    if (code_x != (void *)CODE_ADDR) die("mmap code");
    uint8_t *code_w = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (code_w == MAP_FAILED) die("mmap code alias");
    uint8_t *data = mmap((void *)DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (data != (void *)DATA_ADDR) die("mmap data");
    uint8_t *stack = mmap((void *)STACK_ADDR, STACK_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (stack != (void *)STACK_ADDR) die("mmap stack");

    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) die("sigaltstack");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0) die("sigaction");
    sa.sa_sigaction = alarm_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigaddset(&sa.sa_mask, SIGALRM);
    if (sigaction(SIGALRM, &sa, NULL) != 0) die("sigaction alarm");
    struct itimerval it = {{0, TICK_US}, {0, TICK_US}};
    if (setitimer(ITIMER_REAL, &it, NULL) != 0) die("setitimer");

    if (read_u32() != 0x314e5a52u /* 'RZN1' */) {
        fprintf(stderr, "rz-exec: bad magic\n");
        return 2;
    }
    write_u32(0x314f5a52u); /* 'RZO1' */

    uint32_t prev_len = 0;
    for (;;) {
        int cmd = fgetc(stdin);
        if (cmd == EOF) {
            fprintf(stderr, "rz-exec: truncated input (no end command)\n");
            return 2;
        }
        if (cmd == 'E') break;
        if (cmd == 'B') {
            read_exact(data_base, DATA_SIZE);
            read_exact(stack_base, STACK_SIZE);
            continue;
        }
        if (cmd != 'C') {
            fprintf(stderr, "rz-exec: bad command %d\n", cmd);
            return 2;
        }
        uint32_t len = read_u32();
        if (len > MAX_CODE) {
            fprintf(stderr, "rz-exec: code too long (%u)\n", len);
            return 2;
        }
        memset(code_w, 0, prev_len + TRAILER_LEN);
        read_exact(code_w, len);
        uint8_t *t = code_w + len;
        t[0] = 0xff; t[1] = 0x25; t[2] = t[3] = t[4] = t[5] = 0;
        uint64_t stub = (uint64_t)(uintptr_t)&rz_exit_stub;
        memcpy(t + 6, &stub, 8);
        prev_len = len;

        read_exact(rz_in_regs, sizeof rz_in_regs);
        uint64_t fl;
        read_exact(&fl, 8);
        rz_in_rflags = (fl & INPUT_FLAGS_MASK) | FORCED_FLAGS;
        read_exact(rz_in_xmm, sizeof rz_in_xmm);
        rz_in_mxcsr = read_u32() & 0xffffu;
        read_exact(rz_in_fx, 160);
        memcpy(rz_in_fx + 24, &rz_in_mxcsr, 4);
        memset(rz_in_fx + 28, 0, 4);
        memcpy(rz_in_fx + 160, rz_in_xmm, 256);
        memcpy(data_in, data_base, DATA_SIZE);
        memcpy(stack_in, stack_base, STACK_SIZE);
        read_patches(data_in, DATA_SIZE);
        read_patches(stack_in, STACK_SIZE);

        /*
         * Every page the snippet may fetch from is touched first: a page fault
         * taken in the snippet would return to it through IRET, and on AMD an
         * IRET to 64-bit mode with a non-canonical RSP raises #GP (Linux turns
         * that into a SIGSEGV for the snippet). For the same reason a timer
         * interrupt or SIGALRM landing while a snippet holds a non-canonical RSP
         * yields a #GP that the snippet did not cause: such a result is retried;
         * a real #GP repeats on every attempt.
         */
        for (uint64_t off = 0; off < (uint64_t)len + TRAILER_LEN; off += 4096)
            (void)*(volatile uint8_t *)(CODE_ADDR + off);
        (void)*(volatile uint8_t *)(CODE_ADDR + len + TRAILER_LEN - 1);
        for (int attempt = 0;; attempt++) {
            memcpy(data, data_in, DATA_SIZE);
            memcpy(stack, stack_in, STACK_SIZE);
            out_outcome = OUT_OK;
            out_rip = CODE_ADDR + len;
            out_vector = out_err = out_cr2 = out_signo = 0;
            ticks = 0;
            alarms_in_snippet = 0;
            struct rusage before, after;
            getrusage(RUSAGE_SELF, &before);
            __asm__ volatile("" ::: "memory");
            rz_enter();
            __asm__ volatile("" ::: "memory");
            getrusage(RUSAGE_SELF, &after);
            uint64_t rsp = rz_out_regs[4];
            int noncanonical = (uint64_t)((int64_t)(rsp << 16) >> 16) != rsp;
            /*
             * A signal or a context switch in the middle of a snippet saves and
             * restores its state through the kernel, which is not transparent:
             * on AMD the x87 FIP/FDP/FOP are not saved while FSW.ES = 0 (they
             * come back zero), sigreturn drops NT. Such a run is retried (the
             * next attempt is usually undisturbed on a loaded machine).
             */
            int disturbed = alarms_in_snippet != 0 || after.ru_nivcsw != before.ru_nivcsw ||
                            after.ru_nvcsw != before.ru_nvcsw;
            /*
             * An exception outside the snippet's code, data and stack is the
             * harness's own (seen twice on a heavily loaded machine: #UD inside
             * rz_enter): retried too; a real one repeats on every attempt.
             */
            int outside = out_outcome == OUT_EXCEPTION &&
                          !((out_rip >= CODE_ADDR && out_rip < CODE_ADDR + CODE_SIZE) ||
                            (out_rip >= DATA_ADDR && out_rip < DATA_ADDR + DATA_SIZE) ||
                            (out_rip >= STACK_ADDR && out_rip < STACK_ADDR + STACK_SIZE));
            if (out_outcome == OUT_TIMEOUT || attempt == 8) break;
            if (!(out_outcome == OUT_EXCEPTION && out_vector == 13 && noncanonical) && !disturbed && !outside) break;
        }

        uint8_t hdr[8] = {(uint8_t)out_outcome, (uint8_t)out_vector, (uint8_t)out_signo,
                          (uint8_t)(out_signo >> 8), 0, 0, 0, 0};
        write_all(hdr, 8);
        uint64_t v[4] = {out_err, out_cr2, out_rip, rz_out_rflags};
        write_all(v, sizeof v);
        write_all(rz_out_regs, sizeof rz_out_regs);
        write_all(rz_out_xmm, sizeof rz_out_xmm);
        write_u32(rz_out_mxcsr);
        write_u32(0);
        memset(rz_out_fx + 24, 0, 8);
        write_all(rz_out_fx, 160);
        write_patches(data, data_in, DATA_SIZE);
        write_patches(stack, stack_in, STACK_SIZE);
    }
    write_u32(0x31455a52u); /* 'RZE1' */
    if (fflush(stdout) != 0) die("flush");
    return 0;
}
