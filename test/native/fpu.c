// Native oracle for the software floating-point core (src/fpu): reads fixed-size records from
// stdin, executes the real SSE / x87 instruction on the host with the MXCSR or x87 control word
// under test, writes the result bits and the flags. SSE runs with all exceptions masked; x87
// register-result operations may unmask some (the result is then read without waiting).
//
// Input record (48 bytes):  u32 op, u32 ctl (MXCSR or x87 CW), u32 imm (CMPSS/ROUNDSS immediate;
//                           x87: bit 0 = read ST0 with FNSAVE), u32 mode (bit 0: SSE exceptions may
//                           be unmasked, catch #XM), u8 a[16], u8 b[16]
// Output record (48 bytes): u8 r[32] (x87 FXTRACT: two 16-byte slots), u32 status (MXCSR after, or
//                           x87 status word), u32 eflags (ZF/PF/CF of COMIS), u8 pad[8]
//                           (pad[0] = 1: the instruction faulted with #XM; r = XMM0 at the fault)
// Operands and results are little-endian in their slots (extended: 10 bytes).
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

typedef struct { uint32_t op, ctl, imm, pad; uint8_t a[16], b[16]; } rec_in;
typedef struct { uint8_t r[32]; uint32_t status, eflags; uint8_t pad[8]; } rec_out;

enum {
  ADDSS = 1, SUBSS, MULSS, DIVSS, SQRTSS, MINSS, MAXSS, CMPSS, COMISS, UCOMISS,
  ADDSD, SUBSD, MULSD, DIVSD, SQRTSD, MINSD, MAXSD, CMPSD, COMISD, UCOMISD,
  CVTSS2SD, CVTSD2SS, CVTSI2SS32, CVTSI2SS64, CVTSI2SD32, CVTSI2SD64,
  CVTSS2SI32, CVTTSS2SI32, CVTSS2SI64, CVTTSS2SI64, CVTSD2SI32, CVTTSD2SI32, CVTSD2SI64, CVTTSD2SI64,
  ROUNDSS, ROUNDSD, VCMPSS, VCMPSD,
  FADD = 100, FSUB, FMUL, FDIV, FSQRT, FCOM, FUCOM, FXAM, FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1,
  FLD32, FLD64, FILD16, FILD32, FILD64, FST32, FST64, FIST16, FIST32, FIST64, FISTT16, FISTT32, FISTT64,
  FBLD, FBSTP, FLDCONST,
};

#define SSE_PRE "ldmxcsr %[mx]\n\tmovdqu %[a], %%xmm0\n\tmovdqu %[b], %%xmm1\n\t"
#define SSE_POST "\n\tmovdqu %%xmm0, %[r]\n\tstmxcsr %[mo]"
#define SSE_IO [r] "=m"(o->r), [mo] "=m"(o->status) : [mx] "m"(in->ctl), [a] "m"(in->a), [b] "m"(in->b)
#define SSE2(insn) asm volatile(SSE_PRE insn " %%xmm1, %%xmm0" SSE_POST : SSE_IO : "xmm0", "xmm1")
#define SSEI(insn, imm) asm volatile(SSE_PRE insn " $" #imm ", %%xmm1, %%xmm0" SSE_POST : SSE_IO : "xmm0", "xmm1")
#define SSEFL(insn)                                                                                   \
  asm volatile(SSE_PRE insn " %%xmm1, %%xmm0\n\tlahf\n\tmovb %%ah, %[fl]\n\tstmxcsr %[mo]"            \
               : [fl] "=m"(o->eflags), [mo] "=m"(o->status)                                           \
               : [mx] "m"(in->ctl), [a] "m"(in->a), [b] "m"(in->b) : "xmm0", "xmm1", "rax", "cc")
#define SSE2GPR(insn, reg)                                                                             \
  asm volatile(SSE_PRE insn " %%xmm0, %%" reg "\n\tmov %%" reg ", %[r]\n\tstmxcsr %[mo]" : SSE_IO    \
               : "xmm0", "xmm1", "rax")
#define GPR2SSE(insn)                                                                                  \
  asm volatile(SSE_PRE insn " %[b], %%xmm0" SSE_POST : SSE_IO : "xmm0", "xmm1")

#define CASE8(OP, insn) \
  case OP: switch (in->imm & 7) { \
    case 0: SSEI(insn, 0); break; case 1: SSEI(insn, 1); break; case 2: SSEI(insn, 2); break; \
    case 3: SSEI(insn, 3); break; case 4: SSEI(insn, 4); break; case 5: SSEI(insn, 5); break; \
    case 6: SSEI(insn, 6); break; default: SSEI(insn, 7); break; } break;
#define CASE16(OP, insn) \
  case OP: switch (in->imm & 15) { \
    case 0: SSEI(insn, 0); break; case 1: SSEI(insn, 1); break; case 2: SSEI(insn, 2); break; \
    case 3: SSEI(insn, 3); break; case 4: SSEI(insn, 4); break; case 5: SSEI(insn, 5); break; \
    case 6: SSEI(insn, 6); break; case 7: SSEI(insn, 7); break; case 8: SSEI(insn, 8); break; \
    case 9: SSEI(insn, 9); break; case 10: SSEI(insn, 10); break; case 11: SSEI(insn, 11); break; \
    case 12: SSEI(insn, 12); break; case 13: SSEI(insn, 13); break; case 14: SSEI(insn, 14); break; \
    default: SSEI(insn, 15); break; } break;

