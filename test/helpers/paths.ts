// What a test may observe of an execution path beyond the architecture.
import type { ExecutionPath } from '../../src/cpu/execution-path.js';

/**
 * Whether the path keeps translations in the TLB, so a test can see a stale
 * entry survive a page-table write without INVLPG (the SDM allows it, never
 * requires it). Every tier does except the reference path, which walks the
 * page tables on every access; the compiled tier accesses memory through the
 * interpreter's MMU and shares its TLB. A TLB-observation test asserts the
 * stale entry on these paths and the fresh walk on the others.
 */
export const cachesTranslations = (path: ExecutionPath): boolean => path !== 'reference';
