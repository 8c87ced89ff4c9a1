import { Problems } from "./problems";

/** Where the rendered Argo CD Applications point when a stack sets no `gitopsRepoUrl`: a placeholder to replace. */
export const DEFAULT_GITOPS_REPO_URL = "https://github.com/example/mesh-lab.git";

export const GIT_URL_RULE =
  "an https or ssh Git URL without credentials (https://github.com/org/repo.git, ssh://git@github.com/org/repo.git or git@github.com:org/repo.git)";

// The host part of the https form has no `@`: a token in a URL would be committed to gitops/argocd/.
const HTTPS = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/[^\s@]+$/;
const SSH = /^ssh:\/\/([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:[0-9]{1,5})?\/\S+$/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/:][^\s:]*$/;

/** The Git repository URL Argo CD pulls the rendered tree from; records a problem naming `key` otherwise. */
export function readGitUrl(problems: Problems, key: string, v: unknown): string | undefined {
  if (typeof v === "string" && (HTTPS.test(v) || SSH.test(v) || SCP_LIKE.test(v))) return v;
  return problems.add(key, v, GIT_URL_RULE);
}
