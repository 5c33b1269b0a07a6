// The CPU vendor model. A vCPU follows exactly one vendor's manual where the
// vendors differ (docs/cpu-model.md lists every such rule): 'amd' (the default,
// like the host the differential suites compare with) follows the AMD64 APM,
// 'intel' the Intel SDM. Code that depends on the vendor tests this value,
// never a mixture.
export type CpuVendor = 'amd' | 'intel';

export const CPU_VENDORS: readonly CpuVendor[] = ['amd', 'intel'];

/** CPUID leaf 0 / 0x80000000 vendor strings. */
export const VENDOR_STRING: Readonly<Record<CpuVendor, string>> = {
  amd: 'AuthenticAMD',
  intel: 'GenuineIntel',
};

export function isCpuVendor(s: string): s is CpuVendor {
  return (CPU_VENDORS as readonly string[]).includes(s);
}
