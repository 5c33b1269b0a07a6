// SPDX-License-Identifier: MIT
/*
 * upstream-names: guest code in the upstream KVM selftests style (only the
 * upstream-named headers, no guest.h) using every group the headers mirror,
 * checked against the CPU and the Guest ABI; test/upstream-names.test.ts is
 * the host half and runs it with both vendor models.
 *
 *   SYNC 1  host_cpu_is_intel, _amd, _hygon, _amd_compatible (the guest
 *           asserts they agree with this_cpu_is_intel/amd/hygon())
 *   SYNC 2  guest_tsc_khz, family, model, vendor is Intel
 *   SYNC 3  per X86_FEATURE_*: name, leaf, subleaf << 8 | reg, bit, has
 *   SYNC 4  per X86_PROPERTY_*: name, leaf, subleaf << 8 | reg,
 *           hi << 8 | lo, this_cpu_property(), this_cpu_has_p()
 *   SYNC 5  per X86_PMU_FEATURE_*: name, reg, bit, this_pmu_has()
 *   SYNC 6  TSC ticks udelay(5) took
 *   (guest-side asserts: types and bit helpers, selectors, CRs, GDT/IDT,
 *   MSRs, EFER, XCR0, PKRU, TSC_AUX, APIC base, #GP on NONCANONICAL and on
 *   an x2APIC write, #PF error code, RFLAGS, sti_nop, sti_nop_cli)
 *   SYNC 7  before kvm_hypercall(KVM_HC_SCHED_YIELD, 1, 2, 3, 4): the
 *           host sees VMCALL (Intel) or VMMCALL (AMD) as an
 *           emulation-failure exit, answers in RAX
 *   SYNC 8  the answer; then __xen_hypercall(0x20, 5, &xen_arg) the same way
 *   SYNC 9  its answer; then safe_halt(): a HLT exit with RFLAGS.IF = 1
 *   DONE
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "apic.h"

void main(void);

enum { STAGE_FEATURE = 3, STAGE_PROPERTY = 4, STAGE_PMU = 5 };

/*
 * The lists are expanded inside functions: like upstream's, the feature
 * macros are statement expressions, which a static initializer cannot use.
 */
#define FEATURES(F) \
	F(MWAIT) F(VMX) F(SMX) F(PDCM) F(PCID) F(X2APIC) F(MOVBE) \
	F(TSC_DEADLINE_TIMER) F(XSAVE) F(OSXSAVE) F(RDRAND) F(HYPERVISOR) \
	F(PAE) F(MCE) F(APIC) F(CLFLUSH) F(XMM) F(XMM2) F(FSGSBASE) \
	F(TSC_ADJUST) F(SGX) F(HLE) F(SMEP) F(INVPCID) F(RTM) F(MPX) F(SMAP) \
	F(PCOMMIT) F(CLFLUSHOPT) F(CLWB) F(UMIP) F(PKU) F(OSPKE) F(LA57) \
	F(RDPID) F(SGX_LC) F(SHSTK) F(IBT) F(AMX_TILE) F(SPEC_CTRL) \
	F(ARCH_CAPABILITIES) F(PKS) F(XTILECFG) F(XTILEDATA) F(XSAVES) F(XFD) \
	F(XTILEDATA_XFD) F(SVM) F(PERFCTR_CORE) F(PERFCTR_NB) F(PERFCTR_LLC) \
	F(NX) F(GBPAGES) F(RDTSCP) F(LM) F(INVTSC) F(RDPRU) F(AMD_IBPB) F(NPT) \
	F(LBRV) F(NRIPS) F(TSCRATEMSR) F(PAUSEFILTER) F(PFTHRESHOLD) F(VGIF) \
	F(IDLE_HLT) F(SEV) F(SEV_ES) F(SEV_SNP) F(PERFMON_V2) F(LBR_PMC_FREEZE) \
	F(KVM_CLOCKSOURCE) F(KVM_NOP_IO_DELAY) F(KVM_MMU_OP) F(KVM_CLOCKSOURCE2) \
	F(KVM_ASYNC_PF) F(KVM_STEAL_TIME) F(KVM_PV_EOI) F(KVM_PV_UNHALT) \
	F(KVM_PV_TLB_FLUSH) F(KVM_ASYNC_PF_VMEXIT) F(KVM_PV_SEND_IPI) \
	F(KVM_POLL_CONTROL) F(KVM_PV_SCHED_YIELD) F(KVM_ASYNC_PF_INT) \
	F(KVM_MSI_EXT_DEST_ID) F(KVM_HC_MAP_GPA_RANGE) F(KVM_MIGRATION_CONTROL)

