// The guest build (scripts/build-guests.mjs) on images that use the forced-emulation prefix the way
// upstream selftests write it (`KVM_FEP` with no label after it): objdump decodes the 'kvm' bytes
// as an IMUL that swallows the prefixed instruction's first byte, so its check must skip the
// signature, not reject the image; it still rejects a real AVX instruction; .ringzero.needs
// (GUEST_NEEDS_FEP) is checked and reported.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from '../src/guest/elf.js';
import { readFileSync } from 'node:fs';

const gcc = spawnSync('gcc', ['--version']);
const toolsOk = !gcc.error && gcc.status === 0;
if (!toolsOk) console.warn('\n*** SKIPPING the guest-build tests: no gcc/binutils on this machine ***\n');

// `mov $0xc06ffdc5, %eax` is b8 c5 fd 6f c0: after the IMUL takes b8, objdump sees c5 fd 6f c0,
// `vmovdqa %ymm0,%ymm0`.
const GUESTS: Record<string, string> = {
  'fep-mov': `#include "guest.h"
GUEST_NEEDS_FEP();
void main(void)
{
	uint32_t v;
	asm volatile(KVM_FEP "mov $0xc06ffdc5, %0" : "=a"(v));
	GUEST_ASSERT_EQ(v, 0xc06ffdc5);
	GUEST_DONE();
}
`,
  'real-avx': `#include "guest.h"
void main(void)
{
	asm volatile("vmovdqa %ymm0, %ymm0");
	GUEST_DONE();
}
`,
  'unknown-need': `#include "guest.h"
__asm__(".pushsection .ringzero.needs,\\"\\",@progbits\\n\\t.asciz \\"smp\\"\\n\\t.popsection");
void main(void) { GUEST_DONE(); }
`,
};

/** Runs the guest build on the named sources (asynchronously: the worker stays responsive). */
function build(names: string[]): Promise<{ status: number | null; out: string; elf: (n: string) => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ringzero-build-'));
  mkdirSync(join(dir, 'src'));
  for (const n of names) writeFileSync(join(dir, 'src', `${n}.c`), GUESTS[n]!);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['scripts/build-guests.mjs', '--src', join(dir, 'src'), '--out', join(dir, 'out'), '--obj', join(dir, 'obj')]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('close', (status) => resolve({ status, out, elf: (n: string) => join(dir, 'out', `${n}.elf`) }));
  });
}

describe.skipIf(!toolsOk)('the guest build and the forced-emulation prefix', () => {
  let fep: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => { fep = await build(['fep-mov']); }, 240_000);

  it('accepts an image whose KVM_FEP makes objdump see vmovdqa %ymm0 out of step, and reports its needs', () => {
    expect(fep.out).not.toContain('breaks the Guest ABI');
    expect(fep.status).toBe(0);
    expect(fep.out).toContain('expect done, needs fep)');
    expect(existsSync(fep.elf('fep-mov'))).toBe(true);
    expect(parseElf(readFileSync(fep.elf('fep-mov'))).needs).toEqual(['fep']);
  });

  it('still rejects a real AVX instruction, and a need it does not know', async () => {
    const avx = await build(['real-avx']);
    expect(avx.status).toBe(1);
    expect(avx.out).toContain('vmovdqa %ymm0,%ymm0');
    const need = await build(['unknown-need']);
    expect(need.status).toBe(1);
    expect(need.out).toContain('.ringzero.needs holds "smp"');
  }, 240_000);
});
