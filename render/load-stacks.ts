import { parseSettings, RawConfig } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { listStacks, loadStackConfig, ProjectConfig, readProject } from "../config/project-files";
import { MeshSettings } from "../config/schema";
import { buildPlan } from "../plan/mesh-plan";
import { ConfigProblems } from "./errors";
import { MeshMember, resolveTarget } from "../config/mesh-check";
import { loadMeshMembers } from "../config/mesh-members";
import { installGitOpsObjects } from "../plan/install/stack-install";
import { KubeObject, kubeObject, kubeObjects } from "./kube-object";

export interface PlannedStack {
  readonly stack: string;
  readonly settings: MeshSettings;
  /** Keys whose value is `secure:` ciphertext: left out, never decrypted, never printed. */
  readonly secureKeys: readonly string[];
  /** Everything the stack deploys, as `pulumi up` registers it. */
  readonly objects: readonly KubeObject[];
  readonly warnings: readonly string[];
  /**
   * The install layer for Argo CD (charts as Applications, istio-system, the east-west gateway), when the stack
   * has it on. Not part of the cluster's overlay: `pulumi up` installs Helm releases, Argo CD these Applications.
   */
  readonly install: readonly KubeObject[];
}

/**
 * Every stack's plan, from its stack file and the Pulumi.yaml defaults, validated. All stacks are read before
 * any fails, so one run reports every bad key of every stack (ConfigProblems).
 */
export function planStacks(root: string, stacks: readonly string[]): PlannedStack[] {
  // Each problem once, with every stack that has it: a bad app of Pulumi.yaml is every stack's.
  const found = new Map<string, Set<string>>();
  const problem = (stack: string, text: string) => found.set(text, (found.get(text) ?? new Set()).add(stack));
  const planned: PlannedStack[] = [];
  // Each stack file's raw config, read once: the plan and the cross-stack check below both use it.
  const raws = new Map<string, RawConfig>();
  // Every stack's install target reads the same stack files (the mesh's members): read them once, not per stack.
  let members: MeshMember[] | undefined;
  // Pulumi.yaml once for every stack; if it cannot be read, each stack reports why, as on its own.
  let project: ProjectConfig | undefined;
  try {
    project = readProject(root);
  } catch {
    project = undefined;
  }
  for (const stack of stacks) {
    let secureKeys: readonly string[] = [];
    try {
      const config = loadStackConfig(root, stack, project);
      raws.set(stack, config.raw);
      secureKeys = config.secureKeys;
      const plan = buildPlan(parseSettings(stack, config.raw));
      const install = plan.settings.install.enabled
        ? installGitOpsObjects(resolveTarget(stack, (members ??= loadMeshMembers(root, stack, config.raw))))
        : [];
      const objects = kubeObjects(plan.objects);
      planned.push({
        stack,
        settings: plan.settings,
        secureKeys,
        objects,
        warnings: plan.warnings,
        install: install.map((manifest) => kubeObject({ manifest, layer: "cluster" })),
      });
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        problem(stack, (e as Error).message);
        continue;
      }
      for (const p of e.problems) {
        const secure = secureKeys.find((k) => p.startsWith(`key "${k}"`));
        // A key that is set but encrypted reads as missing: say why rather than let "missing" mislead.
        problem(
          stack,
          `${p}${secure ? ` (it is set, but as a secure: value, which only the Pulumi CLI can decrypt; the render reads no secrets)` : ""}`,
        );
      }
    }
  }
  const problems = [...found].map(([text, where]) => `${stacksNamed([...where], stacks.length)}: ${text}`);
  problems.push(...unknownStackNames(listStacks(root), raws));
  if (problems.length > 0) throw new ConfigProblems(problems);
  return planned;
}

/**
 * `stack "a"`, `stacks "a", "b"`; all `of` stacks, when more than six, as `every stack (40: "a" ... "z")`. Some of
 * many are all named: which ones is the point.
 */
function stacksNamed(stacks: readonly string[], of: number): string {
  const q = (s: string) => JSON.stringify(s);
  if (stacks.length === 1) return `stack ${q(stacks[0])}`;
  return stacks.length === of && of > 6
    ? `every stack (${of}: ${q(stacks[0])} ... ${q(stacks[stacks.length - 1])})`
    : `stacks ${stacks.map(q).join(", ")}`;
}

/**
 * Apps whose `stacks` names a stack with no stack file: that app would run nowhere it was meant to. Checked against
 * every stack file of the project, whichever stacks are planned (adopt:release plans one); each problem is
 * reported once, for the first stack that reads it.
 */
function unknownStackNames(known: readonly string[], raws: ReadonlyMap<string, RawConfig>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [stack, raw] of raws) {
    let apps: unknown;
    try {
      apps = JSON.parse(raw["mesh-lab:apps"] ?? "[]");
    } catch {
      continue;
    }
    if (!Array.isArray(apps)) continue;
    apps.forEach((app: { stacks?: unknown }, i) => {
      if (!Array.isArray(app?.stacks)) return;
      app.stacks.forEach((name: unknown, j) => {
        if (typeof name !== "string" || known.includes(name)) return;
        const problem = `key "mesh-lab:apps[${i}].stacks[${j}]" is ${JSON.stringify(name)}; expected a stack of this project (${known.join(", ")})`;
        if (!seen.has(problem)) out.push(`stack "${stack}": ${problem}`);
        seen.add(problem);
      });
    });
  }
  return out;
}
