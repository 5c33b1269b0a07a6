// SPDX-License-Identifier: MIT
/*
 * Compile-time check that every name the upstream KVM selftests x86 headers
 * give guest code exists here, included the upstream way (no guest.h): each
 * macro of asm/msr-index.h, processor.h (CPUID features, properties, PMU
 * events, CR0/CR4, #PF, XSAVE, page macros), the uapi processor-flags.h and
 * exception vectors, apic.h, linux/kvm_para.h and asm/kvm_para.h, as of
 * Linux 6.12 plus today's additions, is tested with defined() (a missing
 * one is an #error; upstream-names-*.h), and every guest-side function, type and global is named in
 * a sizeof (declared, not necessarily linked: apic_disable() and friends
 * are declarations only).  The list of names was extracted from those
 * headers; values are checked at run time by upstream-names.c.
 *
 * Events: DONE.
 */
#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include <asm/msr-index.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/kvm_para.h>
#include <linux/stringify.h>
#include <linux/types.h>

void main(void);

#include "upstream-names-msr.h"
#include "upstream-names-msr2.h"
#include "upstream-names-cpu.h"

/* ---- types */
#define TYPE(t) (void)sizeof(t);
/* ---- functions and globals: declared (sizeof evaluates nothing) */
#define DECL(f) (void)sizeof(&(f));

static void __attribute__((used)) check_declarations(void)
{
	TYPE(u8) TYPE(u16) TYPE(u32) TYPE(u64)
	TYPE(s8) TYPE(s16) TYPE(s32) TYPE(s64)
	TYPE(__u8) TYPE(__u16) TYPE(__u32) TYPE(__u64)
	TYPE(__s8) TYPE(__s16) TYPE(__s32) TYPE(__s64)
	TYPE(vm_vaddr_t) TYPE(vm_paddr_t) TYPE(sse128_t)
	TYPE(struct kvm_x86_cpu_feature) TYPE(struct kvm_x86_cpu_property)
	TYPE(struct kvm_x86_pmu_feature) TYPE(struct gpr64_regs)
	TYPE(struct desc64) TYPE(struct desc_ptr) TYPE(struct ex_regs)
	TYPE(struct idt_entry) TYPE(struct xstate) TYPE(struct xstate_header)
	TYPE(struct ucall) TYPE(enum pg_level) TYPE(enum cpuid_output_regs)

	DECL(host_cpu_is_intel) DECL(host_cpu_is_amd) DECL(host_cpu_is_hygon)
	DECL(host_cpu_is_amd_compatible) DECL(is_forced_emulation_enabled)
	DECL(guest_tsc_khz)

	DECL(x86_family) DECL(x86_model) DECL(get_desc64_base)
	DECL(rdtsc) DECL(rdtscp) DECL(rdmsr) DECL(wrmsr) DECL(inw) DECL(outl)
	DECL(get_es) DECL(get_cs) DECL(get_ss) DECL(get_ds) DECL(get_fs)
	DECL(get_gs) DECL(get_tr) DECL(get_cr0) DECL(get_cr3) DECL(get_cr4)
	DECL(set_cr4) DECL(set_idt) DECL(xgetbv) DECL(xsetbv) DECL(wrpkru)
	DECL(get_gdt) DECL(get_idt) DECL(__cpuid) DECL(cpuid)
	DECL(this_cpu_fms) DECL(this_cpu_family) DECL(this_cpu_model)
	DECL(this_cpu_vendor_string_is) DECL(this_cpu_is_intel)
	DECL(this_cpu_is_amd) DECL(this_cpu_is_hygon) DECL(__this_cpu_has)
	DECL(this_cpu_has) DECL(this_cpu_property) DECL(this_cpu_has_p)
	DECL(this_pmu_has) DECL(this_cpu_supported_xcr0)
	DECL(read_sse_reg) DECL(write_sse_reg) DECL(cpu_relax) DECL(udelay)
	DECL(ud2) DECL(hlt) DECL(kvm_hypercall) DECL(__xen_hypercall)
	DECL(xen_hypercall) DECL(__kvm_hypercall_map_gpa_range)
	DECL(kvm_hypercall_map_gpa_range) DECL(safe_halt) DECL(sti_nop)
	DECL(sti_nop_cli) DECL(sti) DECL(cli)

	DECL(apic_disable) DECL(xapic_enable) DECL(x2apic_enable)
	DECL(get_bsp_flag) DECL(xapic_read_reg) DECL(xapic_write_reg)
	DECL(x2apic_read_reg) DECL(x2apic_write_reg_safe)
	DECL(x2apic_write_reg) DECL(x2apic_write_reg_fault)

	DECL(ucall) DECL(align_up) DECL(align_down) DECL(align_ptr_up)
}

void main(void)
{
	GUEST_DONE();
}
