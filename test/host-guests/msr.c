// SPDX-License-Identifier: MIT
/*
 * msr: userspace MSR handling (test/host-msr.test.ts drives it).  The guest
 * reads and writes MSRs the host filters, MSRs the model does not have and
 * values the CPU refuses; the host answers reads, records writes and injects
 * #GP for the index it chooses.  Each access goes through rdmsr_safe /
 * wrmsr_safe, or their KVM_FEP forms when forced emulation is on, so the
 * guest sees the vector (0: none) and the value.
 *
 * Each round: SYNC {round, 0, 0, 0, 0} then, for each access of the table
 * below, nothing (the host sees the exits); at the end of the round
 * SYNC {round, results address, count, 0, 0} where the results array holds,
 * per access, the vector and the value read.  The host changes the filter
 * between rounds.  DONE after `rounds` rounds (the host sets it).
 */
#include "guest.h"

#ifndef MSR_TSC_AUX
#define MSR_TSC_AUX 0xc0000103u
#endif
#define MSR_NON_EXISTENT 0x474f4f00u
#define MSR_OTHER_UNKNOWN 0x40000123u

struct access {
	uint32_t index;
	bool write;
	uint64_t value;
};

static const struct access accesses[] = {
	{ MSR_STAR, false, 0 },				/* known: filtered in some rounds */
	{ MSR_STAR, true, 0x0023001000080000ul },
	{ MSR_NON_EXISTENT, false, 0 },			/* unknown */
	{ MSR_NON_EXISTENT, true, 0x1122334455667788ul },
	{ MSR_OTHER_UNKNOWN, false, 0 },		/* unknown: the host injects #GP */
	{ MSR_IA32_CR_PAT, true, 0x2 },			/* invalid: memory type 2 is reserved (both vendors; TSC_AUX bits 63:32 are dropped on AMD) */
	{ MSR_LSTAR, true, 0x8000000000000000ul },	/* invalid: not canonical */
	{ MSR_TSC_AUX, true, 0x42 },			/* valid */
	{ MSR_TSC_AUX, false, 0 },
	{ MSR_STAR, false, 0 },
};
#define N_ACCESSES (sizeof(accesses) / sizeof(accesses[0]))

volatile uint64_t rounds;
volatile uint64_t results[N_ACCESSES][2];

static uint8_t rdmsr_fep_safe(uint32_t msr, uint64_t *val)
{
	uint64_t error_code;
	uint8_t vector;
	uint32_t a, d;

	asm volatile(KVM_ASM_SAFE_FEP("rdmsr")
		     : "=a"(a), "=d"(d), KVM_ASM_SAFE_OUTPUTS(vector, error_code)
		     : "c"(msr)
		     : KVM_ASM_SAFE_CLOBBERS, "memory");
	(void)error_code;
	*val = (uint64_t)a | ((uint64_t)d << 32);
	return vector;
}

static uint8_t wrmsr_fep_safe(uint32_t msr, uint64_t val)
{
	uint64_t error_code;
	uint8_t vector;

	asm volatile(KVM_ASM_SAFE_FEP("wrmsr")
		     : KVM_ASM_SAFE_OUTPUTS(vector, error_code)
		     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
		     : KVM_ASM_SAFE_CLOBBERS, "memory");
	(void)error_code;
	return vector;
}

void main(void)
{
	bool fep = is_forced_emulation_enabled;

	for (uint64_t round = 1; round <= rounds; round++) {
		GUEST_SYNC_ARGS(round, 0, 0, 0, 0);
		for (unsigned int i = 0; i < N_ACCESSES; i++) {
			const struct access *a = &accesses[i];
			uint64_t v = 0;
			uint8_t vector;

			if (a->write)
				vector = fep ? wrmsr_fep_safe(a->index, a->value) : wrmsr_safe(a->index, a->value);
			else
				vector = fep ? rdmsr_fep_safe(a->index, &v) : rdmsr_safe(a->index, &v);
			results[i][0] = vector;
			results[i][1] = vector ? 0 : v;
		}
		GUEST_SYNC_ARGS(round, (uint64_t)results, N_ACCESSES, 0, 0);
	}
	GUEST_DONE();
}
