import { listStacks } from "../config/project-files";
import { argoApplication } from "./argocd";
import { ConfigProblems, RenderError } from "./errors";
import { Layout, planLayout } from "./layout";
import { describe } from "./objects";
import { gitopsReadme } from "./readme";
import { buildKustomization } from "./simulate";
import { CapturedStack, captureStacks, loadStacks } from "./stacks";
import { buildTree, Tree } from "./tree";
import { schemaProblems } from "./validate";
import { fingerprint } from "./yaml";

export interface Rendered {
  readonly tree: Tree;
  readonly layout: Layout;
  readonly stacks: readonly CapturedStack[];
}

/** The differences between what an overlay builds to and what the program registers for its stack. */
function buildProblems(tree: Tree, stack: CapturedStack): string[] {
  let built: Record<string, unknown>[];
  try {
    built = buildKustomization(tree, `clusters/${stack.stack}`);
  } catch (e) {
    return [`clusters/${stack.stack} does not build: ${(e as Error).message}`];
  }
  const want = new Map(stack.objects.map((o) => [fingerprint(o.manifest), o]));
  const got = new Set(built.map(fingerprint));
  const problems = stack.objects.filter((o) => !got.has(fingerprint(o.manifest))).map((o) => `clusters/${stack.stack} lacks ${describe(o)} as the program registers it`);
  for (const m of built) {
    if (want.has(fingerprint(m))) continue;
    const meta = m.metadata as { name: string; namespace?: string };
    problems.push(`clusters/${stack.stack} has ${describe({ apiVersion: String(m.apiVersion), kind: String(m.kind), ...meta })}, which the program does not register so`);
  }
  if (built.length !== stack.objects.length) problems.push(`clusters/${stack.stack} builds ${built.length} objects; the program registers ${stack.objects.length}`);
  return problems;
}

/**
 * Lays out, validates and serialises captured stacks. Throws RenderError when an object is not schema-valid or
 * when an overlay would not build to exactly its stack's objects: a tree is complete and right, or not produced.
 */
export async function renderStacks(stacks: readonly CapturedStack[]): Promise<Rendered> {
  const layout = planLayout(stacks);
  const argocd = new Map(stacks.map((s) => [s.stack, argoApplication(s.stack, s.settings.gitopsRepoUrl)]));
  const readme = gitopsReadme(layout, new Map(stacks.map((s) => [s.stack, { repoUrl: s.settings.gitopsRepoUrl, kubeContext: s.settings.kubeContext }])));
  const tree = buildTree(layout, { argocd, readme });
  const problems = await schemaProblems([
    ...stacks.flatMap((s) => s.objects.map((o) => ({ where: s.stack, manifest: o.manifest }))),
    ...[...argocd].map(([stack, app]) => ({ where: `argocd/${stack}.yaml`, manifest: app })),
  ]);
  for (const s of stacks) problems.push(...buildProblems(tree, s));
  if (problems.length > 0) throw new RenderError(problems);
  return { tree, layout, stacks };
}

/** Renders every stack of the project at `root`: config from its stack files, objects from the program. */
export async function renderProject(root: string): Promise<Rendered> {
  const stacks = listStacks(root);
  if (stacks.length === 0) throw new ConfigProblems([`no stack file (Pulumi.<stack>.yaml) beside ${root}/Pulumi.yaml`]);
  return renderStacks(await captureStacks(loadStacks(root, stacks)));
}
