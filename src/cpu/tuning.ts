// Thresholds of the execution tiers that the environment may lower (the test
// suite sets them to 1, vitest.config.ts, so every suite runs the code they
// guard from its first execution).
export function envNumber(name: string): number | undefined {
  const v = typeof process === 'undefined' ? undefined : process.env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
