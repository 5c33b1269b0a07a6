// Reference model of 4-level paging access rights and #PF error codes, written
// from the manuals and never from src/: SDM Vol. 3A §4.5 (entry formats,
// reserved bits), §4.6.1 (access rights, SMEP, SMAP), §4.6.2 (protection
// keys), §4.7 (error code), §4.8 (A/D flags); AMD APM Vol. 2 §5.3-§5.6.

export const ERR_P = 1, ERR_W = 2, ERR_U = 4, ERR_RSVD = 8, ERR_I = 16, ERR_PK = 32;

/** The CPU model reports MAXPHYADDR = 48 (CPUID 0x80000008 EAX[7:0] = 0x30). */
export const MAXPHYADDR = 48;

export interface Controls {
  wp: boolean;    // CR0.WP
  smep: boolean;  // CR4.SMEP
  smap: boolean;  // CR4.SMAP
  nxe: boolean;   // EFER.NXE
  pke: boolean;   // CR4.PKE
  pkru: number;
  /** The vendor model: AMD makes PML4E bit 8 MBZ (APM Vol. 2 Figure 5-18), Intel ignores it (SDM Table 4-15). */
  vendor: 'amd' | 'intel';
}

export type Kind = 'read' | 'write' | 'fetch';
/** An access: CPL, RFLAGS.AC, and whether it is an implicit supervisor-mode access (GDT, IDT, TSS). */
export interface Access { kind: Kind; cpl: 0 | 3; ac: boolean; implicit: boolean }

/** One paging-structure entry of a translation. */
export interface Entry {
  present: boolean;
  rw: boolean;
  us: boolean;
  nx: boolean;          // bit 63: XD with NXE=1, reserved with NXE=0
  extra: number[];      // other bits set (reserved or ignored ones: the model decides)
}

/** A translation: entries from the PML4E down to the leaf (4: 4 KiB, 3: 2 MiB, 2: 1 GiB page). */
export interface Translation { entries: Entry[]; pkey: number }

/** Level of entry k (4 = PML4E ... 1 = PTE). */
export const levelOf = (k: number): number => 4 - k;

/** Every access kind the MMU distinguishes: CPL × AC × {read, write, fetch, implicit read, implicit write}. */
export const ACCESSES: readonly Access[] = (() => {
  const out: Access[] = [];
  for (const cpl of [0, 3] as const) {
    for (const ac of [false, true]) {
      for (const kind of ['read', 'write', 'fetch'] as const) out.push({ kind, cpl, ac, implicit: false });
      for (const kind of ['read', 'write'] as const) out.push({ kind, cpl, ac, implicit: true });
    }
  }
  return out;
})();

/**
 * Reserved bits of a present entry (SDM §4.5 Tables 4-15 to 4-20, Figure 4-11;
 * APM §5.3.3): 51:MAXPHYADDR everywhere, XD when NXE=0, PS in a PML4E (and bit 8
 * of a PML4E on AMD: APM Figure 5-18 "MBZ" at bits 8:7; Intel ignores it), and the
 * address bits below the page frame of a 1 GiB (29:13) or 2 MiB (20:13) page.
 */
export function isReservedBit(bit: number, level: number, leaf: boolean, c: Controls): boolean {
  if (bit >= MAXPHYADDR && bit <= 51) return true;
  if (bit === 63) return !c.nxe;
  if (level === 4 && bit === 7) return true;
  if (level === 4 && bit === 8) return c.vendor === 'amd';
  if (leaf && level === 3 && bit >= 13 && bit <= 29) return true;
  if (leaf && level === 2 && bit >= 13 && bit <= 20) return true;
  return false;
}

/** The outcome of an access: allowed, or the #PF error code. */
export type Outcome = { ok: true } | { ok: false; err: number };

/** Is this a user-mode access (SDM §4.6.1: implicit accesses are supervisor-mode whatever the CPL)? */
export const isUserAccess = (a: Access): boolean => a.cpl === 3 && !a.implicit;

/** Bits of the error code that describe the access rather than the translation (§4.7). */
export function accessBits(a: Access, c: Controls): number {
  let e = 0;
  if (a.kind === 'write') e |= ERR_W;
  if (isUserAccess(a)) e |= ERR_U;
  // I/D: "(1) an instruction fetch; and (2) either (a) CR4.SMEP = 1; or (b) CR4.PAE = 1 and EFER.NXE = 1".
  if (a.kind === 'fetch' && (c.smep || c.nxe)) e |= ERR_I;
  return e;
}

