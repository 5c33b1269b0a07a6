// Functions built at load time from generated source text: the cores whose
// one definition is source (flags-source.ts, exec/alu-source.ts), so that the
// interpreter runs them as ordinary functions and the compiled tier inlines
// the same text into its regions.
//
// Compiling them is part of every start (~100 functions for a short guest,
// 5-10 ms on the development machine). A host that keeps V8 code caches (the
// command line, cli/start.ts) hands back the factories of earlier runs and
// saves the sources compiled here (generatedSources).

/** A factory: called with the scope's values, returns the function. */
export type Factory = (...scope: unknown[]) => unknown;

/**
 * The key of a factory: its source, `function (names) { body }`, which is also what
 * toString() gives of the factory compiled from it in a script (cli/start.ts).
 */
export type FactoryKey = string;

/**
 * Factories compiled elsewhere (cli/start.ts: a cache of earlier runs), found under this symbol
 * before these modules initialise (some build functions as they do): buildFunction takes them
 * instead of compiling the same source.
 */
const ahead = (globalThis as Record<symbol, unknown>)[Symbol.for('ringzero.generated-factories')] as ReadonlyMap<FactoryKey, Factory> | undefined;
const compiledHere: FactoryKey[] = [];
const takenHere = new Set<FactoryKey>();

/** The keys of the factories compiled in this process (not taken from a cache), in order. */
export function generatedSources(): readonly FactoryKey[] {
  return compiledHere;
}

/** The keys of the factories this process took from the cache: with generatedSources, what it used (a cache too big is cut to that). */
export function takenSources(): ReadonlySet<FactoryKey> {
  return takenHere;
}

/**
 * Compiles `function name(params) { body }`; `scope` holds the values the
 * body refers to by name (tables, helper functions). The function is
 * parenthesised, which V8 takes as a hint to compile it at once, with its
 * factory: a code cache made right after compiling the factories then holds it.
 * `name` may be made of other functions' names: a character that cannot be in
 * an identifier becomes `_`.
 */
export function buildFunction<F>(name: string, params: readonly string[], body: string, scope: Readonly<Record<string, unknown>> = {}): F {
  const names = Object.keys(scope);
  const source = `"use strict";\nreturn (function ${name.replace(/\W/g, '_')}(${params.join(', ')}) {\n${body}\n});`;
  const key = `function (${names.join(', ')}) {${source}}`;
  let factory = ahead?.get(key);
  if (factory === undefined) {
    factory = new Function(...names, source) as Factory;
    compiledHere.push(key);
  } else takenHere.add(key);
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
