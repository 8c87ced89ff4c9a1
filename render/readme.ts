import { ARGOCD_NAMESPACE, PER_CLUSTER_APPLICATION } from "./argocd";
import { FLUX_NAMESPACE } from "./flux";
import { Layout } from "./placement";
import { GITOPS_DIR, HEADER } from "./files";

/** `s` as one word of a POSIX shell command line: as it is when it is plain, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Per stack, what the README quotes: its Application's repository and its kube context. */
export interface ReadmeStack {
  readonly repoUrl: string;
  readonly kubeContext: string;
  /** The GitOps engines the stack renders for (`mesh-lab:gitopsEngines`). */
  readonly engines: readonly string[];
  /** The cluster's mesh map (Mermaid, in Markdown), rendered from the same settings. */
  readonly meshMap: string;
  /** The cluster's access matrix (Markdown), computed from the planned objects by the access evaluator. */
  readonly accessMap: string;
}

/** gitops/README.md: how the tree is laid out and consumed. Rendered with the tree, so it always matches it. */
export function gitopsReadme(layout: Layout, stacks: ReadonlyMap<string, ReadmeStack>): string {
  const first = layout.stacks[0];
  // Copy-paste commands: a value a stack file chose is quoted, so pasting it runs nothing else.
  const context = shellWord(stacks.get(first)!.kubeContext);
  const firstPath = (dir: string) => shellWord(`${GITOPS_DIR}/${dir}`);
  const rows = [
    ...(layout.base.length > 0
      ? [`| \`base/\` | ${count(layout.base.length, "object")} | every cluster overlay |`]
      : []),
    ...[...layout.apps].map(([app, objects]) => {
      const users = [...layout.clusters.values()].filter((c) => c.apps.includes(app)).map((c) => `\`${c.stack}\``);
      return `| \`apps/${app}/\` | ${count(objects.length, "object")} | ${users.join(", ")} |`;
    }),
    ...[...layout.clusters.values()].map(
      (c) =>
        `| \`clusters/${c.stack}/\` | ${count(c.objects.length, "object")}, ${count(c.patches.length, "patch", "patches")} | ${engineFiles(c.stack, stacks.get(c.stack)!.engines)} on \`${c.stack}\` |`,
    ),
    ...[...layout.clusters.values()]
      .filter((c) => c.observability.length > 0)
      .map(
        (c) =>
          `| \`observability/${c.stack}/\` | ${count(c.observability.length, "object")} | \`clusters/${c.stack}/\` (\`mesh-lab:observability.deploy\`) |`,
      ),
  ];
  const argoStacks = layout.stacks.filter((s) => stacks.get(s)!.engines.includes("argocd"));
  const fluxStacks = layout.stacks.filter((s) => stacks.get(s)!.engines.includes("flux"));
  const apps = [...layout.clusters.values()]
    .filter((c) => argoStacks.includes(c.stack))
    .map(
      (c) =>
        `| \`${c.stack}\` | \`argocd/${c.stack}.yaml\` | \`${PER_CLUSTER_APPLICATION}\` | ${stacks.get(c.stack)!.repoUrl} | \`${GITOPS_DIR}/clusters/${c.stack}\` |`,
    );
  return `<!-- ${HEADER} -->
# \`${GITOPS_DIR}/\`: the mesh config for Argo CD or Flux

This tree is rendered by \`npm run render\` from the same Pulumi program that \`pulumi up\` runs, for every stack
(\`Pulumi.<stack>.yaml\` over the \`Pulumi.yaml\` defaults). For each stack, \`kubectl kustomize ${GITOPS_DIR}/clusters/<stack>\`
yields exactly the objects \`pulumi up -s <stack>\` applies, same content: the render checks that before it writes
anything, and the test suite checks it again with the real kustomize.

Do not edit it by hand: change the program or a stack file, run \`npm run render\`, commit both. The render writes
only the files it lists in \`.rendered-files\`, and removes only files it wrote before. A file added by hand in a
directory it writes is left as it is, and \`npm run render -- --check\` (CI runs it) fails on it, as it fails with a
diff when the committed tree is stale. Keep objects of your own in a directory of their own.

## Layout

| Directory | Holds | Used by |
| --- | --- | --- |
${rows.join("\n")}

Every object is one file, named \`<kind>-<name>.yaml\` (cluster-scoped) or \`<kind>-<namespace>.<name>.yaml\`.
Where an object goes:

- **\`base/\`**: mesh-wide objects (namespaces, Telemetry) that every cluster has.
- **\`apps/<app>/\`**: the rest of an app (ServiceAccount, Deployment, Service, ...) that every cluster running the app has.
- **\`clusters/<stack>/\`**: the cluster's policies and waypoints (AuthorizationPolicy, Gateway: reviewed per cluster,
  as in the workshop), anything only that cluster has, and \`patches/\`.

An object of \`base/\` or \`apps/<app>/\` that every cluster of that layer has is written there once, with the
content most clusters have. A cluster whose content differs gets a JSON patch (RFC 6902) in
\`clusters/<stack>/patches/\`, listed under \`patches:\` in its \`kustomization.yaml\`: the shared object is written
once and only the difference is per cluster. An object only some clusters have is written in each of their
overlays, never in a shared layer. Policies and waypoints are always written in full in each overlay that has
them, so one directory shows a cluster's whole traffic policy.

**\`apps/\` is referenced from the cluster overlays, not from \`base/\`.** A cluster's \`kustomization.yaml\` lists
\`../../base\`, then \`../../apps/<app>\` for each app the cluster runs, then its own files. So an app can run in
some clusters only, and each overlay is the one place that says what its cluster runs. (The workshop's \`apps/\`
was referenced by no kustomization at all, so its workloads were never deployed.)

${argoSection(argoStacks, apps, stacks)}

${fluxSection(fluxStacks, stacks)}

## By hand

\`\`\`bash
kubectl kustomize ${firstPath(`clusters/${first}`)}                         # what the cluster gets
kubectl --context ${context} apply -k ${firstPath(`clusters/${first}`)}   # apply it
\`\`\`

## Same behaviour as \`pulumi up\`, where a manifest can say it

The program marks its objects so both paths leave the cluster in the same state:

- **Nothing kept is pruned.** Namespaces, ServiceAccounts, Deployments and Services carry
  \`argocd.argoproj.io/sync-options: Prune=false\` and \`kustomize.toolkit.fluxcd.io/prune: disabled\`: the same
  objects \`pulumi up\` keeps on delete (\`retainOnDelete\`). Removing an app from the config, with \`prune\` on,
  deletes its policies, waypoint and Telemetry and leaves its namespace and workload running; delete those on
  purpose with \`kubectl delete namespace <name>\`.
- **Policies before workloads.** AuthorizationPolicies carry \`argocd.argoproj.io/sync-wave: "-1"\`, so Argo CD
  applies them in a wave before the Deployments, as \`pulumi up\` does. Flux applies a Kustomization in one
  server-side apply (namespaces first), so a new app's pods may start a moment before its deny-all exists.

What stays with \`pulumi up\`: waiting for Deployments to roll out, the check that the context reaches the
stack's own cluster, and the opt-in policy-check Jobs.

## Mesh map

Per cluster: the namespaces, who may call whom (\`allowFrom\`), which apps sit behind a waypoint, which Services
are global. Rendered from the same settings as the objects above, so it cannot drift from them.

${layout.stacks.map((s) => stacks.get(s)!.meshMap).join("\n")}
## Access

Per cluster: who may call each Service port, as ztunnel and the waypoints will decide it from the policies above
(computed from the planned objects by the evaluator \`npm run access\` runs, not copied from the config;
docs/access.md). The render and \`pulumi up\` stop when the two differ. A caller that an HTTP rule admits gets in
for the requests the rule names only.

${layout.stacks.map((s) => stacks.get(s)!.accessMap).join("\n")}`;
}

