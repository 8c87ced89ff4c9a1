import * as fs from "fs";
import { groupBy } from "../access/match";
import { DEFAULT_GITOPS_REPO_URL } from "../config/git-url";
import type { PlannedStack } from "./load-stacks";
import { PartialWrite } from "./tree-writer";

/** "stacks a, b, c", or for a fleet "200 stacks (cluster-1 ... cluster-200)": one line either way. */
export function stacksLabel(stacks: readonly string[]): string {
  return stacks.length <= 6
    ? `stacks ${stacks.join(", ")}`
    : `${stacks.length} stacks (${stacks[0]} ... ${stacks[stacks.length - 1]})`;
}

/** "stack a" for one, as stacksLabel for more. */
function stacksNamed(stacks: readonly string[]): string {
  return stacks.length === 1 ? `stack ${stacks[0]}` : stacksLabel(stacks);
}

/**
 * A note when stacks point Argo CD or Flux at the placeholder repository (mesh-lab:gitopsRepoUrl's default): what
 * the render writes for them would sync from a repository that is not the team's. Empty when none does.
 */
export function placeholderRepoNote(stacks: readonly PlannedStack[], label: string): string {
  // Every stack uses Argo CD, Flux or both (mesh-lab:gitopsEngines is a non-empty list).
  const on = stacks.filter((s) => s.settings.gitopsRepoUrl === DEFAULT_GITOPS_REPO_URL).map((s) => s.stack);
  if (on.length === 0) return "";
  return `note: ${stacksNamed(on)}: their Argo CD or Flux objects would pull from ${DEFAULT_GITOPS_REPO_URL}, the placeholder default of mesh-lab:gitopsRepoUrl; set it (Pulumi.yaml for every stack, or the stack file) to the repository you push ${label}/ to before applying ${label}/argocd/ or ${label}/flux/\n`;
}

/**
 * A note when a Flux stack pulls over SSH with no mesh-lab:fluxSecretRef: an SSH fetch needs a key, so its
 * GitRepository could never fetch. Empty when no such stack.
 */
export function fluxSshWithoutSecretNote(stacks: readonly PlannedStack[]): string {
  const on = stacks
    .filter(
      (s) =>
        s.settings.gitopsEngines.includes("flux") &&
        s.settings.gitopsRepoUrl.startsWith("ssh://") &&
        s.settings.fluxSecretRef === "",
    )
    .map((s) => s.stack);
  if (on.length === 0) return "";
  return `note: ${stacksNamed(on)}: Flux's GitRepository pulls ${on.length === 1 ? "its" : "their"} ssh:// mesh-lab:gitopsRepoUrl with no credentials and cannot fetch it; set mesh-lab:fluxSecretRef to the Secret in flux-system that holds the SSH key (flux create secret git)\n`;
}

/**
 * One note per set of encrypted keys (a fleet's stacks usually share one: the kubeconfig), naming the stacks: the
 * render leaves `secure:` values unread. Empty when no stack has one.
 */
export function encryptedKeysNote(stacks: readonly PlannedStack[]): string {
  const byKeys = groupBy(
    stacks.filter((s) => s.secureKeys.length > 0),
    (s) => s.secureKeys.map((k) => `"${k}"`).join(", "),
  );
  return [...byKeys]
    .map(([keys, on]) => {
      const one = on[0].secureKeys.length === 1;
      return `note: ${stacksNamed(on.map((s) => s.stack))}: ${keys} ${one ? "is" : "are"} encrypted (secure:); the render does not need ${one ? "it" : "them"}, and neither reads nor prints encrypted values\n`;
    })
    .join("");
}

/**
 * A note when a stack that uses no Argo CD has the install layer on: its GitOps form is Argo CD Applications only
 * (install/<stack>/), so a Flux cluster installs Istio another way. Empty when no such stack.
 */
export function installWithoutArgoNote(stacks: readonly PlannedStack[], label: string): string {
  const on = stacks
    .filter((s) => s.install.length > 0 && !s.settings.gitopsEngines.includes("argocd"))
    .map((s) => s.stack);
  if (on.length === 0) return "";
  return `note: ${stacksNamed(on)}: the install layer (mesh-lab:install.enabled) is rendered for Argo CD only, as Applications in ${on.map((s) => `${label}/install/${s}/`).join(", ")}, and ${on.length === 1 ? "this stack uses" : "these stacks use"} no Argo CD (mesh-lab:gitopsEngines); install Istio there with pulumi up or with Flux HelmReleases of your own (docs/gitops.md)\n`;
}

/** The central Argo CD files, rendered only while every Argo CD stack pulls from one repository. */
const CENTRAL = ["argocd/applicationset.yaml", "argocd/applicationset.tenants.yaml"];

/**
 * A note when this render removes the central ApplicationSets it wrote before (`owned`, from the manifest), and
 * why: one Git generator reads one repository, so they exist only while every Argo CD stack pulls from the same one.
 */