#define PROPERTIES(P) \
	P(MAX_BASIC_LEAF) P(PMU_VERSION) P(PMU_NR_GP_COUNTERS) \
	P(PMU_GP_COUNTERS_BIT_WIDTH) P(PMU_EBX_BIT_VECTOR_LENGTH) \
	P(PMU_EVENTS_MASK) P(PMU_FIXED_COUNTERS_BITMASK) \
	P(PMU_NR_FIXED_COUNTERS) P(PMU_FIXED_COUNTERS_BIT_WIDTH) \
	P(SUPPORTED_XCR0_LO) P(XSTATE_MAX_SIZE_XCR0) P(XSTATE_MAX_SIZE) \
	P(SUPPORTED_XCR0_HI) P(XSTATE_TILE_SIZE) P(XSTATE_TILE_OFFSET) \
	P(AMX_MAX_PALETTE_TABLES) P(AMX_TOTAL_TILE_BYTES) P(AMX_BYTES_PER_TILE) \
	P(AMX_BYTES_PER_ROW) P(AMX_NR_TILE_REGS) P(AMX_MAX_ROWS) \
	P(MAX_KVM_LEAF) P(MAX_EXT_LEAF) P(MAX_PHY_ADDR) P(MAX_VIRT_ADDR) \
	P(GUEST_MAX_PHY_ADDR) P(SEV_C_BIT) P(PHYS_ADDR_REDUCTION) \
	P(NR_PERFCTR_CORE) P(NR_PERFCTR_NB) P(MAX_CENTAUR_LEAF)

#define PMU_EVENTS(E) \
	E(CPU_CYCLES) E(INSNS_RETIRED) E(REFERENCE_CYCLES) E(LLC_REFERENCES) \
	E(LLC_MISSES) E(BRANCH_INSNS_RETIRED) E(BRANCHES_MISPREDICTED) \
	E(TOPDOWN_SLOTS) E(TOPDOWN_BE_BOUND) E(TOPDOWN_BAD_SPEC) \
	E(TOPDOWN_FE_BOUND) E(TOPDOWN_RETIRING) E(LBR_INSERTS) \
	E(INSNS_RETIRED_FIXED) E(CPU_CYCLES_FIXED) E(REFERENCE_TSC_CYCLES_FIXED) \
	E(TOPDOWN_SLOTS_FIXED)

#define AS_FEATURE(n) { #n, X86_FEATURE_##n },
#define AS_PROPERTY(n) { #n, X86_PROPERTY_##n },
#define AS_PMU_EVENT(n) { #n, X86_PMU_FEATURE_##n },

static void report_features(void)
{
	const struct { const char *name; struct kvm_x86_cpu_feature f; } t[] = {
		FEATURES(AS_FEATURE)
	};

	for (unsigned int k = 0; k < ARRAY_SIZE(t); k++)
		ucall(UCALL_SYNC, 6, t[k].name, STAGE_FEATURE, t[k].f.function,
		      t[k].f.index << 8 | t[k].f.reg, t[k].f.bit,
		      this_cpu_has(t[k].f));
}

static void report_properties(void)
{
	const struct { const char *name; struct kvm_x86_cpu_property p; } t[] = {
		PROPERTIES(AS_PROPERTY)
	};

	for (unsigned int k = 0; k < ARRAY_SIZE(t); k++)
		ucall(UCALL_SYNC, 7, t[k].name, STAGE_PROPERTY, t[k].p.function,
		      t[k].p.index << 8 | t[k].p.reg,
		      t[k].p.hi_bit << 8 | t[k].p.lo_bit,
		      this_cpu_property(t[k].p), this_cpu_has_p(t[k].p));
}

static void report_pmu_events(void)
{
	const struct { const char *name; struct kvm_x86_pmu_feature e; } t[] = {
		PMU_EVENTS(AS_PMU_EVENT)
	};

	for (unsigned int k = 0; k < ARRAY_SIZE(t); k++)
		ucall(UCALL_SYNC, 5, t[k].name, STAGE_PMU, t[k].e.f.reg,
		      t[k].e.f.bit, this_pmu_has(t[k].e));
}