/** The README's Argo CD section: the per-cluster Applications, or why there are none. */
function argoSection(
  argoStacks: readonly string[],
  rows: readonly string[],
  stacks: ReadonlyMap<string, ReadmeStack>,
): string {
  if (argoStacks.length === 0)
    return "## Argo CD\n\nNo stack renders for Argo CD (`mesh-lab:gitopsEngines` has no `argocd`).";
  const first = argoStacks[0];
  return `## Argo CD

One Application per cluster, in \`argocd/\` (\`mesh-lab:gitopsEngines\` has \`argocd\`, the default):

| Stack | File | Application | Repository (\`mesh-lab:gitopsRepoUrl\`) | Path |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

Each assumes an Argo CD running in that cluster (destination \`https://kubernetes.default.svc\`), tracks the
repository's default branch (\`HEAD\`), and syncs automatically with \`prune\` and \`selfHeal\`. Install it once:

\`\`\`bash
kubectl --context ${shellWord(stacks.get(first)!.kubeContext)} apply -n ${ARGOCD_NAMESPACE} -f ${shellWord(`${GITOPS_DIR}/argocd/${first}.yaml`)}
\`\`\`

Set the repository with \`pulumi config set gitopsRepoUrl <url> -s <stack>\` (or in \`Pulumi.yaml\` for all stacks)
and render again; the default is a placeholder. For a private repository, give Argo CD its credentials
(\`argocd repo add\` or a repository Secret); the render refuses a URL with credentials in it.

With one central Argo CD instead, use \`argocd/applicationset.yaml\` (written when every Argo CD stack uses one
repository): it makes one Application per overlay, named \`mesh-lab-<stack>\`, for the cluster registered
under the stack's name. Use one or the other for a cluster, never both: they would sync the same objects.`;
}