export function centralApplicationSetsNote(
  owned: readonly string[],
  next: ReadonlyMap<string, string>,
  stacks: readonly PlannedStack[],
  label: string,
): string {
  const gone = CENTRAL.filter((f) => owned.includes(f) && !next.has(f));
  if (gone.length === 0) return "";
  const repos = groupBy(
    stacks.filter((s) => s.settings.gitopsEngines.includes("argocd")),
    (s) => s.settings.gitopsRepoUrl,
  );
  const them = gone.length === 1 ? "it" : "them";
  const why =
    repos.size === 0
      ? `no stack uses Argo CD any more (mesh-lab:gitopsEngines); to have ${them} again, put argocd in a stack's mesh-lab:gitopsEngines`
      : `the Argo CD stacks pull from ${repos.size} repositories (${[...repos].map(([url, on]) => `${url}: ${stacksNamed(on.map((s) => s.stack))}`).join("; ")}), and one ApplicationSet's Git generator reads one repository; to keep ${them}, give every Argo CD stack the same mesh-lab:gitopsRepoUrl`;
  return `note: ${gone.map((f) => `${label}/${f}`).join(" and ")} ${gone.length === 1 ? "is" : "are"} no longer rendered: ${why}. An ApplicationSet applied from ${them} by hand stays in its Argo CD, generating from its repository, until deleted there\n`;
}

/** Removes a directory the render created, unless something was written into it. */
export function rmdirIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty: the render wrote into it
  }
}

/**
 * With `--stack X`, a build failure of another stack Y's units means the shared files (base/, apps/) this render
 * would write with X's part would change what Y builds to: one problem per such stack, saying so, with what differs.
 */
export function sharedLayerProblems(
  problems: readonly string[],
  stack: string | undefined,
  stacks: readonly string[],
): string[] {
  if (stack === undefined) return [...problems];
  // A build problem starts with the unit it is about (clusters/<s>, tenants/<s>/<app>) or with "<s>'s units".
  const named = (p: string) => /^(?:clusters\/([^ ,/]+)[ ,]|tenants\/([^/]+)\/|([^ ']+)'s units )/.exec(p);
  const of = (p: string) => {
    const m = named(p);
    const s = m?.[1] ?? m?.[2] ?? m?.[3];
    return s !== undefined && s !== stack && stacks.includes(s) ? s : undefined;
  };
  const others = [...new Set(problems.map(of).filter((s): s is string => s !== undefined))];
  return [
    ...problems.filter((p) => of(p) === undefined),
    ...others.map(
      (o) =>
        `--stack ${stack} would change ${o}'s units: they share base/ and apps/ with ${stack}, and with the shared files this render would write (the project's config as it is now) they would no longer build to what ${o} plans (${problems.filter((p) => of(p) === o).join("; ")}); render all stacks (npm run render) so every unit gets its patches`,
    ),
  ];
}

export function partialWriteMessage(e: PartialWrite, label: string): string {
  const list = (ps: readonly string[]) =>
    ps.length === 0 ? "none" : `${ps.length} (${ps.slice(0, 5).join(", ")}${ps.length > 5 ? ", ..." : ""})`;
  const what =
    e.written.length === 0
      ? "nothing was written"
      : `written before the failure: ${list(e.written)}, each complete (renamed into place)`;
  return `render: writing ${label}/ failed: ${e.cause.message}\n  ${what}\n  not written: ${list(e.pending)}\n  Fix the cause (a read-only directory?) and run the render again: it finishes the tree.\n`;
}

/**
 * The stacks whose objects this render moves out of `clusters/<stack>/` into tenant units: the tree on disk was
 * rendered before the units (it owns object files in `clusters/<stack>/`) and the new tree has none there.
 */
export function movingStacks(owned: readonly string[], next: ReadonlyMap<string, string>): string[] {
  const withTenants = new Set([...next.keys()].flatMap((q) => (q.startsWith("tenants/") ? [q.split("/")[1]] : [])));
  const stacks = new Set<string>();
  for (const p of owned) {
    const m = /^clusters\/([^/]+)\/(?!kustomization\.yaml$)[^/]+\.yaml$/.exec(p);
    if (m && !next.has(p) && withTenants.has(m[1])) stacks.add(m[1]);
  }
  return [...stacks].sort();
}

export function movingNote(stacks: readonly string[], label: string): string {
  return `note: this tree moves the objects of ${stacks.join(", ")} from ${label}/clusters/<stack>/ into one unit per app (${label}/tenants/<stack>/<app>/). Before you push it, follow docs/gitops.md, "Moving to units": with Argo CD, turn off the cluster Application's prune until the tenant Applications are synced; with Flux, suspend the cluster's Kustomization until the tenant Kustomizations are ready. Otherwise the cluster's Application or Kustomization may delete objects before their unit applies them\n`;
}
