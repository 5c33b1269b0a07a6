// Accesses that leave the vCPU for the host, KVM's KVM_EXIT_IO / KVM_EXIT_MMIO:
// port I/O to a port no in-VM device claims, and MMIO to guest-physical
// addresses with no slot or device (or writes to a read-only slot).
//
// A write cannot change the instruction's outcome: it is queued, the
// instruction completes, and the run loop stops after it (a REP string
// instruction stops after that element). A read needs the host's data before
// the instruction can go on: the instruction is unwound like a fault (nothing
// it did is committed except completed REP elements, exactly as for a #PF),
// the run loop stops with the read as the exit, and when the host resumes with
// the data the instruction executes again and that one access takes the data
// (KVM completes such an instruction by emulating it again the same way).
import type { HostMmio } from '../mmu/physical-access.js';
import { StopReason } from './stop-reason.js';

export type HostAccessKind = 'io' | 'mmio' | 'msr' | 'hypercall';

/** One access for the host. `value` is the written data, or (reads) what the host supplies. */
export interface HostAccess {
  kind: HostAccessKind;
  write: boolean;
  /** The port, or the guest-physical address. */
  address: number;
  size: 1 | 2 | 4 | 8;
  value: bigint;
  /** msr (host-calls.ts): why it exits; the host's answer sets `error` for #GP(0). */
  why?: 'unknown' | 'invalid' | 'filter';
  error?: boolean;
  /** hypercall: RAX (the number), RBX, RCX, RDX, RSI; the CPL and whether in 64-bit mode. */
  args?: readonly bigint[];
  cpl?: number;
  longMode?: boolean;
}

/** Thrown by a read that must exit: the run loop unwinds the instruction and stops with StopReason.HostExit. */
export const HOST_EXIT = Symbol('host exit');

/** Port I/O no in-VM device answers (io.ts). */
export interface HostIo {
  read(port: number, size: 1 | 2 | 4): number;
  write(port: number, size: 1 | 2 | 4, value: number): void;
}

/** The open bus: reads all ones, writes dropped (what a bare CPU sees with nobody listening). */
export const OPEN_PORTS: HostIo = {
  read: (_port, size) => (size === 4 ? -1 : (1 << (size * 8)) - 1),
  write: () => {},
};

interface Stopper { requestStop(reason: StopReason): void }

/** The exit side of one vCPU: implements both hooks and holds the accesses waiting for the host. */
export class HostExits implements HostMmio {
  /** Accesses for the host, oldest first (a write, or the read that stopped the run). */
  readonly queue: HostAccess[] = [];
  /** The host's answer to the read that stopped the run, consumed when the instruction executes again. */
  private completion: HostAccess | null = null;

  constructor(private readonly cpu: Stopper) {}

  /** The host resumes a read exit with its data. */
  complete(access: HostAccess): void {
    // msr and hypercall accesses need the answer in both directions.
    this.completion = access.write && (access.kind === 'io' || access.kind === 'mmio') ? null : access;
  }

  /** Forgets the answer to a read exit (the host changed the vCPU state: the instruction is fetched anew). */
  cancelRead(): void {
    this.completion = null;
  }

  /** Forgets every access waiting for the host (exits turned on or off). */
  reset(): void {
    this.queue.length = 0;
    this.completion = null;
  }

  read(pa: number, size: 1 | 2 | 4 | 8): bigint { return this.readAccess('mmio', pa, size); }
  write(pa: number, size: 1 | 2 | 4 | 8, value: bigint): void { this.writeAccess('mmio', pa, size, value); }

  /** The port I/O side (HostIo's names clash with HostMmio's). */
  readonly ports: HostIo = {
    read: (port, size) => Number(this.readAccess('io', port, size)) | 0,
    write: (port, size, value) => this.writeAccess('io', port, size, BigInt.asUintN(size * 8, BigInt(value))),
  };

  /**
   * An access that needs the host's answer before the instruction retires (msr, hypercall):
   * the answer when the instruction runs again, else it is queued and the instruction unwinds.
   */
  exchange(access: HostAccess): HostAccess {
    const done = this.completion;
    this.completion = null;
    if (done !== null && done.kind === access.kind && done.address === access.address && done.write === access.write) return done;
    this.queue.push(access);
    throw HOST_EXIT;
  }

  private readAccess(kind: HostAccessKind, address: number, size: 1 | 2 | 4 | 8): bigint {
    const done = this.completion;
    if (done !== null && done.kind === kind && done.address === address && done.size === size) {
      this.completion = null;
      return BigInt.asUintN(size * 8, done.value);
    }
    this.completion = null;
    this.queue.push({ kind, write: false, address, size, value: (1n << BigInt(size * 8)) - 1n });
    throw HOST_EXIT;
  }

  private writeAccess(kind: HostAccessKind, address: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    this.queue.push({ kind, write: true, address, size, value });
    this.cpu.requestStop(StopReason.HostExit);
  }
}
