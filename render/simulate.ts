import * as path from "path";
import { applyPatch, PatchOp } from "./json-patch";
import { Tree } from "./tree";
import { fromYaml } from "./yaml";

interface Kustomization {
  resources?: string[];
  patches?: { path: string; target: { group?: string; version: string; kind: string; namespace?: string; name: string } }[];
}

function read(tree: Tree, file: string): unknown {
  const text = tree.get(file);
  if (text === undefined) throw new Error(`${file} is referenced but not in the tree`);
  return fromYaml(text);
}

function matches(target: NonNullable<Kustomization["patches"]>[number]["target"], m: Record<string, unknown>): boolean {
  const meta = m.metadata as Record<string, unknown>;
  const re = (s: string) => new RegExp(`^(?:${s})$`);
  const apiVersion = target.group ? `${target.group}/${target.version}` : target.version;
  return (
    m.apiVersion === apiVersion && m.kind === target.kind && re(target.name).test(String(meta.name)) &&
    (target.namespace === undefined || re(target.namespace).test(String(meta.namespace ?? "")))
  );
}

/**
 * What `kubectl kustomize <dir>` yields for a rendered tree, for the subset of kustomize the render writes
 * (resources, directories, JSON patches with a target). The render runs it on every stack before writing,
 * so a tree whose build differs from the program is never written; the kustomize test checks it agrees with
 * the real kustomize.
 */
export function buildKustomization(tree: Tree, dir: string): Record<string, unknown>[] {
  const k = read(tree, `${dir}/kustomization.yaml`) as Kustomization;
  const objects: Record<string, unknown>[] = [];
  for (const r of k.resources ?? []) {
    const ref = path.posix.normalize(`${dir}/${r}`);
    if (tree.has(`${ref}/kustomization.yaml`)) objects.push(...buildKustomization(tree, ref));
    else objects.push(read(tree, ref) as Record<string, unknown>);
  }
  for (const p of k.patches ?? []) {
    const ops = read(tree, path.posix.normalize(`${dir}/${p.path}`)) as PatchOp[];
    const hits = objects.map((m, i) => [m, i] as const).filter(([m]) => matches(p.target, m));
    if (hits.length !== 1) throw new Error(`${dir}: patch ${p.path} matches ${hits.length} objects, expected 1`);
    objects[hits[0][1]] = applyPatch(hits[0][0], ops) as Record<string, unknown>;
  }
  return objects;
}
