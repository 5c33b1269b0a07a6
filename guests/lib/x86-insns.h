/* SPDX-License-Identifier: MIT */
/*
 * One-instruction helpers of KVM selftests' processor.h (and ringzero's own,
 * kept for existing guests): port I/O, MSRs, control registers, segment and
 * descriptor-table registers, TSC, XCRs, PKRU, SMAP, interrupts, SSE
 * registers.  Included by processor.h after struct desc_ptr.
 */
#ifndef RINGZERO_X86_INSNS_H
#define RINGZERO_X86_INSNS_H

#include <stdint.h>

#include <linux/types.h>

/* ---- port I/O: (port, value) like KVM selftests */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %w1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	asm volatile("inw %w1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	asm volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %w1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %0, %w1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
	asm volatile("outl %0, %w1" : : "a"(value), "Nd"(port));
}

/* ---- MSRs */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t a, d;

	asm volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(msr) : "memory");
	return a | ((uint64_t)d << 32);
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	uint32_t a = value, d = value >> 32;

	asm volatile("wrmsr" : : "a"(a), "d"(d), "c"(msr) : "memory");
}

/* ---- TSC.  rdtsc() fences both sides, as upstream (SDM Vol. 2B RDTSC). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

/* RDTSCP: the TSC, and IA32_TSC_AUX[31:0] in *aux. */
static inline uint64_t rdtscp(uint32_t *aux)
{
	uint32_t lo, hi;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(*aux));
	return lo | ((uint64_t)hi << 32);
}

/* ---- control registers: get_crN/set_crN, read_/write_ aliases */
#define DEFINE_CR_ACCESSORS(n)						\
static inline uint64_t get_cr##n(void)					\
{									\
	uint64_t v;							\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v) : : "memory");	\
	return v;							\
}									\
static inline void set_cr##n(uint64_t v)				\
{									\
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");	\
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
DEFINE_CR_ACCESSORS(8)
#undef DEFINE_CR_ACCESSORS
#define read_cr0 get_cr0
#define read_cr2 get_cr2
#define read_cr3 get_cr3
#define read_cr4 get_cr4
#define write_cr0 set_cr0
#define write_cr2 set_cr2
#define write_cr3 set_cr3
#define write_cr4 set_cr4

/* ---- segment selectors and TR (MOV from Sreg, STR) */
#define DEFINE_SEL_GETTER(name, insn)					\
static inline uint16_t get_##name(void)					\
{									\
	uint16_t sel;							\
	asm volatile(insn : "=rm"(sel));				\
	return sel;							\
}
DEFINE_SEL_GETTER(es, "mov %%es, %0")
DEFINE_SEL_GETTER(cs, "mov %%cs, %0")
DEFINE_SEL_GETTER(ss, "mov %%ss, %0")
DEFINE_SEL_GETTER(ds, "mov %%ds, %0")
DEFINE_SEL_GETTER(fs, "mov %%fs, %0")
DEFINE_SEL_GETTER(gs, "mov %%gs, %0")
DEFINE_SEL_GETTER(tr, "str %0")
#undef DEFINE_SEL_GETTER

/* ---- descriptor tables: upstream's get_gdt/get_idt/set_idt, ours too */
static inline void lidt(const struct desc_ptr *p)
{
	asm volatile("lidt %0" : : "m"(*p) : "memory");
}

static inline void lgdt(const struct desc_ptr *p)
{
	asm volatile("lgdt %0" : : "m"(*p) : "memory");
}

static inline struct desc_ptr sidt(void)
{
	struct desc_ptr p;

	asm volatile("sidt %0" : "=m"(p));
	return p;
}

static inline struct desc_ptr sgdt(void)
{
	struct desc_ptr p;

	asm volatile("sgdt %0" : "=m"(p));
	return p;
}

static inline struct desc_ptr get_gdt(void)
{
	return sgdt();
}

static inline struct desc_ptr get_idt(void)
{
	return sidt();
}

static inline void set_idt(const struct desc_ptr *idt_desc)
{
	lidt(idt_desc);
}

/* ---- XCRs (XGETBV/XSETBV: #UD without CR4.OSXSAVE, SDM Vol. 2C) */
static inline u64 xgetbv(u32 index)
{
	u32 eax, edx;

	asm volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(index));
	return eax | ((u64)edx << 32);
}

