// Functions built at load time from generated source text: the cores whose
// one definition is source (flags-source.ts, exec/alu-source.ts), so that the
// interpreter runs them as ordinary functions and the compiled tier inlines
// the same text into its regions.

/**
 * Compiles `function name(params) { body }`; `scope` holds the values the
 * body refers to by name (tables, helper functions).
 */
export function buildFunction<F>(name: string, params: readonly string[], body: string, scope: Readonly<Record<string, unknown>> = {}): F {
  const names = Object.keys(scope);
  const factory = new Function(...names, `"use strict";\nreturn function ${name}(${params.join(', ')}) {\n${body}\n};`);
  return factory(...names.map((n) => scope[n])) as F;
}
