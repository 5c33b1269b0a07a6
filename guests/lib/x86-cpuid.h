/* SPDX-License-Identifier: MIT */
/*
 * CPUID as KVM selftests' processor.h presents it to guest code: cpuid() and
 * __cpuid(), the vendor and family/model helpers, and the feature machinery
 * (struct kvm_x86_cpu_feature / _property / kvm_x86_pmu_feature, every
 * X86_FEATURE_*, X86_PROPERTY_* and X86_PMU_FEATURE_* with upstream's leaf,
 * subleaf, register and bits, this_cpu_has() and friends).  Included by
 * processor.h.  Leaf layouts: SDM Vol. 2A CPUID, APM Vol. 3 Appendix E.
 */
#ifndef RINGZERO_X86_CPUID_H
#define RINGZERO_X86_CPUID_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "kvm_util.h"

static inline void __cpuid(uint32_t function, uint32_t index, uint32_t *eax,
			   uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	*eax = function;
	*ecx = index;
	asm volatile("cpuid"
		     : "+a"(*eax), "=b"(*ebx), "+c"(*ecx), "=d"(*edx)
		     : : "memory");
}

/* Subleaf 0. */
static inline void cpuid(uint32_t function, uint32_t *eax, uint32_t *ebx,
			 uint32_t *ecx, uint32_t *edx)
{
	__cpuid(function, 0, eax, ebx, ecx, edx);
}

/* Family and model from CPUID.1:EAX, extended fields included (SDM CPUID). */
static inline unsigned int x86_family(unsigned int eax)
{
	unsigned int family = (eax >> 8) & 0xf;

	return family == 0xf ? family + ((eax >> 20) & 0xff) : family;
}

static inline unsigned int x86_model(unsigned int eax)
{
	return ((eax >> 12) & 0xf0) | ((eax >> 4) & 0x0f);
}

static inline uint32_t this_cpu_fms(void)
{
	uint32_t eax, ebx, ecx, edx;

	cpuid(1, &eax, &ebx, &ecx, &edx);
	return eax;
}

static inline uint32_t this_cpu_family(void)
{
	return x86_family(this_cpu_fms());
}

static inline uint32_t this_cpu_model(void)
{
	return x86_model(this_cpu_fms());
}

/* The 12-byte vendor string is EBX, EDX, ECX of leaf 0. */
static inline bool this_cpu_vendor_string_is(const char *vendor)
{
	const uint32_t *chunk = (const uint32_t *)vendor;
	uint32_t eax, ebx, ecx, edx;

	cpuid(0, &eax, &ebx, &ecx, &edx);
	return ebx == chunk[0] && edx == chunk[1] && ecx == chunk[2];
}

static inline bool this_cpu_is_intel(void)
{
	return this_cpu_vendor_string_is("GenuineIntel");
}

static inline bool this_cpu_is_amd(void)
{
	return this_cpu_vendor_string_is("AuthenticAMD");
}

static inline bool this_cpu_is_hygon(void)
{
	return this_cpu_vendor_string_is("HygonGenuine");
}

/* Register order of struct kvm_cpuid_entry2 (alphabetical, as upstream). */
enum cpuid_output_regs {
	KVM_CPUID_EAX,
	KVM_CPUID_EBX,
	KVM_CPUID_ECX,
	KVM_CPUID_EDX
};

/* Leaf ranges a feature may name: basic, hypervisor, extended, Centaur. */
#define __KVM_X86_CPUID_RANGE_OK(fn)					\
	(((fn) & 0xc0000000) == 0 || ((fn) & 0xc0000000) == 0x40000000 ||	\
	 ((fn) & 0xc0000000) == 0x80000000 ||				\
	 ((fn) & 0xc0000000) == 0xc0000000)

/* One CPUID bit, small enough to pass by value (8 bytes). */
struct kvm_x86_cpu_feature {
	u32 function;
	u16 index;
	u8 reg;
	u8 bit;
};
#define KVM_X86_CPU_FEATURE(fn, idx, gpr, __bit)			\
({									\
	struct kvm_x86_cpu_feature feature = {				\
		.function = fn,						\
		.index = idx,						\
		.reg = KVM_CPUID_##gpr,					\
		.bit = __bit,						\
	};								\
	kvm_static_assert(__KVM_X86_CPUID_RANGE_OK(fn));		\
	kvm_static_assert(idx < BIT(sizeof(feature.index) * BITS_PER_BYTE)); \
	feature;							\
})