/** Protection-key denial (§4.6.2) and the PK flag conditions of §4.7. */
function keyDenies(t: Translation, c: Controls, a: Access, userAddr: boolean): boolean {
  if (!c.pke || !userAddr || a.kind === 'fetch') return false; // keys govern data accesses to user-mode addresses only
  const ad = (c.pkru >>> (2 * t.pkey)) & 1, wd = (c.pkru >>> (2 * t.pkey + 1)) & 1;
  if (ad) return true;
  // WD: user-mode writes, and supervisor-mode writes only when CR0.WP = 1.
  return wd === 1 && a.kind === 'write' && (isUserAccess(a) || c.wp);
}

/** Whether the access is allowed, else its #PF error code (SDM §4.6, §4.7). */
export function model(t: Translation, c: Controls, a: Access): Outcome {
  const base = accessBits(a, c);
  const n = t.entries.length;
  for (let k = 0; k < n; k++) {
    const e = t.entries[k]!;
    if (!e.present) return { ok: false, err: base }; // P=0: nothing else in the entry is checked
    const leaf = k === n - 1, level = levelOf(k);
    if ((e.nx && !c.nxe) || e.extra.some((b) => isReservedBit(b, level, leaf, c))) return { ok: false, err: base | ERR_P | ERR_RSVD };
  }
  const userAddr = t.entries.every((e) => e.us);       // U/S=1 at every level
  const writable = t.entries.every((e) => e.rw);       // R/W=1 at every level
  const xd = c.nxe && t.entries.some((e) => e.nx);     // XD=1 at some level
  const pk = keyDenies(t, c, a, userAddr);
  let ok: boolean;
  if (isUserAccess(a)) {
    if (!userAddr) ok = false;
    else if (a.kind === 'fetch') ok = !xd;
    else if (a.kind === 'write') ok = writable && !pk;
    else ok = !pk;
  } else if (a.kind === 'fetch') {
    ok = !xd && !(userAddr && c.smep);                  // SMEP: no supervisor fetch from a user-mode address
  } else {
    // SMAP: no supervisor data access to a user-mode address unless explicit with AC=1.
    const smap = userAddr && c.smap && (a.implicit || !a.ac);
    if (smap) ok = false;
    else if (a.kind === 'write') ok = (writable || !c.wp) && !pk;
    else ok = !pk;
  }
  return ok ? { ok: true } : { ok: false, err: base | ERR_P | (pk ? ERR_PK : 0) };
}

/** A/D after an access (§4.8): allowed → A at every level, D on the leaf for a write; a fault sets none. */
export function expectedAD(t: Translation, allowed: boolean, a: Access): number[] {
  return t.entries.map((_e, k) => {
    if (!allowed) return 0;
    const leaf = k === t.entries.length - 1;
    return 0x20 | (leaf && a.kind === 'write' ? 0x40 : 0);
  });
}

export function fmtErr(o: Outcome): string {
  if (o.ok) return 'ok';
  const names: [number, string][] = [[ERR_P, 'P'], [ERR_W, 'W'], [ERR_U, 'U'], [ERR_RSVD, 'RSVD'], [ERR_I, 'I'], [ERR_PK, 'PK']];
  const s = names.filter(([b]) => o.err & b).map(([, n]) => n).join('|');
  return `#PF(${s || '0'})`;
}

export function fmtAccess(a: Access): string {
  return `cpl${a.cpl} ac${a.ac ? 1 : 0} ${a.implicit ? 'implicit' : 'explicit'} ${a.kind}`;
}

export function fmtControls(c: Controls): string {
  const b = (v: boolean) => (v ? 1 : 0);
  return `wp${b(c.wp)} smep${b(c.smep)} smap${b(c.smap)} nxe${b(c.nxe)} pke${b(c.pke)} pkru=${(c.pkru >>> 0).toString(16).padStart(8, '0')} ${c.vendor}`;
}

/** Collects table rows that disagree and renders them in one failure message. */
export class Mismatches {
  readonly rows: string[] = [];
  checked = 0;
  add(row: string): void { this.rows.push(row); }
  report(title: string, rows = this.rows): string {
    const limit = process.env.RINGZERO_TABLE_ROWS === 'all' ? Infinity : 1000;
    const shown = rows.slice(0, limit);
    const more = rows.length - shown.length;
    return `${title}: ${rows.length} of ${this.checked} combinations disagree with the SDM model\n` +
      shown.join('\n') + (more > 0 ? `\n... ${more} more rows (RINGZERO_TABLE_ROWS=all prints every row)` : '');
  }
}
