import { ARGOCD_NAMESPACE, PER_CLUSTER_APPLICATION, PER_CLUSTER_TENANTS, perClusterTenantApplication } from "./argocd";
import { FLUX_NAMESPACE, fluxTenantName, fluxTenantsName } from "./flux";
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
  /** How many objects the install layer writes to install/<stack>/ (0 when it is off). */
  readonly installObjects: number;
  /** The Secret and the ServiceAccount in flux-system its Flux objects name ("": none). */
  readonly fluxSecretRef: string;
  readonly fluxServiceAccount: string;
}

/** gitops/README.md: how the tree is laid out and consumed. Rendered with the tree, so it always matches it. */
export function gitopsReadme(layout: Layout, stacks: ReadonlyMap<string, ReadmeStack>): string {
  const first = layout.stacks[0];
  // Copy-paste commands: a value a stack file chose is quoted, so pasting it runs nothing else.
  const context = shellWord(stacks.get(first)!.kubeContext);
  const firstPath = (dir: string) => shellWord(`${GITOPS_DIR}/${dir}`);
  const sum = (lists: Iterable<readonly unknown[]>) => [...lists].reduce((n, l) => n + l.length, 0);
  const shared = (dir: string, m: ReadonlyMap<string, readonly unknown[]>, usedBy: string) =>
    m.size === 0
      ? []
      : [`| \`${dir}/<app>/\` | ${count(m.size, "app")}, ${count(sum(m.values()), "object")} | ${usedBy} |`];
  const rows = [
    ...shared("base", layout.base, "the app's tenant unit in every cluster"),
    ...shared("apps", layout.apps, "the app's tenant unit in each cluster that runs it"),
    ...[...layout.clusters.values()].flatMap((c) => {
      const [cluster, ...tenants] = c.units;
      const engines = stacks.get(c.stack)!.engines;
      return [
        `| \`clusters/${c.stack}/\` | ${count(cluster.objects.length, "object")}${cluster.includes.length > 0 ? `, \`${cluster.includes.join("`, `")}/\`` : ""} | ${engineFiles(engines, `argocd/${c.stack}.yaml`, `flux/${c.stack}/sync.yaml`)} on \`${c.stack}\` |`,
        `| \`tenants/${c.stack}/<app>/\` | ${count(tenants.length, "unit")}, ${count(sum(tenants.map((u) => u.objects)), "object")} in full, ${count(sum(tenants.map((u) => u.patches)), "patch", "patches")} | ${engineFiles(engines, `argocd/${c.stack}.tenants.yaml`, `flux/${c.stack}/tenants/`)} on \`${c.stack}\`, one unit each |`,
      ];
    }),
    ...[...layout.clusters.values()]
      .filter((c) => c.observability.length > 0)
      .map(
        (c) =>
          `| \`observability/${c.stack}/\` | ${count(c.observability.length, "object")} | \`clusters/${c.stack}/\` (\`mesh-lab:observability.deploy\`) |`,
      ),
    ...layout.stacks
      .filter((s) => stacks.get(s)!.installObjects > 0)
      .map(
        (s) =>
          `| \`install/${s}/\` | ${count(stacks.get(s)!.installObjects, "object")} | applied by hand where Argo CD runs, for \`${s}\` (\`mesh-lab:install\`, docs/install.md) |`,
      ),
  ];
  const argoStacks = layout.stacks.filter((s) => stacks.get(s)!.engines.includes("argocd"));
  const fluxStacks = layout.stacks.filter((s) => stacks.get(s)!.engines.includes("flux"));
  const apps = [...layout.clusters.values()]
    .filter((c) => argoStacks.includes(c.stack))
    .map(
      (c) =>
        `| \`${c.stack}\` | \`argocd/${c.stack}.yaml\`, \`argocd/${c.stack}.tenants.yaml\` | \`${PER_CLUSTER_APPLICATION}\`, \`${perClusterTenantApplication("<app>")}\` (${count(c.units.length - 1, "tenant")}) | ${stacks.get(c.stack)!.repoUrl} | \`${GITOPS_DIR}/clusters/${c.stack}\`, \`${GITOPS_DIR}/tenants/${c.stack}/<app>\` |`,
    );
  const [firstCluster, ...firstTenants] = layout.clusters.get(first)!.units;
  const firstTenant = firstTenants[0]?.dir;
  // kubectl apply -k of a unit that builds to nothing fails ("no objects passed to apply"): an empty cluster unit
  // is left out of the loop.
  const handUnits = [
    ...(firstCluster.objects.length + firstCluster.includes.length > 0 ? [firstPath(firstCluster.dir)] : []),
    ...(firstTenants.length > 0 ? [`${firstPath(`tenants/${first}`)}/*`] : []),
  ];
  return `<!-- ${HEADER} -->
# \`${GITOPS_DIR}/\`: the mesh config for Argo CD or Flux

This tree is rendered by \`npm run render\` from the same Pulumi program that \`pulumi up\` runs, for every stack
(\`Pulumi.<stack>.yaml\` over the \`Pulumi.yaml\` defaults). Each stack's objects are split into **units**, each a
directory that Argo CD or Flux builds and applies on its own: one per app (\`tenants/<stack>/<app>/\`) and one for the
rest of the cluster (\`clusters/<stack>/\`). Together, \`kubectl kustomize\` of a stack's units yields exactly the
objects \`pulumi up -s <stack>\` applies, same content, each object in exactly one unit: the render checks that
before it writes anything, and the test suite checks it again with the real kustomize.

Do not edit it by hand: change the program or a stack file, run \`npm run render\`, commit both. The render writes
only the files it lists in \`.rendered-files\`, and removes only files it wrote before. A file added by hand in a
directory it writes is left as it is, and \`npm run render -- --check\` (CI runs it) fails on it, as it fails with a
diff when the committed tree is stale. Keep objects of your own in a directory of their own.

## Layout

| Directory | Holds | Applied by |
| --- | --- | --- |
${rows.join("\n")}

Every object is one file, named \`<kind>-<name>.yaml\` (cluster-scoped) or \`<kind>-<namespace>.<name>.yaml\`.
Where an object goes:

- **\`tenants/<stack>/<app>/\`**: one unit per app and cluster. Its \`kustomization.yaml\` includes the app's shared
  directories below, then its own files: the app's policies and waypoint (reviewed per cluster, as in the
  workshop), anything only that cluster has of the app, and \`patches/\`.
- **\`base/<app>/\`**: the app's namespace and Telemetry, written once for every cluster.
- **\`apps/<app>/\`**: the rest of the app (ServiceAccount, Deployment, Service, ...), written once for every cluster
  that runs it.
- **\`clusters/<stack>/\`**: the cluster unit, what belongs to no app (the SLO rules and dashboard of
  \`observability/<stack>/\`); it may be empty.

An object that every cluster of its shared directory has is written there once, with the content most clusters
have. A cluster whose content differs gets a JSON patch (RFC 6902) in its unit's \`patches/\`, listed under
\`patches:\` in the unit's \`kustomization.yaml\`. An object only some clusters have is written in full in each of
their units. So no unit's build reads another app's files, and a build's size does not grow with the number of
apps.

${argoSection(argoStacks, apps, stacks)}

${fluxSection(fluxStacks, stacks)}

## By hand

\`\`\`bash
${firstTenant === undefined ? "" : `kubectl kustomize ${firstPath(firstTenant)}   # what one app gets in ${first}\n`}for unit in ${handUnits.join(" ")}; do
  kubectl --context ${context} apply -k "$unit"            # apply the cluster, unit by unit