/* A multi-bit CPUID field lo_bit..hi_bit. */
struct kvm_x86_cpu_property {
	u32 function;
	u8 index;
	u8 reg;
	u8 lo_bit;
	u8 hi_bit;
};
#define KVM_X86_CPU_PROPERTY(fn, idx, gpr, low_bit, high_bit)		\
({									\
	struct kvm_x86_cpu_property property = {			\
		.function = fn,						\
		.index = idx,						\
		.reg = KVM_CPUID_##gpr,					\
		.lo_bit = low_bit,					\
		.hi_bit = high_bit,					\
	};								\
	kvm_static_assert(low_bit < high_bit);				\
	kvm_static_assert(__KVM_X86_CPUID_RANGE_OK(fn));		\
	kvm_static_assert(idx < BIT(sizeof(property.index) * BITS_PER_BYTE)); \
	property;							\
})

/*
 * Architectural PMU events (leaf 0xA): an EBX bit set means the event is NOT
 * available; ECX bits enumerate fixed counters (SDM Vol. 3 20.2).
 */
struct kvm_x86_pmu_feature {
	struct kvm_x86_cpu_feature f;
};
#define KVM_X86_PMU_FEATURE(__reg, __bit)				\
({									\
	struct kvm_x86_pmu_feature feature = {				\
		.f = KVM_X86_CPU_FEATURE(0xa, 0, __reg, __bit),		\
	};								\
	kvm_static_assert(KVM_CPUID_##__reg == KVM_CPUID_EBX ||	\
			  KVM_CPUID_##__reg == KVM_CPUID_ECX);		\
	feature;							\
})

#include "x86-cpuid-names.h"

/* Bits lo..hi of the register reg of CPUID(function, index). */
static inline uint32_t __this_cpu_has(uint32_t function, uint32_t index,
				      uint8_t reg, uint8_t lo, uint8_t hi)
{
	uint32_t gprs[4];

	__cpuid(function, index, &gprs[KVM_CPUID_EAX], &gprs[KVM_CPUID_EBX],
		&gprs[KVM_CPUID_ECX], &gprs[KVM_CPUID_EDX]);
	return (gprs[reg] & GENMASK(hi, lo)) >> lo;
}

static inline bool this_cpu_has(struct kvm_x86_cpu_feature feature)
{
	return __this_cpu_has(feature.function, feature.index, feature.reg,
			      feature.bit, feature.bit);
}

static inline uint32_t this_cpu_property(struct kvm_x86_cpu_property property)
{
	return __this_cpu_has(property.function, property.index, property.reg,
			      property.lo_bit, property.hi_bit);
}

/* Whether the property's leaf exists: at most the range's maximum leaf. */
static __always_inline bool this_cpu_has_p(struct kvm_x86_cpu_property property)
{
	uint32_t max_leaf = 0;

	switch (property.function & 0xc0000000) {
	case 0:
		max_leaf = this_cpu_property(X86_PROPERTY_MAX_BASIC_LEAF);
		break;
	case 0x40000000:
		max_leaf = this_cpu_property(X86_PROPERTY_MAX_KVM_LEAF);
		break;
	case 0x80000000:
		max_leaf = this_cpu_property(X86_PROPERTY_MAX_EXT_LEAF);
		break;
	case 0xc0000000:
		max_leaf = this_cpu_property(X86_PROPERTY_MAX_CENTAUR_LEAF);
	}
	return max_leaf >= property.function;
}

static inline bool this_pmu_has(struct kvm_x86_pmu_feature feature)
{
	uint32_t nr_bits;

	if (feature.f.reg == KVM_CPUID_EBX) {
		nr_bits = this_cpu_property(X86_PROPERTY_PMU_EBX_BIT_VECTOR_LENGTH);
		return nr_bits > feature.f.bit && !this_cpu_has(feature.f);
	}
	GUEST_ASSERT(feature.f.reg == KVM_CPUID_ECX);
	nr_bits = this_cpu_property(X86_PROPERTY_PMU_NR_FIXED_COUNTERS);
	return nr_bits > feature.f.bit || this_cpu_has(feature.f);
}

/* XCR0 bits the CPU supports (CPUID.(0xD,0):EDX:EAX), 0 without leaf 0xD. */
static __always_inline uint64_t this_cpu_supported_xcr0(void)
{
	if (!this_cpu_has_p(X86_PROPERTY_SUPPORTED_XCR0_LO))
		return 0;
	return this_cpu_property(X86_PROPERTY_SUPPORTED_XCR0_LO) |
	       ((uint64_t)this_cpu_property(X86_PROPERTY_SUPPORTED_XCR0_HI) << 32);
}

#endif
