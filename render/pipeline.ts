import { GitOpsEngine } from "../config/gitops-engines";
import { listStacks } from "../config/project-files";
import { observedCluster } from "../plan/observability/observed";
import { meshMapMarkdown } from "../plan/observability/plan";
import { accessMapMarkdown } from "../plan/access-map";
import { argoApplication, argoCentralTenantsApplicationSet, argoTenantsApplicationSet } from "./argocd";
import { argoApplicationSet } from "./argocd-applicationset";
import { fluxObjects, fluxTenantsName } from "./flux";
import { ConfigProblems, RenderError } from "./errors";
import { buildTree, Tree } from "./files";
import { PlannedStack, planStacks } from "./load-stacks";
import { Layout, planLayout } from "./placement";
import { gitopsReadme } from "./readme";
import { schemaProblems } from "./schema-check";

export interface Rendered {
  readonly tree: Tree;
  readonly layout: Layout;
  readonly stacks: readonly PlannedStack[];
}

/**
 * Lays out, validates and serialises planned stacks. Throws RenderError when an object is not schema-valid:
 * a tree is complete and valid, or not produced.
 */
export async function renderStacks(stacks: readonly PlannedStack[]): Promise<Rendered> {
  const layout = planLayout(stacks);
  const uses = (s: PlannedStack, engine: GitOpsEngine) => s.settings.gitopsEngines.includes(engine);
  const argoStacks = stacks.filter((s) => uses(s, "argocd"));
  const tenants = (stack: string) => layout.clusters.get(stack)!.units.flatMap((u) => (u.app ? [u.app] : []));
  unitNameProblems(stacks, tenants);
  // Keyed by file: argocd/<key>.yaml.
  const argocd = new Map<string, Record<string, unknown>>(
    argoStacks.flatMap((s) => [
      [s.stack, argoApplication(s.stack, s.settings.gitopsRepoUrl)],
      [`${s.stack}.tenants`, argoTenantsApplicationSet(s.stack, s.settings.gitopsRepoUrl)],
    ]),
  );
  const flux = new Map(
    stacks
      .filter((s) => uses(s, "flux"))
      .map((s) => [
        s.stack,
        fluxObjects(
          s.stack,
          { url: s.settings.gitopsRepoUrl, branch: s.settings.gitopsBranch, secretRef: s.settings.fluxSecretRef },
          tenants(s.stack),
          s.settings.fluxServiceAccount,
        ),
      ]),
  );
  const readme = gitopsReadme(
    layout,
    new Map(
      stacks.map((s) => [
        s.stack,
        {
          repoUrl: s.settings.gitopsRepoUrl,
          kubeContext: s.settings.kubeContext,
          engines: s.settings.gitopsEngines,
          meshMap: meshMapMarkdown(observedCluster(s.settings)),
          accessMap: accessMapMarkdown(
            s.settings,
            s.objects.map((o) => o.manifest),
          ),
          installObjects: s.install.length,
          fluxSecretRef: s.settings.fluxSecretRef,
          fluxServiceAccount: s.settings.fluxServiceAccount,
        },
      ]),
    ),
  );
  // One ApplicationSet over clusters/* as the option for many clusters, next to one Application per cluster;
  // only when every Argo CD stack pulls from the same repository, as one generator reads one repository. It covers
  // every overlay, Flux stacks' too: were it to stop generating a stack's Application (a stack moved to Flux), its
  // controller would delete that Application, and with it, by Argo CD's resources finalizer, the cluster's objects.
  const repos = new Set(argoStacks.map((s) => s.settings.gitopsRepoUrl));
  if (repos.size === 1) {
    argocd.set("applicationset", argoApplicationSet([...repos][0]));
    argocd.set("applicationset.tenants", argoCentralTenantsApplicationSet([...repos][0]));
  }
  const tree = buildTree(layout, {
    argocd,
    flux,
    readme,
    install: new Map(stacks.map((s) => [s.stack, s.install])),
  });
  const problems = await schemaProblems([
    ...stacks.flatMap((s) => [...s.objects, ...s.install].map((o) => ({ where: s.stack, manifest: o.manifest }))),
    ...[...argocd].map(([stack, app]) => ({ where: `argocd/${stack}.yaml`, manifest: app })),
    ...[...flux].flatMap(([stack, f]) => [
      { where: `flux/${stack}/source.yaml`, manifest: f.source },
      { where: `flux/${stack}/sync.yaml`, manifest: f.sync },
      { where: `flux/${stack}/tenants.yaml`, manifest: f.tenants },
      ...[...f.units.values()].map((k) => ({
        where: `flux/${stack}/tenants/kustomization-${k.metadata!.namespace}.${k.metadata!.name}.yaml`,
        manifest: k,
      })),
    ]),
  ]);
  if (problems.length > 0) throw new RenderError(problems);
  return { tree, layout, stacks };
}

/** The longest name Argo CD and Flux can give a unit: it is a label value (`app.kubernetes.io/instance`, Flux's
 * `kustomize.toolkit.fluxcd.io/name`), at most 63 characters. */
const UNIT_NAME_MAX = 63;

/**
 * Refuses, before anything is written, names Argo CD or Flux could not take: a unit name (`mesh-lab-<stack>.<app>`,
 * the central ApplicationSet's Application and the Flux Kustomization; `mesh-lab-<stack>-tenants` for Flux) longer
 * than a label value, and a stack named `applicationset`, whose file the central ApplicationSet's would overwrite.
 */
function unitNameProblems(stacks: readonly PlannedStack[], tenants: (stack: string) => readonly string[]): void {
  const problems: string[] = [];
  const shorten = (name: string, stack: string, app?: string) => {
    const room = UNIT_NAME_MAX - (name.length - (app ?? stack).length);
    return app !== undefined && room > 0
      ? `shorten the app name to at most ${room} characters, or the stack name`
      : `shorten the stack name (Pulumi.${stack}.yaml; pulumi stack rename)`;
  };
  for (const s of stacks) {
    if (s.stack === "applicationset")
      problems.push(
        `stack name "applicationset": its Argo CD file would be gitops/argocd/applicationset.yaml, the central ApplicationSet's; rename the stack (Pulumi.applicationset.yaml; pulumi stack rename)`,
      );
    const tenantsName = fluxTenantsName(s.stack);
    if (s.settings.gitopsEngines.includes("flux") && tenantsName.length > UNIT_NAME_MAX)
      problems.push(
        `stack "${s.stack}": the Flux Kustomization "${tenantsName}" has ${tenantsName.length} characters; Flux puts its name in a label value, at most ${UNIT_NAME_MAX}: ${shorten(tenantsName, s.stack)}`,
      );
    for (const app of tenants(s.stack)) {
      const name = `mesh-lab-${s.stack}.${app}`;
      if (name.length <= UNIT_NAME_MAX) continue;
      const index = s.settings.apps.find((a) => a.name === app)?.index;
      problems.push(
        `stack "${s.stack}": key "mesh-lab:apps[${index}].name" is "${app}", which names its GitOps unit "${name}" (${name.length} characters); Argo CD and Flux put that name in a label value, at most ${UNIT_NAME_MAX} characters: ${shorten(name, s.stack, app)}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigProblems(problems);
}

/** Renders every stack of the project at `root`: config from its stack files, objects from the plan. */
export async function renderProject(root: string): Promise<Rendered> {
  const stacks = listStacks(root);
  if (stacks.length === 0) throw new ConfigProblems([`no stack file (Pulumi.<stack>.yaml) beside ${root}/Pulumi.yaml`]);
  return renderStacks(planStacks(root, stacks));
}
