/* SPDX-License-Identifier: MIT */
/*
 * GUEST_NEEDS_FEP(): the image only makes sense with forced emulation on
 * (KVM_FEP, Guest ABI section 7).  Use it once, at file scope.  Like
 * GUEST_EXPECT it only emits a string ("fep") into a non-allocated section,
 * .ringzero.needs, which nothing loads: the CLI (and so `npm start`) then
 * runs the image with --fep on, the test runner skips it loudly when forced
 * emulation is off, and the guest build checks the section's strings.
 */
#ifndef RINGZERO_NEEDS_FEP_H
#define RINGZERO_NEEDS_FEP_H

#define GUEST_NEEDS_FEP()						\
	__asm__(".pushsection .ringzero.needs,\"\",@progbits\n\t"	\
		".asciz \"fep\"\n\t"					\
		".popsection")

#endif