/* Types and bit helpers, at compile time. */
kvm_static_assert(sizeof(u8) == 1 && sizeof(u16) == 2 && sizeof(u32) == 4);
kvm_static_assert(sizeof(u64) == 8 && sizeof(s64) == 8 && (s8)-1 < 0);
kvm_static_assert(__builtin_types_compatible_p(u64, unsigned long long));
kvm_static_assert(__builtin_types_compatible_p(__typeof__(BIT(0)), unsigned long));
kvm_static_assert(__builtin_types_compatible_p(__typeof__(BIT_ULL(0)), unsigned long long));
kvm_static_assert(BIT(63) == 0x8000000000000000ul && GENMASK(7, 4) == 0xf0);
kvm_static_assert(GENMASK_ULL(63, 0) == ~0ull && GENMASK(0, 0) == 1);
kvm_static_assert(PAGE_SIZE == 4096 && PAGE_MASK == 0x000ffffffffff000ull);
kvm_static_assert(PG_SIZE_2M == 0x200000 && HUGEPAGE_SIZE(3) == 1ul << 30);
kvm_static_assert(sizeof(struct kvm_x86_cpu_feature) == 8);
kvm_static_assert(sizeof(struct desc64) == 16 && sizeof(struct xstate) == 576);

static const u8 read_only_byte = 0x5a;
static u64 shared_word;
static u64 xen_arg = 0x1234;

static noinline u64 not_inlined(u64 x) { return x * 3; }
static __always_inline u64 inlined(u64 x) { return x + 1; }

static u64 rflags(void)
{
	u64 f;

	asm volatile("pushf; pop %0" : "=r"(f));
	return f;
}