#define VEXI(insn, imm) asm volatile(SSE_PRE insn " $" #imm ", %%xmm1, %%xmm0, %%xmm0" SSE_POST : SSE_IO : "xmm0", "xmm1")
#define V4(insn, b) case b: VEXI(insn, b); break; case b + 1: VEXI(insn, b + 1); break; \
  case b + 2: VEXI(insn, b + 2); break; case b + 3: VEXI(insn, b + 3); break;
// VCMPSS/VCMPSD with all 32 predicates (AVX hosts only: status 0xffffffff otherwise)
#define CASE32(OP, insn) \
  case OP: if (!__builtin_cpu_supports("avx")) { o->status = 0xffffffffu; break; } \
    switch (in->imm & 31) { V4(insn, 0) V4(insn, 4) V4(insn, 8) V4(insn, 12) V4(insn, 16) V4(insn, 20) \
      V4(insn, 24) V4(insn, 28) } break;

// x87: fninit, load the control word, clear the flags, push b then a (st0 = a, st1 = b), run the
// instruction, store st0 (and st1 when asked), read the status word.
#define X87_PRE "fninit\n\tfldcw %[cw]\n\tfnclex\n\t"
#define X87_IO [r] "=m"(o->r), [r2] "=m"(o->r[16]), [sw] "=m"(o->status) : [cw] "m"(in->ctl), [a] "m"(in->a), [b] "m"(in->b)
#define X87_2(insn)                                                                                   \
  asm volatile(X87_PRE "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit" : X87_IO : "memory")
#define X87_1(insn)                                                                                   \
  asm volatile(X87_PRE "fldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit" : X87_IO : "memory")
// With exceptions unmasked (imm bit 0): read ST0 with the non-waiting FNSAVE (a pending unmasked
// exception would fault on FSTP); ST0 is at offset 28 of the 108-byte image.
#define X87_SAVE(pre, insn)                                                                           \
  do {                                                                                                \
    uint8_t img[108];                                                                                 \
    asm volatile(X87_PRE pre insn "\n\tfnstsw %[sw]\n\tfnsave %[img]\n\tfninit"                      \
                 : [sw] "=m"(o->status), [img] "=m"(img) : [cw] "m"(in->ctl), [a] "m"(in->a), [b] "m"(in->b) : "memory"); \
    memcpy(o->r, img + 28, 10);                                                                       \
  } while (0)
#define X87_2S(insn) if (in->imm & 1) X87_SAVE("fldt %[b]\n\tfldt %[a]\n\t", insn); else X87_2(insn)
#define X87_1S(insn) if (in->imm & 1) X87_SAVE("fldt %[a]\n\t", insn); else X87_1(insn)
#define X87_CMP(insn)                                                                                 \
  asm volatile(X87_PRE "fldt %[b]\n\tfldt %[a]\n\t" insn "\n\tfnstsw %[sw]\n\tfninit" : X87_IO : "memory")
#define X87_LOAD(insn)                                                                                \
  asm volatile(X87_PRE insn " %[a]\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit" : X87_IO : "memory")
#define X87_CONST(insn)                                                                               \
  asm volatile(X87_PRE insn "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit" : X87_IO : "memory")
#define X87_STORE(insn)                                                                               \
  asm volatile(X87_PRE "fldt %[a]\n\t" insn " %[r]\n\tfnstsw %[sw]\n\tfninit" : X87_IO : "memory")

