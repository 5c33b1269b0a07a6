// Loud skipping: suites that need the native executor or GNU as call this at
// module load and use `describe.skipIf(!gate.ok)`. When unavailable, a warning
// with the reason is printed so that a skipped suite is never mistaken for a pass.
import { assemblerAvailable } from './assemble.js';
import { nativeAvailable } from './native.js';

export function requireNative(suite: string): { ok: boolean; reason?: string } {
  const n = nativeAvailable();
  const a = n.ok ? assemblerAvailable() : n;
  const res = n.ok && a.ok ? { ok: true } : { ok: false, reason: n.ok ? a.reason : n.reason };
  if (!res.ok) {
    const msg = `\n*** ringzero: SKIPPING differential suite "${suite}": native execution unavailable: ${res.reason} ***\n`;
    console.warn(msg);
  }
  return res;
}
