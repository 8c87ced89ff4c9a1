import { Problems } from "./problems";

/** Where the rendered Argo CD Applications point when a stack sets no `gitopsRepoUrl`: a placeholder to replace. */
export const DEFAULT_GITOPS_REPO_URL = "https://github.com/example/mesh-lab.git";

export const GIT_URL_RULE =
  "an https or ssh Git URL without credentials, query or fragment (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)";

// The host part of the https form has no `@`: a token in a URL would be committed to gitops/argocd/.
// No `?` or `#` either: a query string or fragment is where tokens hide (`?private_token=...`).
const HTTPS = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/[^\s@?#]+$/;
const SSH = /^ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:[0-9]{1,5})?\/[^\s?#]+$/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/:?#][^\s:?#]*$/;

/** The Git repository URL Argo CD pulls the rendered tree from; records a problem naming `key` otherwise. */
export function readGitUrl(problems: Problems, key: string, v: unknown): string | undefined {
  if (typeof v === "string" && (HTTPS.test(v) || SSH.test(v) || SCP_LIKE.test(v))) return v;
  // The refused value may hold a token: the message (and so CI logs) gets it redacted.
  return problems.add(key, typeof v === "string" ? redactUrl(v) : v, GIT_URL_RULE);
}

/**
 * A URL with its credentials, query and fragment replaced by `***`: `https://tok@host/p?x=1` gives
 * `https://***@host/p?***`. Anything before an `@` in the authority is treated as a credential.
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? "";
  let rest = url.slice(scheme.length);
  const at = rest.lastIndexOf("@", rest.search(/[/?#]|$/));
  if (at !== -1) rest = `***${rest.slice(at)}`;
  return `${scheme}${rest.replace(/([?#]).*$/s, "$1***")}`;
}
