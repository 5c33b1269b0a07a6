// What the row files share to write encodings and row ids.

/** An opcode byte as the encoding strings write it: two upper-case hex digits ('0F 38 F6'). */
export const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** A mnemonic as a row id begins: capitalised ('Adcx_Gy_Ey'). */
export const cap = (m: string): string => m[0]!.toUpperCase() + m.slice(1);
