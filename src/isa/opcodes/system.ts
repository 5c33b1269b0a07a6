// Rows: system instructions — interrupt flag, descriptor tables, control and
// debug registers, MSRs, time, CPUID, SYSCALL/SYSRET, SMAP and protection
// keys, cache control and hint NOPs (SDM Vol. 2; APM Vol. 3).
import { row, type OpcodeRow } from '../table.js';
import { SEG_FS, SEG_GS } from '../../arch/registers.js';
import { hex } from './row-text.js';

export function systemRows(): OpcodeRow[] {
  const rows: OpcodeRow[] = [];
  const add = (r: OpcodeRow) => { rows.push(r); };
  add(row('Hlt', 'F4', 'hlt', '', 'hlt', { attrs: 'priv' }));
  add(row('Cli', 'FA', 'cli', '', 'cli', { set: 'i', exc: 'iopl' }));
  add(row('Sti', 'FB', 'sti', '', 'sti', { set: 'i', exc: 'iopl' }));
  add(row('Fwait', '9B', 'fwait', '', 'fwait', { exc: 'wait' })); // #MF for a pending x87 exception (exec/x87-control.ts)
  add(row('Sldt_Ew', '0F 00 /0', 'sldt', '=Ew', 'sldt', { exc: 'umip', att: { regV: true } }));
  add(row('Str_Ew', '0F 00 /1', 'str', '=Ew', 'str', { exc: 'umip', att: { regV: true } }));
  add(row('Lldt_Ew', '0F 00 /2', 'lldt', 'Ew', 'lldt', { attrs: 'priv' }));
  add(row('Ltr_Ew', '0F 00 /3', 'ltr', 'Ew', 'ltr', { attrs: 'priv' }));
  add(row('Verr_Ew', '0F 00 /4', 'verr', 'Ew', 'verify', { param: 0, set: 'z' }));
  add(row('Verw_Ew', '0F 00 /5', 'verw', 'Ew', 'verify', { param: 1, set: 'z' }));
  add(row('Sgdt_M', '0F 01 /0 mod=mem', 'sgdt', '=M', 'sgdt', { exc: 'umip', att: { legacy: 'sgdt*' } }));
  add(row('Sidt_M', '0F 01 /1 mod=mem', 'sidt', '=M', 'sidt', { exc: 'umip', att: { legacy: 'sidt*' } }));
  add(row('Lgdt_M', '0F 01 /2 mod=mem', 'lgdt', 'M', 'lgdt', { attrs: 'priv', att: { legacy: 'lgdt*' } }));
  add(row('Lidt_M', '0F 01 /3 mod=mem', 'lidt', 'M', 'lidt', { attrs: 'priv', att: { legacy: 'lidt*' } }));
  add(row('Smsw_Ew', '0F 01 /4', 'smsw', '=Ew', 'smsw', { exc: 'umip', att: { regV: true } }));
  add(row('Lmsw_Ew', '0F 01 /6', 'lmsw', 'Ew', 'lmsw', { attrs: 'priv' }));
  add(row('Invlpg_M', '0F 01 /7 mod=mem', 'invlpg', 'M', 'invlpg', { attrs: 'priv' }));
  // VMCALL (Intel) and VMMCALL (AMD): KVM's PV hypercall here (cpu/host-calls.ts).
  add(row('Vmcall', '0F 01 /0 mod=reg rm=1', 'vmcall', '', 'hypercall', { param: 0 }));
  add(row('Vmmcall', 'p=none 0F 01 /3 mod=reg rm=1', 'vmmcall', '', 'hypercall', { param: 1 }));
  // With a 66 prefix objdump knows no instruction, with F3/F2 it is VMGEXIT (SEV-ES, APM Vol. 3): not modelled.
  add(row('Vmmcall_66', 'p=66 0F 01 /3 mod=reg rm=1', '(bad)', '', 'pending', { pending: true }));
  add(row('Vmgexit_F3', 'p=F3 0F 01 /3 mod=reg rm=1', 'vmgexit', '', 'pending', { pending: true }));
  add(row('Vmgexit_F2', 'p=F2 0F 01 /3 mod=reg rm=1', 'vmgexit', '', 'pending', { pending: true }));
  // MONITOR/MWAIT as KVM presents them (exec/monitor.ts): #UD above CPL 0, else NOPs or #UD by KVM's quirks.
  add(row('Monitor', '0F 01 /1 mod=reg rm=0', 'monitor', '', 'monitor', { param: 0, exc: 'cpl0', att: { ops: '%edx,%ecx,rAX', suffix: 'none' } }));
  add(row('Mwait', '0F 01 /1 mod=reg rm=1', 'mwait', '', 'monitor', { param: 1, exc: 'cpl0', att: { ops: '%ecx,%eax', suffix: 'none' } }));
  add(row('Clac', '0F 01 /1 mod=reg rm=2', 'clac', '', 'clac', { set: 'A', feature: 'smap', exc: 'cpl0' }));
  add(row('Stac', '0F 01 /1 mod=reg rm=3', 'stac', '', 'stac', { set: 'A', feature: 'smap', exc: 'cpl0' }));
  add(row('Rdpkru', '0F 01 /5 mod=reg rm=6', 'rdpkru', '', 'rdpkru', { feature: 'pku', exc: 'pke' }));
  add(row('Wrpkru', '0F 01 /5 mod=reg rm=7', 'wrpkru', '', 'wrpkru', { feature: 'pku', exc: 'pke' }));
  add(row('Swapgs', '0F 01 /7 mod=reg rm=0', 'swapgs', '', 'swapgs', { attrs: 'priv o64' }));
  add(row('Rdtscp', '0F 01 /7 mod=reg rm=1', 'rdtscp', '', 'rdtscp', { feature: 'rdtscp', exc: 'tsd' }));
  add(row('Lar_Gv_Ew', '0F 02', 'lar', '+Gv,Ew', 'lar', { set: 'z', att: { regV: true } }));
  add(row('Lsl_Gv_Ew', '0F 03', 'lsl', '+Gv,Ew', 'lsl', { set: 'z', att: { regV: true } }));
  add(row('Syscall', '0F 05', 'syscall', '', 'syscall', { attrs: 'branch', feature: 'syscall', exc: 'sce' }));
  add(row('Clts', '0F 06', 'clts', '', 'clts', { attrs: 'priv' }));
  add(row('Sysret', '0F 07', 'sysret', '', 'sysret', { attrs: 'branch priv', feature: 'syscall', exc: 'sce', att: { name: 'sysretl|sysretl|sysretq', legacy: 'sysret' } }));
  add(row('Invd', '0F 08', 'invd', '', 'wbinvd', { attrs: 'priv' }));
  add(row('Wbinvd', '0F 09', 'wbinvd', '', 'wbinvd', { attrs: 'priv' }));
  add(row('Ud2', '0F 0B', 'ud2', '', 'ud2'));
  add(row('Prefetch_M', '0F 0D', 'prefetch', 'M', 'nop', {
    feature: 'prefetchw', att: { name: 'prefetch/prefetchw/prefetchwt1/prefetch/prefetch/prefetch/prefetch/prefetch' },
  }));
  // 0F 18 /0-/3 are the SSE prefetches; /4-/7 and the register forms are hint NOPs
  // (reserved-NOP space: no feature, no fault).
  for (const [n, m] of [[0, 'prefetchnta'], [1, 'prefetcht0'], [2, 'prefetcht1'], [3, 'prefetcht2']] as const) {
    add(row(`${m[0]!.toUpperCase()}${m.slice(1)}_M`, `0F 18 /${n} mod=mem`, m, 'M', 'nop', { feature: 'sse' }));
  }
  add(row('Nop_0F18_M', '0F 18 mod=mem', 'nop', 'M', 'nop', { att: { name: 'nop*' } }));
  add(row('Nop_0F18_reg', '0F 18 mod=reg', 'nop', 'Ev', 'nop')); // AMD Zen executes these as NOPs
  for (let op = 0x19; op <= 0x1f; op++) add(row(`Nop_Ev_0F${hex(op)}`, `0F ${hex(op)}`, 'nop', 'Ev', 'nop', { att: { prefix66: op === 0x1c || op === 0x1e } }));
  add(row('Mov_Rq_Cq', '0F 20', 'mov', '=Rq,Cq', 'movFromCr', { attrs: 'modignored priv' }));
  add(row('Mov_Rq_Dq', '0F 21', 'mov', '=Rq,Dq', 'movFromDr', { attrs: 'modignored priv' }));
  add(row('Mov_Cq_Rq', '0F 22', 'mov', '=Cq,Rq', 'movToCr', { attrs: 'modignored priv' }));
  add(row('Mov_Dq_Rq', '0F 23', 'mov', '=Dq,Rq', 'movToDr', { attrs: 'modignored priv' }));
  add(row('Sysenter', '0F 34', 'sysenter', '', 'sysenter', { attrs: 'branch', feature: 'sep' }));
  add(row('Sysexit', '0F 35', 'sysexit', '', 'sysexit', { attrs: 'branch', feature: 'sep', att: { name: 'sysexitl|sysexitl|sysexitq', legacy: 'sysexit' } }));
  add(row('Wrmsr', '0F 30', 'wrmsr', '', 'wrmsr', { attrs: 'priv', feature: 'msr' }));
  add(row('Rdtsc', '0F 31', 'rdtsc', '', 'rdtsc', { feature: 'tsc', exc: 'tsd' }));
  add(row('Rdmsr', '0F 32', 'rdmsr', '', 'rdmsr', { attrs: 'priv', feature: 'msr' }));
  add(row('Rdpmc', '0F 33', 'rdpmc', '', 'rdpmc'));
  add(row('Cpuid', '0F A2', 'cpuid', '', 'cpuid'));
  add(row('Lfence', '0F AE /5 mod=reg', 'lfence', '', 'nop', { feature: 'sse2' }));
  add(row('Mfence', '0F AE /6 mod=reg', 'mfence', '', 'nop', { feature: 'sse2' }));
  add(row('Sfence', '0F AE /7 mod=reg', 'sfence', '', 'nop', { feature: 'sse' }));
  add(row('Clflush_M', '0F AE /7 mod=mem', 'clflush', 'M', 'clflush', { feature: 'clflush' }));
  // FSGSBASE (SDM RDFSBASE/RDGSBASE, WRFSBASE/WRGSBASE): r32 or, with REX.W, r64.
  const fsgs = { feature: 'fsgsbase', exc: 'fsgsbase', attrs: 'o64' } as const;
  add(row('Rdfsbase_Ev', 'p=F3 0F AE /0 mod=reg', 'rdfsbase', '=Ev', 'rdSegBase', { ...fsgs, param: SEG_FS }));
  add(row('Rdgsbase_Ev', 'p=F3 0F AE /1 mod=reg', 'rdgsbase', '=Ev', 'rdSegBase', { ...fsgs, param: SEG_GS }));
  add(row('Wrfsbase_Ev', 'p=F3 0F AE /2 mod=reg', 'wrfsbase', 'Ev', 'wrSegBase', { ...fsgs, param: SEG_FS }));
  add(row('Wrgsbase_Ev', 'p=F3 0F AE /3 mod=reg', 'wrgsbase', 'Ev', 'wrSegBase', { ...fsgs, param: SEG_GS }));
  add(row('Rdpid_Eq', 'p=F3 0F C7 /7 mod=reg', 'rdpid', '=Eq', 'rdpid', { feature: 'rdpid' }));
  add(row('Invpcid_Gq_M', 'p=66 0F 38 82 mod=mem', 'invpcid', 'Gq,M', 'invpcid', { feature: 'invpcid', attrs: 'priv' }));
  add(row('Ud_66_0F3882_reg', 'p=66 0F 38 82 mod=reg', '(bad)', 'Gq,Eq', 'ud'));
  add(row('Ud1_Gv_Ev', '0F B9', 'ud1', 'Gv,Ev', 'ud'));
  add(row('Ud0_Gv_Ev', '0F FF', 'ud0', 'Gv,Ev', 'ud'));
  return rows;
}
