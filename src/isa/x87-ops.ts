// The parameters of the x87 executors (rows in opcodes/x87.ts, code in cpu/exec/x87-*.ts), as
// data shared by the table and the interpreter.

/** x87Arith: the operation as the SDM names it (ModRM.reg of D8): dst ← dst op src, or src op dst for the R forms. */
export const X87_ADD = 0, X87_MUL = 1, X87_SUB = 4, X87_SUBR = 5, X87_DIV = 6, X87_DIVR = 7;
/** x87Arith flags: the destination is ST(i) (DC/DE register forms), pop after (the P forms). */
export const X87_DST_STI = 0x10, X87_POP = 0x20;

/** x87Compare: FCOM (ordered) or FUCOM, how many pops, to EFLAGS (FCOMI), against +0 (FTST), an integer memory operand (FICOM). */
export const CMP_UNORDERED = 1, CMP_POP1 = 2, CMP_POP2 = 4, CMP_EFLAGS = 8, CMP_ZERO = 0x10, CMP_INT = 0x20;

/** The source of x87Load / destination of x87Store (with the memory operand's size in the row). */
export const X87_FLOAT = 0, X87_INT = 1, X87_BCD = 2, X87_REG = 3, X87_TRUNC = 4;
/** x87Store: pop after; copy ST(0) with its tag and no stack fault, nothing when it is empty (FSTP1). */
export const STORE_POP = 0x10, STORE_RAW = 0x20;

/** x87Unary operations (on ST(0), some with ST(1)). */
export const U_CHS = 0, U_ABS = 1, U_TST = 2, U_XAM = 3, U_SQRT = 4, U_RNDINT = 5, U_SCALE = 6, U_XTRACT = 7,
  U_PREM = 8, U_PREM1 = 9;

/** x87Stack operations. */
export const S_FXCH = 0, S_INCSTP = 1, S_DECSTP = 2, S_FREE = 3, S_FREEP = 4, S_NOP = 5;

/** x87Control operations. */
export const C_INIT = 0, C_CLEX = 1, C_LDCW = 2, C_STCW = 3, C_STSW = 4, C_STSW_AX = 5, C_NOP = 6;

/** x87Env operations. */
export const E_STENV = 0, E_LDENV = 1, E_SAVE = 2, E_RSTOR = 3;

/** x87Trans operations (cpu/exec/x87-trans.ts). */
export const T_SIN = 0, T_COS = 1, T_SINCOS = 2, T_PTAN = 3, T_PATAN = 4, T_2XM1 = 5, T_YL2X = 6, T_YL2XP1 = 7;
