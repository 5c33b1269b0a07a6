// SPDX-License-Identifier: MIT
/*
 * hypercall: VMCALL/VMMCALL as KVM's PV hypercall (test/host-hypercall.test.ts
 * drives it).  RAX = number, RBX RCX RDX RSI = arguments, the result in RAX.
 * `vmcall_native` (set by the host: 1 on the Intel model) picks the native
 * instruction; the other vendor's one is patched by the host (KVM's
 * fix-hypercall quirk) or raises #UD.
 *
 *   1  native, number 0x11, the host answers 0x1234: SYNC {1, rax}
 *   2  native, an unknown number the host leaves unanswered: -KVM_ENOSYS
 *   3  native behind KVM_FEP (forced emulation on; else skipped): SYNC {3, rax}
 *   4  the other vendor's instruction in a RWX page (behind KVM_FEP too when
 *      on): SYNC {4, rax, #UD seen, the 3 bytes there afterwards}
 *   5  the other vendor's instruction in .text (read-only): the patch write
 *      faults: SYNC {5, vector, error code}
 *   6  native at CPL 3: -KVM_EPERM without an exit: SYNC {6, rax}
 */
#include "guest.h"

volatile uint64_t vmcall_native;

static inline uint64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t ret = nr;

	if (vmcall_native)
		asm volatile("vmcall" : "+a"(ret) : "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	else
		asm volatile("vmmcall" : "+a"(ret) : "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	return ret;
}

static inline uint64_t hypercall_fep(uint64_t nr, uint64_t a0)
{
	uint64_t ret = nr;

	if (vmcall_native)
		asm volatile(KVM_FEP "vmcall" : "+a"(ret) : "b"(a0) : "memory");
	else
		asm volatile(KVM_FEP "vmmcall" : "+a"(ret) : "b"(a0) : "memory");
	return ret;
}

static volatile uint64_t ud_seen;

static void ud_handler(struct ex_regs *regs)
{
	ud_seen++;
	regs->rip += 3;	/* over the 3-byte instruction, to the stub's RET */
}

static __user_text uint64_t user_hypercall(uint64_t native_vmcall)
{
	uint64_t ret = 0x22;

	if (native_vmcall)
		asm volatile("vmcall" : "+a"(ret) : : "memory");
	else
		asm volatile("vmmcall" : "+a"(ret) : : "memory");
	return ret;
}

void main(void)
{
	bool fep = is_forced_emulation_enabled;
	uint64_t ret, error_code;
	uint8_t vector;

	GUEST_SYNC_ARGS(1, hypercall(0x11, 1, 2, 3, 4), 0, 0, 0);
	GUEST_SYNC_ARGS(2, hypercall(0x7fff0001, 5, 6, 7, 8), 0, 0, 0);
	if (fep)
		GUEST_SYNC_ARGS(3, hypercall_fep(0x33, 9), 0, 0, 0);

	/* 4: a stub [KVM_FEP] foreign-instruction; RET in an executable, writable page. */
	uint8_t *stub = alloc_pages(1, false, PAGE_RWX);
	unsigned int at = 0;
	if (fep) {
		const uint8_t prefix[5] = { 0x0f, 0x0b, 'k', 'v', 'm' };
		memcpy(stub, prefix, 5);
		at = 5;
	}
	stub[at] = 0x0f;
	stub[at + 1] = 0x01;
	stub[at + 2] = vmcall_native ? 0xd9 : 0xc1;
	stub[at + 3] = 0xc3;
	install_exception_handler(UD_VECTOR, ud_handler);
	ret = 0x44;
	asm volatile("call *%[fn]" : "+a"(ret) : [fn] "r"(stub), "b"(10ul) : "rcx", "rdx", "rsi", "memory");
	install_exception_handler(UD_VECTOR, NULL);
	GUEST_SYNC_ARGS(4, ret, ud_seen, stub[at] | stub[at + 1] << 8 | stub[at + 2] << 16, 0);

	/* 5: the same in read-only .text. */
	ret = 0x55;
	if (vmcall_native)
		vector = kvm_asm_safe_ec("vmmcall", error_code, "a"(ret));
	else
		vector = kvm_asm_safe_ec("vmcall", error_code, "a"(ret));
	GUEST_SYNC_ARGS(5, vector, error_code, 0, 0);

	/* 6: CPL 3. */
	struct user_exit e = run_in_user_mode(user_hypercall, vmcall_native);
	GUEST_ASSERT(!e.exception);
	GUEST_SYNC_ARGS(6, e.value, 0, 0, 0);
	GUEST_DONE();
}
