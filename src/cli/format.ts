// How the CLI prints events and exits: human lines and the exact JSON-lines format.
import type { GuestEvent, RunResult, Vm } from '../vm.js';
import { vectorName } from '../arch/vectors.js';

export const hex = (v: bigint | number): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);

export function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** One JSON line per event (the CLI's --json contract). */
export function eventJson(e: GuestEvent): string {
  if (e.type === 'console') return JSON.stringify({ type: 'console', text: e.text });
  const o: Record<string, unknown> = { type: 'ucall', cmd: e.cmd, args: e.args.map(hex) };
  if (e.cmd === 'CUSTOM') o.number = hex(e.number ?? 0n);
  if (e.cmd === 'PRINTF') o.text = e.text ?? '';
  if (e.cmd === 'ABORT') { o.expr = e.expr ?? ''; o.file = e.file ?? ''; o.line = e.line ?? 0; o.text = e.text ?? ''; }
  return JSON.stringify(o);
}

export function exitJson(r: RunResult): string {
  const o: Record<string, unknown> = { type: 'exit', reason: r.outcome, instructions: r.instructions };
  if (r.outcome === 'emulation-failure' || r.outcome === 'error') { o.rip = hex(r.rip ?? 0n); o.bytes = hexBytes(r.bytes ?? new Uint8Array()); }
  if (r.outcome === 'error' && r.message) o.message = r.message;
  if (r.outcome === 'debug-exit') o.code = r.code;
  return JSON.stringify(o);
}

/** A readable line per event. `describe` disassembles the instruction at a guest address. */
export function eventLine(e: GuestEvent, vm: Vm, describe: (rip: bigint) => string): string {
  if (e.type === 'console') return `CONSOLE ${e.text}`;
  switch (e.cmd) {
    case 'PRINTF': return `PRINTF ${(e.text ?? '').replace(/\n$/, '')}`;
    case 'ABORT': return `ABORT ${e.file}:${e.line}: ${e.expr}: ${e.text}`;
    case 'UNHANDLED': {
      const [vec, err, rip] = e.args as [bigint, bigint, bigint];
      return `UNHANDLED ${vectorName(Number(vec))}(${hex(err)}) at rip ${hex(rip)}: ${describe(rip)}`;
    }
    case 'SYNC': {
      // KVM's GUEST_SYNC passes the string "hello" first; show it as a string when it is one.
      const args = [...e.args];
      while (args.length > 1 && args[args.length - 1] === 0n) args.pop();
      const first = vm.readString(args[0] ?? 0n, 64);
      const shown = args.map((a, k) => (k === 0 && first !== undefined && /^[\x20-\x7e]+$/.test(first) ? JSON.stringify(first) : hex(a)));
      return `SYNC ${shown.join(' ')}`;
    }
    case 'CUSTOM': return `CUSTOM ${hex(e.number ?? 0n)} ${e.args.map(hex).join(' ')}`;
    default: return `${e.cmd}`;
  }
}

export function summaryLine(r: RunResult, ms: number, describe: (rip: bigint) => string): string {
  let what: string = r.outcome;
  if (r.outcome === 'debug-exit') what = `debug-exit (code ${r.code})`;
  if (r.outcome === 'emulation-failure') what = `emulation-failure at rip ${hex(r.rip ?? 0n)} [${hexBytes(r.bytes ?? new Uint8Array())}] ${describe(r.rip ?? 0n)}${r.message ? ` (${r.message})` : ''}`;
  if (r.outcome === 'error') what = `error at rip ${hex(r.rip ?? 0n)}: ${r.message}`;
  return `${what} after ${r.instructions} instructions (${ms.toFixed(1)} ms)`;
}

/** Process exit status for an outcome (the CLI contract). */
export function exitStatus(r: RunResult): number {
  switch (r.outcome) {
    case 'done': return 0;
    case 'limit': return 3;
    case 'debug-exit': return (r.code ?? 1) & 0xff;
    default: return 1;
  }
}