done
\`\`\`

## Same behaviour as \`pulumi up\`, where a manifest can say it

The program marks its objects so both paths leave the cluster in the same state:

- **Nothing kept is pruned.** Namespaces, ServiceAccounts, Deployments, Services and each app's deny-all carry
  \`argocd.argoproj.io/sync-options: Prune=false\` and \`kustomize.toolkit.fluxcd.io/prune: disabled\`: the same
  objects \`pulumi up\` keeps on delete (\`retainOnDelete\`). An object that leaves a unit is pruned unless so
  marked. Removing a whole app removes its unit: with Flux, its Kustomization's deletion deletes the app's
  other policies, waypoint and Telemetry and leaves its namespace, workload and deny-all, as \`pulumi up\` does; with
  Argo CD, the ApplicationSet deletes the app's Application and leaves every object of the app running, its
  policies too (\`preserveResourcesOnDeletion\`: docs/gitops.md, "Removing an app"). Delete what you no longer
  want on purpose, such as \`kubectl delete namespace <name>\`.
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

Per cluster, in \`argocd/\` (\`mesh-lab:gitopsEngines\` has \`argocd\`, the default): the Application
\`${PER_CLUSTER_APPLICATION}\` of the cluster unit, and the ApplicationSet \`${PER_CLUSTER_TENANTS}\`, whose Git directory
generator makes one Application per tenant unit, \`${perClusterTenantApplication("<app>")}\`:

| Stack | Files | Applications | Repository (\`mesh-lab:gitopsRepoUrl\`) | Paths |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

Each assumes an Argo CD running in that cluster (destination \`https://kubernetes.default.svc\`), tracks the
repository's default branch (\`HEAD\`), and syncs automatically with \`prune\` and \`selfHeal\`. A new app gets its
Application from the generator; each app is diffed, synced and rolled back on its own. Install them once:

\`\`\`bash
kubectl --context ${shellWord(stacks.get(first)!.kubeContext)} apply -n ${ARGOCD_NAMESPACE} -f ${shellWord(`${GITOPS_DIR}/argocd/${first}.yaml`)} -f ${shellWord(`${GITOPS_DIR}/argocd/${first}.tenants.yaml`)}
\`\`\`

Set the repository with \`pulumi config set gitopsRepoUrl <url> -s <stack>\` (or in \`Pulumi.yaml\` for all stacks)
and render again; the default is a placeholder. For a private repository, give Argo CD its credentials
(\`argocd repo add\` or a repository Secret); the render refuses a URL with credentials in it.

With one central Argo CD instead, use \`argocd/applicationset.yaml\` and \`argocd/applicationset.tenants.yaml\`
(written when every Argo CD stack uses one repository): they make the Applications \`mesh-lab-<stack>\` (cluster
units) and \`mesh-lab-<stack>.<app>\` (tenant units), for the cluster registered under the stack's name. Use one or
the other for a cluster, never both: they would sync the same objects.`;
}

