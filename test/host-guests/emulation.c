// SPDX-License-Identifier: MIT
/*
 * emulation: instructions the host emulates from emulation-failure exits, an
 * injected #UD, a host-installed exception handler, and a CPUID the host
 * sets (test/host-emulation.test.ts drives it).
 *
 *   1  POPCNT behind the forced-emulation prefix, which the host declines to
 *      emulate: the host computes it from the exit's bytes and registers.
 *   2  EXTRQ (SSE4a), which the CPU does not implement: the host emulates it.
 *   3  EXTRQ again, inside KVM_ASM_SAFE: the host injects #UD instead.
 *   4  UD2 with a handler the host installed by name: it counts and skips.
 *   5  with SMEP cleared from CPUID by the host: CPUID says so, setting
 *      CR4.SMEP is #GP(0), and RDPID (cleared too) is #UD.
 */
#include "guest.h"
#include "processor.h"

static volatile uint64_t ud_count;

void ud_handler(struct ex_regs *regs)
{
	ud_count++;
	regs->rip += 2;
}

void main(void)
{
	uint64_t in = 0xf0f0f0f0f0f0f0f1ul, out = 0;
	uint8_t vector;
	uint64_t ec;

	if (is_forced_emulation_enabled)
		asm volatile(KVM_FEP "popcnt %1, %0" : "=r"(out) : "r"(in));
	else
		asm volatile("popcnt %1, %0" : "=r"(out) : "r"(in));
	GUEST_SYNC_ARGS(1, out, 0, 0, 0);

	uint64_t a = 0x123456789abcdef0ul, field;
	/* The 16 bits of XMM0 from bit 8 (AT&T: index, then length). */
	asm volatile("movq %1, %%xmm0\n\t"
		     "extrq $8, $16, %%xmm0\n\t"
		     "movq %%xmm0, %0"
		     : "=r"(field) : "r"(a) : "xmm0");
	GUEST_SYNC_ARGS(2, field, 0, 0, 0);

	asm volatile(KVM_ASM_SAFE("extrq $8, $16, %%xmm0")
		     : KVM_ASM_SAFE_OUTPUTS(vector, ec) : : "xmm0", KVM_ASM_SAFE_CLOBBERS);
	GUEST_SYNC_ARGS(3, vector, 0, 0, 0);

	asm volatile("ud2");
	asm volatile("ud2");
	GUEST_SYNC_ARGS(4, ud_count, 0, 0, 0);

	uint32_t eax = 7, ebx, ecx = 0, edx;
	asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	uint64_t cr4 = get_cr4();
	asm volatile(KVM_ASM_SAFE("mov %[v], %%cr4")
		     : KVM_ASM_SAFE_OUTPUTS(vector, ec) : [v] "r"(cr4 | (1ul << 20)) : KVM_ASM_SAFE_CLOBBERS);
	uint8_t rdpid_vector;
	asm volatile(KVM_ASM_SAFE("rdpid %%rax")
		     : KVM_ASM_SAFE_OUTPUTS(rdpid_vector, ec) : : "rax", KVM_ASM_SAFE_CLOBBERS);
	GUEST_SYNC_ARGS(5, (ebx >> 7) & 1, vector, ec, rdpid_vector);
	GUEST_DONE();
}
