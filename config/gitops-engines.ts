import { Reader } from "./readers";

export const GITOPS_ENGINES = ["argocd", "flux"] as const;
export type GitOpsEngine = (typeof GITOPS_ENGINES)[number];

/** A non-empty list of engines, each once. */
export function readEngines(r: Reader, key: string, v: unknown): GitOpsEngine[] | undefined {
  const engines = r.list(
    key,
    v,
    (k, x) => r.oneOf(k, x, GITOPS_ENGINES),
    true,
    `engines (${GITOPS_ENGINES.join(", ")})`,
  );
  if (engines === undefined) return undefined;
  if (new Set(engines).size !== engines.length) return r.problems.add(key, v, "each engine at most once");
  return engines;
}

// git check-ref-format's rules, as far as a branch name in a manifest needs them.
const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*@\{)(?!.*\/$)(?!.*\.lock$)(?!-)[A-Za-z0-9._/-]+$/;

/** A Git branch name (`main`, `release/1.2`). */
export function readBranch(r: Reader, key: string, v: unknown): string | undefined {
  if (typeof v !== "string" || v.length > 255 || !BRANCH.test(v)) {
    return r.problems.add(
      key,
      v,
      "a Git branch name (letters, digits and . _ / -; no '..', '//' or leading '-' or '/')",
    );
  }
  return v;
}
