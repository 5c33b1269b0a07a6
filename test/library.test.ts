// The README's library example, kept runnable: if this breaks, the README is wrong.
import { readFileSync } from 'node:fs';
import { test, expect } from 'vitest';
import { Vm } from '../src/index.js';
import { imagesAvailable } from './helpers/images.js';

test.skipIf(!imagesAvailable.ok)('the guest asserts what it should', () => {
  const vm = Vm.fromElf(readFileSync('build/guests/assert.elf'), {
    memorySize: 128 * 1024 * 1024,
    forcedEmulation: false,
    maxInstructions: 1e9,
  });
  const result = vm.run();
  expect(result.outcome).toBe('abort');
  expect(result.last).toMatchObject({ cmd: 'ABORT', file: 'guests/assert.c', line: 24, expr: 'x == 42' });
  expect(result.events[0]).toMatchObject({ type: 'ucall', cmd: 'SYNC' });
  expect(vm.regs().rip).toBeGreaterThan(0n);
  const where = vm.symbol('main');
  expect(where).toBeDefined();
  const bytes = vm.readVirtual(where!, 16);
  expect(bytes?.length).toBe(16);
});
