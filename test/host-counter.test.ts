// README's "Writing a host-side test" example, verbatim but for the import paths and the skip
// when the guest images could not be built (no gcc): it must keep working.
import { describe, expect, it } from 'vitest';
import { EXECUTION_PATHS, Vm, type DebugExit } from '../src/index.js'; // outside this repo: 'ringzero'
import { runGuest } from '../src/vitest.js';                       // outside this repo: 'ringzero/vitest'
import { readFileSync } from 'node:fs';
import { hostGuestsAvailable } from './helpers/host-guests.js';

const image = hostGuestsAvailable.ok ? readFileSync('build/host-guests/counter.elf') : new Uint8Array(0);

for (const executionPath of EXECUTION_PATHS) describe.skipIf(!hostGuestsAvailable.ok)(`${executionPath} path`, () => {
  it('counts to 6, one SYNC per step', () => {
    const run = runGuest(image, { executionPath });
    expect(run).toHaveUcalls([
      { cmd: 'SYNC', stage: 1, args: [expect.anything(), 1n, 1n] },
      { cmd: 'SYNC', stage: 2, args: [expect.anything(), 2n, 3n] },
      { cmd: 'SYNC', stage: 3, args: [expect.anything(), 3n, 6n] },
      'DONE',
    ]);
  });

  it('the host changes the counter between two stages: the guest assert fails', () => {
    const vm = Vm.fromElf(image, { executionPath });
    const watched: bigint[] = [];
    vm.vcpu.addWatchpoint({ address: vm.symbol('counter')!, length: 8, kind: 'write' });
    // Fails with: guest assertion failed at test/host-guests/counter.c:11: counter == 6
    //               0x64 != 0x6 (counter != 6)
    //             last 16 instructions before the guest called ucall_assert (oldest first): …
    expect(() => runGuest(vm, {
      onUcall: (u) => { if (u.args[1] === 2n) vm.writeGlobal('counter', 97n); },
      onExit: (e) => e.reason === 'debug' && watched.push((e as DebugExit).address!) > 0,
    })).toThrow(/guest assertion failed at .*counter\.c:\d+: counter == 6\n  0x64 != 0x6/);
    expect(watched).toHaveLength(3); // three writes by the guest; the host's own write is not one
  });
});
