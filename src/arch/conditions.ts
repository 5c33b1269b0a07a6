// Condition codes (SDM Vol. 1 Appendix B, Table B-1), defined once: the low
// nibble of Jcc/SETcc/CMOVcc. Names as objdump spells them, and the flags each tests.
export const CONDITION_NAMES = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'] as const;
/** Flags tested by each condition, as flag letters (rflags.ts flagMask). */
export const CONDITION_FLAGS = ['o', 'o', 'c', 'c', 'z', 'z', 'cz', 'cz', 's', 's', 'p', 'p', 'so', 'so', 'zso', 'zso'] as const;
