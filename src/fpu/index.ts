// The software floating-point core (see types.ts for the value and environment conventions).
// A pure library: imports nothing outside src/fpu (and src/arch).
export * from './types.js';
export { Cls, F32, F64, F80, F80_24, F80_53, type Unpacked } from './format.js';
export * from './sse.js';
export * from './convert.js';
export * from './x87.js';
export * from './x87-misc.js';
export { FastPath } from './fast64.js';
export * from './bcd.js';
