// Guests written for host-driven tests (test/host-guests/*.c): they need a host
// that answers their exits (slots added at run time, MSR exits, hypercalls…),
// so they are not bundled guests (`npm start` runs those alone). `npm test`
// builds them into build/host-guests with the same runtime; without gcc the
// tests that need them skip, loudly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vm, type VmOptions } from '../../src/vm.js';

export const HOST_GUEST_SRC = 'test/host-guests';
export const HOST_GUEST_DIR = 'build/host-guests';

const names = readdirSync(HOST_GUEST_SRC).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));

export const hostGuestsAvailable: { ok: boolean; reason: string } = (() => {
  const missing = names.filter((n) => !existsSync(join(HOST_GUEST_DIR, `${n}.elf`)));
  if (missing.length === 0) return { ok: true, reason: '' };
  return { ok: false, reason: `host-test guest images missing in ${HOST_GUEST_DIR} (${missing.join(', ')}): npm test builds them (needs gcc and binutils)` };
})();

if (!hostGuestsAvailable.ok) console.warn(`\n*** SKIPPING host-API guest tests: ${hostGuestsAvailable.reason} ***\n`);

/** Loads test/host-guests/<name>.c's image under guest ABI v1; drive it with `vm.vcpu.run()`. */
export function loadHostGuest(name: string, options: VmOptions = {}): Vm {
  return Vm.fromElf(readFileSync(join(HOST_GUEST_DIR, `${name}.elf`)), options);
}