static inline void xsetbv(u32 index, u64 value)
{
	u32 eax = value, edx = value >> 32;

	asm volatile("xsetbv" : : "a"(eax), "d"(edx), "c"(index));
}

/* ---- protection keys (CR4.PKE; ECX, and EDX for WRPKRU, must be 0) */
static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	asm volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t pkru)
{
	asm volatile("wrpkru" : : "a"(pkru), "d"(0), "c"(0) : "memory");
}

/* ---- SMAP (CPL 0 only), SDM Vol. 3 4.6 */
static inline void stac(void)
{
	asm volatile("stac" : : : "memory");
}

static inline void clac(void)
{
	asm volatile("clac" : : : "memory");
}

/* ---- interrupts (SDM Vol. 2B STI: IF=1 takes effect after the next insn) */
static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

/* STI then NOP: pending interrupts are taken after the NOP, on return. */
static inline void sti_nop(void)
{
	asm volatile("sti; nop" : : : "memory");
}

/* Interrupts open for exactly one instruction (the NOP). */
static inline void sti_nop_cli(void)
{
	asm volatile("sti; nop; cli" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/* STI; HLT: the STI shadow keeps an interrupt from arriving before HLT. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

static inline void ud2(void)
{
	asm volatile("ud2" : : : "memory");
}

/* ---- SSE registers XMM0..7 (movdqa: the buffer must be 16-byte aligned) */
typedef u32 __attribute__((vector_size(16))) sse128_t;
#define __sse128_u union { sse128_t vec; u64 as_u64[2]; u32 as_u32[4]; }
#define sse128_lo(x) ({ __sse128_u t; t.vec = x; t.as_u64[0]; })
#define sse128_hi(x) ({ __sse128_u t; t.vec = x; t.as_u64[1]; })

static inline void read_sse_reg(int reg, sse128_t *data)
{
	switch (reg) {
	case 0: asm("movdqa %%xmm0, %0" : "=m"(*data)); break;
	case 1: asm("movdqa %%xmm1, %0" : "=m"(*data)); break;
	case 2: asm("movdqa %%xmm2, %0" : "=m"(*data)); break;
	case 3: asm("movdqa %%xmm3, %0" : "=m"(*data)); break;
	case 4: asm("movdqa %%xmm4, %0" : "=m"(*data)); break;
	case 5: asm("movdqa %%xmm5, %0" : "=m"(*data)); break;
	case 6: asm("movdqa %%xmm6, %0" : "=m"(*data)); break;
	case 7: asm("movdqa %%xmm7, %0" : "=m"(*data)); break;
	default: GUEST_FAIL("read_sse_reg: no XMM%d", reg);
	}
}

static inline void write_sse_reg(int reg, const sse128_t *data)
{
	switch (reg) {
	case 0: asm("movdqa %0, %%xmm0" : : "m"(*data)); break;
	case 1: asm("movdqa %0, %%xmm1" : : "m"(*data)); break;
	case 2: asm("movdqa %0, %%xmm2" : : "m"(*data)); break;
	case 3: asm("movdqa %0, %%xmm3" : : "m"(*data)); break;
	case 4: asm("movdqa %0, %%xmm4" : : "m"(*data)); break;
	case 5: asm("movdqa %0, %%xmm5" : : "m"(*data)); break;
	case 6: asm("movdqa %0, %%xmm6" : : "m"(*data)); break;
	case 7: asm("movdqa %0, %%xmm7" : : "m"(*data)); break;
	default: GUEST_FAIL("write_sse_reg: no XMM%d", reg);
	}
}

#endif
