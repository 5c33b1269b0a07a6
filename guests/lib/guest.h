/* SPDX-License-Identifier: MIT */
/*
 * The one header a ringzero guest includes: the ucall API (ucall.h), the
 * processor helpers (processor.h), and the little libc the runtime provides.
 * A guest defines `void main(void)`; _start (entry.S) sets up the IDT, calls
 * it, and reports GUEST_DONE if it returns.
 */
#ifndef RINGZERO_GUEST_H
#define RINGZERO_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "processor.h"
#include "ucall.h"
#include "mm.h"
#include "usermode.h"
#include "probes.h"
#include "debugreg.h"
#include "guest-libc.h"

void main(void);

/* ---- placement in the user half (guest.ld), for future ring-3 code */
#define __user_text __attribute__((section(".user_text"), noipa))
#define __user_data __attribute__((section(".user_data")))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