static void check_state(void)
{
	struct desc_ptr gdt = get_gdt(), idt = get_idt(), idt2;
	u32 aux;
	u64 t1, t2, m, ec;

	GUEST_ASSERT_EQ(get_cs(), KERNEL_CS);
	GUEST_ASSERT_EQ(get_ss(), KERNEL_DS);
	GUEST_ASSERT_EQ(get_ds() | get_es() | get_fs() | get_gs(), KERNEL_DS);
	GUEST_ASSERT_EQ(get_tr(), TSS_SEL);
	GUEST_ASSERT_EQ(get_cr0(), X86_CR0_PE | X86_CR0_MP | X86_CR0_ET |
			X86_CR0_NE | X86_CR0_WP | X86_CR0_PG);
	GUEST_ASSERT_EQ(get_cr4(), X86_CR4_PAE | X86_CR4_OSFXSR |
			X86_CR4_OSXMMEXCPT | X86_CR4_SMEP | X86_CR4_SMAP);
	GUEST_ASSERT_EQ(get_cr3() & ~PHYSICAL_PAGE_MASK, 0);
	GUEST_ASSERT_EQ(gdt.size, 0x3f);
	GUEST_ASSERT_EQ(gdt.address, 0xfffffe0000000000ul);
	set_idt(&idt);
	idt2 = get_idt();
	GUEST_ASSERT(idt2.size == idt.size && idt2.address == idt.address);
	GUEST_ASSERT_EQ(rdmsr(MSR_EFER), EFER_SCE | EFER_LME | EFER_LMA | EFER_NX);
	GUEST_ASSERT_EQ(rdmsr(MSR_STAR), 0x0018000800000000ul);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_CR_PAT), 0x0007040600070406ul);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_APICBASE), APIC_DEFAULT_GPA |
			MSR_IA32_APICBASE_ENABLE | MSR_IA32_APICBASE_BSP);
	GUEST_ASSERT_EQ(get_bsp_flag(), MSR_IA32_APICBASE_BSP);
	t1 = rdtsc();
	m = rdmsr(MSR_IA32_TSC);
	t2 = rdtsc();
	GUEST_ASSERT(t1 < m && m < t2);
	if (this_cpu_has(X86_FEATURE_RDTSCP)) {
		wrmsr(MSR_TSC_AUX, 0xabc);
		t1 = rdtscp(&aux);
		GUEST_ASSERT_EQ(aux, 0xabc);
		GUEST_ASSERT(rdtscp(&aux) > t1);
	}
	if (this_cpu_has(X86_FEATURE_XSAVE)) {
		GUEST_ASSERT(!this_cpu_has(X86_FEATURE_OSXSAVE));
		set_cr4(get_cr4() | X86_CR4_OSXSAVE);
		GUEST_ASSERT(this_cpu_has(X86_FEATURE_OSXSAVE));
		GUEST_ASSERT_EQ(xgetbv(0), XFEATURE_MASK_FP);
		xsetbv(0, XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		GUEST_ASSERT_EQ(xgetbv(0), XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		GUEST_ASSERT_EQ(this_cpu_supported_xcr0() & XFEATURE_MASK_SSE,
				XFEATURE_MASK_SSE);
	}
	if (this_cpu_has(X86_FEATURE_PKU)) {
		set_cr4(get_cr4() | X86_CR4_PKE);
		GUEST_ASSERT(this_cpu_has(X86_FEATURE_OSPKE));
		wrpkru(0x55555554);
		GUEST_ASSERT_EQ(rdpkru(), 0x55555554);
		wrpkru(0);
	}
	/* Faults: a non-canonical load, an x2APIC write (no x2APIC: #GP), a
	 * write to a read-only page (#PF, present | write). */
	GUEST_ASSERT_EQ(kvm_asm_safe("testb $0, (%[p])", [p] "r"(NONCANONICAL)),
			GP_VECTOR);
	x2apic_write_reg_fault(APIC_EOI, 0);
	GUEST_ASSERT_EQ(kvm_asm_safe_ec("movb $1, (%[p])", ec,
					[p] "r"(&read_only_byte)), PF_VECTOR);
	GUEST_ASSERT_EQ(ec, PFERR_PRESENT_MASK | PFERR_WRITE_MASK);
	GUEST_ASSERT_EQ(kvm_asm_safe("ud2"), UD_VECTOR);
	/* RFLAGS, and the interrupt-window helpers. */
	asm volatile("stc");
	GUEST_ASSERT_EQ(rflags() & (X86_EFLAGS_FIXED | X86_EFLAGS_IF),
			X86_EFLAGS_FIXED);
	sti_nop();
	GUEST_ASSERT(rflags() & X86_EFLAGS_IF);
	cli();
	sti_nop_cli();
	GUEST_ASSERT(!(rflags() & X86_EFLAGS_IF));
	sti();
	cli();
	cpu_relax();
	WRITE_ONCE(shared_word, 41);
	GUEST_ASSERT_EQ(inlined(READ_ONCE(shared_word)), 42);
	GUEST_ASSERT_EQ(not_inlined(14), 42);
	GUEST_ASSERT_EQ(align_up(4097, PAGE_SIZE), 8192);
	GUEST_ASSERT_EQ(align_down(4097, PAGE_SIZE), 4096);
}

void main(void)
{
	u64 t, r;

	GUEST_ASSERT_EQ(host_cpu_is_intel, this_cpu_is_intel());
	GUEST_ASSERT_EQ(host_cpu_is_amd, this_cpu_is_amd());
	GUEST_ASSERT_EQ(host_cpu_is_hygon, this_cpu_is_hygon());
	GUEST_SYNC_ARGS(1, host_cpu_is_intel, host_cpu_is_amd, host_cpu_is_hygon,
			host_cpu_is_amd_compatible);
	GUEST_SYNC_ARGS(2, guest_tsc_khz, this_cpu_family(), this_cpu_model(),
			this_cpu_vendor_string_is("GenuineIntel"));

	report_features();
	report_properties();
	report_pmu_events();

	t = rdtsc();
	udelay(5);
	GUEST_SYNC_ARGS(6, rdtsc() - t, 0, 0, 0);

	check_state();

	GUEST_SYNC(7);
	r = kvm_hypercall(KVM_HC_SCHED_YIELD, 1, 2, 3, 4);
	GUEST_SYNC_ARGS(8, r, 0, 0, 0);
	r = __xen_hypercall(0x20, 5, &xen_arg);
	GUEST_SYNC_ARGS(9, r, (u64)&xen_arg, 0, 0);
	safe_halt();
	cli();
	GUEST_DONE();
}
