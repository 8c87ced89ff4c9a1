import { ARGOCD_NAMESPACE } from "./argocd";
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
  /** The cluster's mesh map (Mermaid, in Markdown), rendered from the same settings. */
  readonly meshMap: string;
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
        `| \`clusters/${c.stack}/\` | ${count(c.objects.length, "object")}, ${count(c.patches.length, "patch", "patches")} | Argo CD or Flux on \`${c.stack}\` (\`argocd/${c.stack}.yaml\`) |`,
    ),
    ...[...layout.clusters.values()]
      .filter((c) => c.observability.length > 0)
      .map(
        (c) =>
          `| \`observability/${c.stack}/\` | ${count(c.observability.length, "object")} | \`clusters/${c.stack}/\` (\`mesh-lab:observability.deploy\`) |`,
      ),
  ];
  const apps = [...layout.clusters.values()].map(
    (c) =>
      `| \`${c.stack}\` | \`argocd/${c.stack}.yaml\` | \`mesh-lab-${c.stack}\` | ${stacks.get(c.stack)!.repoUrl} | \`${GITOPS_DIR}/clusters/${c.stack}\` |`,
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

## Argo CD

One Application per cluster, in \`argocd/\`:

| Stack | File | Application | Repository (\`mesh-lab:gitopsRepoUrl\`) | Path |
| --- | --- | --- | --- | --- |
${apps.join("\n")}

Each assumes an Argo CD running in that cluster (destination \`https://kubernetes.default.svc\`), tracks the
repository's default branch (\`HEAD\`), and syncs automatically with \`prune\` and \`selfHeal\`. Install it once:

\`\`\`bash
kubectl --context ${context} apply -n ${ARGOCD_NAMESPACE} -f ${firstPath(`argocd/${first}.yaml`)}
\`\`\`

Set the repository with \`pulumi config set gitopsRepoUrl <url> -s <stack>\` (or in \`Pulumi.yaml\` for all stacks)
and render again; the default is a placeholder. For a private repository, give Argo CD its credentials
(\`argocd repo add\` or a repository Secret); the render refuses a URL with credentials in it. With one central
Argo CD instead, register the clusters and change \`destination\` to \`name: <cluster>\`.

## Flux

Point a \`GitRepository\` at the repository and one \`Kustomization\` per cluster at its overlay:

\`\`\`yaml
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: mesh-lab
  namespace: flux-system
spec:
  interval: 1m
  url: ${stacks.get(first)!.repoUrl}
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: mesh-lab
  namespace: flux-system
spec:
  interval: 10m
  path: ./${GITOPS_DIR}/clusters/${first}
  prune: true
  sourceRef:
    kind: GitRepository
    name: mesh-lab
\`\`\`

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

${layout.stacks.map((s) => stacks.get(s)!.meshMap).join("\n")}`;
}
