/* SPDX-License-Identifier: MIT */
/* __stringify(x): x after macro expansion, as a string (<linux/stringify.h>). */
#ifndef RINGZERO_LINUX_STRINGIFY_H
#define RINGZERO_LINUX_STRINGIFY_H

/* Token-identical to asm-safe.h's, so either may come first. */
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#endif