static void run(const rec_in *in, rec_out *o) {
  switch (in->op) {
    case ADDSS: SSE2("addss"); break;
    case SUBSS: SSE2("subss"); break;
    case MULSS: SSE2("mulss"); break;
    case DIVSS: SSE2("divss"); break;
    case SQRTSS: SSE2("sqrtss"); break;
    case MINSS: SSE2("minss"); break;
    case MAXSS: SSE2("maxss"); break;
    CASE8(CMPSS, "cmpss")
    case COMISS: SSEFL("comiss"); break;
    case UCOMISS: SSEFL("ucomiss"); break;
    case ADDSD: SSE2("addsd"); break;
    case SUBSD: SSE2("subsd"); break;
    case MULSD: SSE2("mulsd"); break;
    case DIVSD: SSE2("divsd"); break;
    case SQRTSD: SSE2("sqrtsd"); break;
    case MINSD: SSE2("minsd"); break;
    case MAXSD: SSE2("maxsd"); break;
    CASE8(CMPSD, "cmpsd")
    case COMISD: SSEFL("comisd"); break;
    case UCOMISD: SSEFL("ucomisd"); break;
    case CVTSS2SD: SSE2("cvtss2sd"); break;
    case CVTSD2SS: SSE2("cvtsd2ss"); break;
    case CVTSI2SS32: GPR2SSE("cvtsi2ssl"); break;
    case CVTSI2SS64: GPR2SSE("cvtsi2ssq"); break;
    case CVTSI2SD32: GPR2SSE("cvtsi2sdl"); break;
    case CVTSI2SD64: GPR2SSE("cvtsi2sdq"); break;
    case CVTSS2SI32: SSE2GPR("cvtss2si", "eax"); break;
    case CVTTSS2SI32: SSE2GPR("cvttss2si", "eax"); break;
    case CVTSS2SI64: SSE2GPR("cvtss2si", "rax"); break;
    case CVTTSS2SI64: SSE2GPR("cvttss2si", "rax"); break;
    case CVTSD2SI32: SSE2GPR("cvtsd2si", "eax"); break;
    case CVTTSD2SI32: SSE2GPR("cvttsd2si", "eax"); break;
    case CVTSD2SI64: SSE2GPR("cvtsd2si", "rax"); break;
    case CVTTSD2SI64: SSE2GPR("cvttsd2si", "rax"); break;
    CASE16(ROUNDSS, "roundss")
    CASE16(ROUNDSD, "roundsd")
    CASE32(VCMPSS, "vcmpss")
    CASE32(VCMPSD, "vcmpsd")
    case FADD: X87_2S("fadd %%st(1), %%st"); break;
    case FSUB: X87_2S("fsub %%st(1), %%st"); break;
    case FMUL: X87_2S("fmul %%st(1), %%st"); break;
    case FDIV: X87_2S("fdiv %%st(1), %%st"); break;
    case FSQRT: X87_1S("fsqrt"); break;
    case FCOM: X87_CMP("fcom %%st(1)"); break;
    case FUCOM: X87_CMP("fucom %%st(1)"); break;
    case FXAM: X87_1("fxam"); break;
    case FRNDINT: X87_1S("frndint"); break;
    case FSCALE: X87_2S("fscale"); break;
    case FXTRACT:
      asm volatile(X87_PRE "fldt %[a]\n\tfxtract\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit" : X87_IO : "memory");
      break;
    case FPREM: X87_2S("fprem"); break;
    case FPREM1: X87_2S("fprem1"); break;
    case FLD32: X87_LOAD("flds"); break;
    case FLD64: X87_LOAD("fldl"); break;
    case FILD16: X87_LOAD("filds"); break;
    case FILD32: X87_LOAD("fildl"); break;
    case FILD64: X87_LOAD("fildll"); break;
    case FBLD: X87_LOAD("fbld"); break;
    case FST32: X87_STORE("fstps"); break;
    case FST64: X87_STORE("fstpl"); break;
    case FIST16: X87_STORE("fistps"); break;
    case FIST32: X87_STORE("fistpl"); break;
    case FIST64: X87_STORE("fistpll"); break;
    case FISTT16: X87_STORE("fisttps"); break;
    case FISTT32: X87_STORE("fisttpl"); break;
    case FISTT64: X87_STORE("fisttpll"); break;
    case FBSTP: X87_STORE("fbstp"); break;
    case FLDCONST:
      switch (in->imm) {
        case 0: X87_CONST("fld1"); break;
        case 1: X87_CONST("fldl2t"); break;
        case 2: X87_CONST("fldl2e"); break;
        case 3: X87_CONST("fldpi"); break;
        case 4: X87_CONST("fldlg2"); break;
        case 5: X87_CONST("fldln2"); break;
        default: X87_CONST("fldz"); break;
      }
      break;
    default: o->status = 0xffffffffu; break;
  }
}

// SSE with exceptions unmasked (pad bit 0): an #XM arrives as SIGFPE; the handler records MXCSR
// and XMM0 at the fault (the destination must be unchanged) and jumps back. Output pad[0] = 1.
static sigjmp_buf fault_jmp;
static uint32_t fault_mxcsr;
static uint8_t fault_xmm0[16];

static void on_fpe(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)si;
  ucontext_t *uc = ctx;
  fault_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
  memcpy(fault_xmm0, &uc->uc_mcontext.fpregs->_xmm[0], 16);
  siglongjmp(fault_jmp, 1);
}

static void run_trapping(const rec_in *in, rec_out *o) {
  if (sigsetjmp(fault_jmp, 1) == 0) {
    run(in, o);
  } else {
    memset(o, 0, sizeof *o);
    memcpy(o->r, fault_xmm0, 16);
    o->status = fault_mxcsr;
    o->pad[0] = 1;
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGFPE, &sa, NULL) != 0) return 2;
  static rec_in in[4096];
  static rec_out out[4096];
  size_t n;
  while ((n = fread(in, sizeof(rec_in), 4096, stdin)) > 0) {
    memset(out, 0, sizeof(rec_out) * n);
    for (size_t i = 0; i < n; i++) {
      if (in[i].pad & 1) run_trapping(&in[i], &out[i]);
      else run(&in[i], &out[i]);
    }
    if (fwrite(out, sizeof(rec_out), n, stdout) != n) return 1;
  }
  unsigned mx = 0x1f80;
  asm volatile("ldmxcsr %0" ::"m"(mx));
  return 0;
}