/** The README's Flux section: the per-cluster GitRepository and Kustomization, or how to get them. */
function fluxSection(fluxStacks: readonly string[], stacks: ReadonlyMap<string, ReadmeStack>): string {
  if (fluxStacks.length === 0) {
    return `## Flux

No stack renders for Flux. Set \`mesh-lab:gitopsEngines: [flux]\` (or \`[argocd, flux]\`) in a stack file and render
again: the render then writes \`flux/<stack>/\`, a GitRepository and a Kustomization of that cluster's overlay.`;
  }
  const first = fluxStacks[0];
  const rows = fluxStacks.map(
    (s) =>
      `| \`${s}\` | \`flux/${s}/source.yaml\`, \`flux/${s}/sync.yaml\` | \`mesh-lab-${s}\` | \`${GITOPS_DIR}/clusters/${s}\` |`,
  );
  return `## Flux

One GitRepository and one Kustomization per cluster, in \`flux/<stack>/\` (\`mesh-lab:gitopsEngines\` has \`flux\`):

| Stack | Files | Name (namespace \`${FLUX_NAMESPACE}\`) | Path |
| --- | --- | --- | --- |
${rows.join("\n")}

Each assumes a Flux running in that cluster (a Kustomization without \`kubeConfig\` applies to its own cluster),
follows the branch \`mesh-lab:gitopsBranch\` (\`main\` by default), and prunes what leaves the tree. Install it once:

\`\`\`bash
kubectl --context ${shellWord(stacks.get(first)!.kubeContext)} apply -f ${shellWord(`${GITOPS_DIR}/flux/${first}/`)}
\`\`\``;
}

/** Who applies a cluster's overlay: its Argo CD Application and/or its Flux Kustomization. */
function engineFiles(stack: string, engines: readonly string[]): string {
  const by = [
    ...(engines.includes("argocd") ? [`Argo CD (\`argocd/${stack}.yaml\`)`] : []),
    ...(engines.includes("flux") ? [`Flux (\`flux/${stack}/\`)`] : []),
  ];
  return by.join(" or ");
}