/** The README's Flux section: the per-cluster GitRepository and Kustomization, or how to get them. */
function fluxSection(fluxStacks: readonly string[], stacks: ReadonlyMap<string, ReadmeStack>): string {
  if (fluxStacks.length === 0) {
    return `## Flux

No stack renders for Flux. Set \`mesh-lab:gitopsEngines: [flux]\` (or \`[argocd, flux]\`) in a stack file and render
again: the render then writes \`flux/<stack>/\`, a GitRepository and the Kustomizations of that cluster's units.`;
  }
  const first = fluxStacks[0];
  const rows = fluxStacks.map((s) => {
    const st = stacks.get(s)!;
    const needs = [
      ...(st.fluxSecretRef === "" ? [] : [`the Secret \`${st.fluxSecretRef}\` (its credentials)`]),
      ...(st.fluxServiceAccount === "" ? [] : [`the ServiceAccount \`${st.fluxServiceAccount}\` (applies as it)`]),
    ];
    return `| \`${s}\` | \`flux/${s}/source.yaml\`, \`flux/${s}/sync.yaml\`, \`flux/${s}/tenants.yaml\` | \`mesh-lab-${s}\`, \`${fluxTenantsName(s)}\`, \`${fluxTenantName(s, "<app>")}\` | ${st.repoUrl} | ${needs.length > 0 ? needs.join(", ") : "nothing"} | \`${GITOPS_DIR}/clusters/${s}\`, \`${GITOPS_DIR}/flux/${s}/tenants\`, \`${GITOPS_DIR}/tenants/${s}/<app>\` |`;
  });
  return `## Flux

Per cluster, in \`flux/<stack>/\` (\`mesh-lab:gitopsEngines\` has \`flux\`): a GitRepository, the Kustomization of the
cluster unit, and a Kustomization of \`flux/<stack>/tenants/\`, which holds one Kustomization per tenant unit:

| Stack | Files | Kustomizations (namespace \`${FLUX_NAMESPACE}\`) | Repository (\`mesh-lab:gitopsRepoUrl\`) | Needs in \`${FLUX_NAMESPACE}\` (\`mesh-lab:fluxSecretRef\`, \`mesh-lab:fluxServiceAccount\`) | Paths |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Each assumes a Flux running in that cluster (a Kustomization without \`kubeConfig\` applies to its own cluster),
follows the branch \`mesh-lab:gitopsBranch\` (\`main\` by default), and prunes what leaves the tree. A new app's
Kustomization arrives with the tree. Install them once (\`flux/<stack>/kustomization.yaml\` lists the three files,
not \`tenants/\`, which \`${fluxTenantsName("<stack>")}\` applies; a Flux Kustomization pointed at the directory
applies the same three; not \`flux bootstrap --path\`, which writes Flux's own files to \`<path>/flux-system/\`), and again
after a change of \`mesh-lab:gitopsRepoUrl\`, \`mesh-lab:gitopsBranch\`, \`mesh-lab:fluxSecretRef\` or
\`mesh-lab:fluxServiceAccount\`, which the installed objects cannot pull for themselves:

\`\`\`bash
kubectl --context ${shellWord(stacks.get(first)!.kubeContext)} apply -k ${shellWord(`${GITOPS_DIR}/flux/${first}/`)}
\`\`\``;
}

/** Who applies a unit: the Argo CD object and/or the Flux Kustomization (given by file) that sync it. */
function engineFiles(engines: readonly string[], argocd: string, flux: string): string {
  const by = [
    ...(engines.includes("argocd") ? [`Argo CD (\`${argocd}\`)`] : []),
    ...(engines.includes("flux") ? [`Flux (\`${flux}\`)`] : []),
  ];
  return by.join(" or ");
}
