// Access kinds and the permission each walked translation grants them (SDM
// Vol. 3A §4.6 access rights, SMEP, SMAP; §4.6.2 protection keys; §4.7 the PK
// bit of the error code). The MMU (mmu.ts) caches these bytes in its TLB.
import type { WalkResult } from './paging.js';

/** Access kinds, each one bit of a TLB entry's permission byte. */
export const ACC_READ_SUP = 1;        // supervisor data read, SMAP applies (AC=0 or implicit)
export const ACC_READ_SUP_AC = 2;     // explicit supervisor data read with RFLAGS.AC=1
export const ACC_WRITE_SUP = 4;
export const ACC_WRITE_SUP_AC = 8;
export const ACC_EXEC_SUP = 16;
export const ACC_READ_USER = 32;
export const ACC_WRITE_USER = 64;
export const ACC_EXEC_USER = 128;
export const ACC_ANY_WRITE = ACC_WRITE_SUP | ACC_WRITE_SUP_AC | ACC_WRITE_USER;
export const ACC_ANY_USER = ACC_READ_USER | ACC_WRITE_USER | ACC_EXEC_USER;
export const ACC_ANY_EXEC = ACC_EXEC_SUP | ACC_EXEC_USER;

/** Permission byte for a walked translation under CR4.PKE/PKRU, CR0.WP, CR4.SMEP and CR4.SMAP. */
export function permissionsOf(w: WalkResult, pke: boolean, pkru: number, wp: boolean, smep: boolean, smap: boolean): number {
  let p = 0;
  const smapBlocks = smap && w.userAll;
  const supWriteOk = w.writeAll || !wp;
  let pkRead = true, pkWriteUser = true, pkWriteSup = true;
  if (pke && w.userAll) {
    const ad = (pkru >>> (2 * w.pkey)) & 1, wd = (pkru >>> (2 * w.pkey + 1)) & 1;
    pkRead = ad === 0;
    pkWriteUser = ad === 0 && wd === 0;
    pkWriteSup = ad === 0 && (wd === 0 || !wp);
  }
  if (!smapBlocks && pkRead) p |= ACC_READ_SUP;
  if (pkRead) p |= ACC_READ_SUP_AC;
  if (supWriteOk && !smapBlocks && pkWriteSup) p |= ACC_WRITE_SUP;
  if (supWriteOk && pkWriteSup) p |= ACC_WRITE_SUP_AC;
  if (!w.nxAny && !(smep && w.userAll)) p |= ACC_EXEC_SUP;
  if (w.userAll) {
    if (pkRead) p |= ACC_READ_USER;
    if (w.writeAll && pkWriteUser) p |= ACC_WRITE_USER;
    if (!w.nxAny) p |= ACC_EXEC_USER;
  }
  return p;
}

/**
 * The PK bit of the error code (SDM Vol. 3A §4.7): a data access to a
 * user-mode address whose key has AD = 1, or WD = 1 on a write made by user
 * mode or with CR0.WP = 1 — whatever else denies the access.
 */
export function keyDenies(w: WalkResult, acc: number, pke: boolean, pkru: number, wp: boolean): boolean {
  if (!pke || !w.userAll || (acc & ACC_ANY_EXEC) !== 0) return false;
  const ad = (pkru >>> (2 * w.pkey)) & 1, wd = (pkru >>> (2 * w.pkey + 1)) & 1;
  if (ad) return true;
  return wd === 1 && (acc & ACC_ANY_WRITE) !== 0 && ((acc & ACC_ANY_USER) !== 0 || wp);
}
