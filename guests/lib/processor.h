/* SPDX-License-Identifier: MIT */
/*
 * x86-64 helpers for ringzero guests, mirroring the guest-side part of
 * tools/testing/selftests/kvm/include/x86_64/processor.h so that selftest
 * guest code ports with little change.
 *
 * NOTE the port I/O argument order is the KVM selftests one, (port, value),
 * not the Linux kernel / kvm-unit-tests one (value, port).
 */
#ifndef RINGZERO_PROCESSOR_H
#define RINGZERO_PROCESSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "desc.h"

/* ---- exception vectors (names as in KVM selftests) */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define NMI_VECTOR 2
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#define VE_VECTOR 20
#define CP_VECTOR 21
#define VC_VECTOR 29
#define SX_VECTOR 30
#define NUM_INTERRUPTS 256

/* ---- #PF error code bits */
#define PFERR_PRESENT_MASK (1u << 0)
#define PFERR_WRITE_MASK (1u << 1)
#define PFERR_USER_MASK (1u << 2)
#define PFERR_RSVD_MASK (1u << 3)
#define PFERR_FETCH_MASK (1u << 4)
#define PFERR_PK_MASK (1u << 5)

/* ---- control register bits */
#define X86_CR0_PE (1ul << 0)
#define X86_CR0_MP (1ul << 1)
#define X86_CR0_EM (1ul << 2)
#define X86_CR0_TS (1ul << 3)
#define X86_CR0_ET (1ul << 4)
#define X86_CR0_NE (1ul << 5)
#define X86_CR0_WP (1ul << 16)
#define X86_CR0_AM (1ul << 18)
#define X86_CR0_NW (1ul << 29)
#define X86_CR0_CD (1ul << 30)
#define X86_CR0_PG (1ul << 31)
#define X86_CR4_TSD (1ul << 2)
#define X86_CR4_PAE (1ul << 5)
#define X86_CR4_OSFXSR (1ul << 9)
#define X86_CR4_OSXMMEXCPT (1ul << 10)
#define X86_CR4_UMIP (1ul << 11)
#define X86_CR4_SMEP (1ul << 20)
#define X86_CR4_SMAP (1ul << 21)
#define X86_CR4_PKE (1ul << 22)

/* ---- RFLAGS bits */
#define X86_EFLAGS_CF (1ul << 0)
#define X86_EFLAGS_FIXED (1ul << 1)
#define X86_EFLAGS_ZF (1ul << 6)
#define X86_EFLAGS_SF (1ul << 7)
#define X86_EFLAGS_TF (1ul << 8)
#define X86_EFLAGS_IF (1ul << 9)
#define X86_EFLAGS_DF (1ul << 10)
#define X86_EFLAGS_OF (1ul << 11)
#define X86_EFLAGS_AC (1ul << 18)

/* ---- a few MSRs */
#define MSR_IA32_TSC 0x00000010
#define MSR_IA32_CR_PAT 0x00000277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1ul << 0)
#define EFER_LME (1ul << 8)
#define EFER_LMA (1ul << 10)
#define EFER_NX (1ul << 11)

/* ---- fixed layout from the Guest ABI (shared/guest-abi.md, sections 3-4) */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS32 0x1b
#define USER_DS 0x23
#define USER_CS 0x2b
#define TSS_SEL 0x30
#define DIRECT_MAP_BASE 0xffff888000000000ul	/* + guest-physical address */
#define KERNEL_STACK_TOP 0xfffffe0000020000ul
#define IST1_STACK_TOP 0xfffffe0000034000ul

/* ---- ports the runner knows about */
#define UCALL_PIO_PORT 0x1000
#define COM1_PORT 0x3f8			/* THR on write */
#define COM1_LSR (COM1_PORT + 5)	/* line status, reads 0x60 */
#define UART_LSR_THRE 0x20		/* transmit holding register empty */
#define DEBUG_EXIT_PORT 0xf4		/* exit code = (value << 1) | 1 */

/*
 * What the common exception stub (entry.S) saves, in this order; same layout
 * as KVM selftests' struct ex_regs (processor.h), so handlers port unchanged.
 * The hardware frame continues after rflags with rsp and ss.
 */
struct ex_regs {
	uint64_t rax, rcx, rdx, rbx;
	uint64_t rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11;
	uint64_t r12, r13, r14, r15;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
};

struct desc_ptr {
	uint16_t size;		/* limit */
	uint64_t address;
} __attribute__((packed));

/* 64-bit IDT gate descriptor (SDM Vol. 3 6.14.1). */
struct idt_entry {
	uint16_t offset0;
	uint16_t selector;
	uint16_t ist : 3;
	uint16_t : 5;
	uint16_t type : 4;
	uint16_t : 1;
	uint16_t dpl : 2;
	uint16_t p : 1;
	uint16_t offset1;
	uint32_t offset2;
	uint32_t reserved;
};

/*
 * Set by _start from the registers the runner starts us with (ABI section 5):
 * RDI = vCPU index, RSI = RAM size in bytes.
 */
extern uint64_t guest_vcpu_id;
extern uint64_t guest_ram_size;

/* Set the handler for one vector (NULL = unhandled again).  processor.c */
void install_exception_handler(int vector, void (*handler)(struct ex_regs *));
/* Called by the stubs in entry.S with the saved registers. */
void route_exception(struct ex_regs *regs);
/* Builds the IDT and loads it; _start calls it before main(). */
void exception_init(void);

static inline void *phys_to_virt(uint64_t gpa)
{
	return (void *)(DIRECT_MAP_BASE + gpa);
}

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

/* ---- control registers (KVM names get_/set_, plus read_/write_ aliases) */
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

/* ---- CPUID, TSC */
static inline void __cpuid(uint32_t function, uint32_t index, uint32_t *eax,
			   uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	*eax = function;
	*ecx = index;
	asm volatile("cpuid"
		     : "+a"(*eax), "=b"(*ebx), "+c"(*ecx), "=d"(*edx)
		     : : "memory");
}

static inline void cpuid(uint32_t function, uint32_t *eax, uint32_t *ebx,
			 uint32_t *ecx, uint32_t *edx)
{
	__cpuid(function, 0, eax, ebx, ecx, edx);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((uint64_t)hi << 32);
}

/* ---- SMAP (CPL 0 only) and protection keys (CR4.PKE), SDM Vol. 3 4.6 */
static inline void stac(void)
{
	asm volatile("stac" : : : "memory");
}

static inline void clac(void)
{
	asm volatile("clac" : : : "memory");
}

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

/* ---- interrupts */
static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

/* sti; hlt: the sti shadow guarantees no interrupt is taken before the hlt. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" : : : "memory");
}

/* ---- descriptor tables */
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
#define get_idt sidt
#define get_gdt sgdt

#include "asm-safe.h"

#endif
