/**
 * A value several tests read, computed once, by the first test that asks for it. Under Stryker it is computed
 * again in every test that asks: Stryker runs a mutant only against the tests during which its code ran, and
 * code run once for a whole describe (in a before() hook, or from a cache) is credited to one test or to none,
 * so the tests that would kill the mutant are never run against it (docs/testing.md, "Mutation testing").
 */
export function shared<T>(compute: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  // Stryker's instrumented code keeps its state in globalThis.__stryker__; a plain test run has none.
  return () => ("__stryker__" in globalThis ? compute() : (cached ??= compute()));
}
