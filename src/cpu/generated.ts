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

/**
 * `build` memoized by its arguments (numbers and strings, joined as the key):
 * handlers built from source on first use, so a form no guest runs costs no
 * compile time at start.
 */
export function builtOnDemand<A extends readonly (number | string)[], F>(build: (...args: A) => F): (...args: A) => F {
  const built = new Map<string, F>();
  return (...args) => {
    const key = args.join(' ');
    let f = built.get(key);
    if (f === undefined) built.set(key, (f = build(...args)));
    return f;
  };
}
