// Access to the guest images `npm test` builds (build/guests). When they are
// missing (no gcc on this machine) the tests that need them skip, loudly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUEST_DIR = 'build/guests';
export const GUEST_NAMES = [
  'hello', 'assert', 'exceptions', 'integer', 'console', 'debug-exit',
  'user-mode', 'user-assert', 'user-paging', 'user-io', 'user-syscall', 'user-sysinsn', 'user-debug', 'sys-regs', 'far-calls', 'float',
];

export const imagesAvailable: { ok: boolean; reason: string } = (() => {
  const missing = GUEST_NAMES.filter((n) => !existsSync(join(GUEST_DIR, `${n}.elf`)));
  if (missing.length === 0) return { ok: true, reason: '' };
  return { ok: false, reason: `guest images missing in ${GUEST_DIR} (${missing.join(', ')}): run 'npm run build:guests' (needs gcc and binutils)` };
})();

if (!imagesAvailable.ok) console.warn(`\n*** SKIPPING guest-image tests: ${imagesAvailable.reason} ***\n`);

export function guestImage(name: string): Uint8Array {
  return readFileSync(join(GUEST_DIR, `${name}.elf`));
}
