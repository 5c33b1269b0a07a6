// Access to the guest images `npm test` builds (build/guests). When they are
// missing (no gcc on this machine) the tests that need them skip, loudly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../src/guest/elf.js';

export const GUEST_DIR = 'build/guests';
export const GUEST_NAMES = [
  'hello', 'assert', 'exceptions', 'integer', 'console', 'debug-exit',
  'user-mode', 'user-assert', 'user-paging', 'user-io', 'user-syscall', 'user-sysinsn', 'user-debug', 'sys-regs', 'far-calls', 'float',
  'fep-required', 'stack-remap',
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

/**
 * Why a run of the image cannot honour what it declares it needs (GUEST_NEEDS_FEP: its
 * `.ringzero.needs` section), or '' when it can: suites leave such a run out (what the image does
 * without what it needs is a test of its own).
 */
export function unmetNeeds(name: string, o: { forcedEmulation?: boolean }): string {
  const needs = parseElf(guestImage(name)).needs;
  const unmet = needs.filter((n) => !(n === 'fep' && o.forcedEmulation));
  if (unmet.length === 0) return '';
  return `${name} declares it needs ${unmet.join(', ')} (GUEST_NEEDS_FEP), which this run does not provide`;
}
