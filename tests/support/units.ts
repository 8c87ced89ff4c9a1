import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Tree } from "../../render/files";
import { allDocuments } from "../../render/yaml";
import { buildKustomization } from "./kustomize-model";

/** Whether a Git directory generator's path pattern matches `dir`: each `*` is one path segment (Go's path.Match). */
export function generatorMatches(pattern: string, dir: string): boolean {
  return new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.]/g, "\\."))
      .join("[^/]+")}$`,
  ).test(dir);
}

/** A stack's units in a tree: its cluster unit, then its tenant units (directories with a kustomization.yaml). */
export function unitDirs(tree: Tree, stack: string): string[] {
  const tenant = new RegExp(`^tenants/${stack}/[^/]+/kustomization\\.yaml$`);
  return [
    `clusters/${stack}`,
    ...[...tree.keys()].filter((f) => tenant.test(f)).map((f) => f.slice(0, -"/kustomization.yaml".length)),
  ];
}

/** What a stack's units build to together, by the in-process kustomize model. */
export function buildUnits(tree: Tree, stack: string): Record<string, unknown>[] {
  return unitDirs(tree, stack).flatMap((dir) => buildKustomization(tree, dir));
}

/** A stack's unit directories in a tree on disk (`gitops`), relative to it. */
export function unitDirsOnDisk(gitops: string, stack: string): string[] {
  const tenants = path.join(gitops, "tenants", stack);
  const apps = fs.existsSync(tenants)
    ? fs
        .readdirSync(tenants)
        .filter((a) => fs.existsSync(path.join(tenants, a, "kustomization.yaml")))
        .sort()
    : [];
  return [`clusters/${stack}`, ...apps.map((a) => `tenants/${stack}/${a}`)];
}

/** What `kubectl kustomize <dir>` yields. */
export function kustomizeDir(kubectl: string, dir: string): Record<string, unknown>[] {
  return allDocuments(execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8" })) as Record<string, unknown>[];
}

/** What `kubectl kustomize` of each of a stack's units on disk yields, together. */
export function kustomizeUnits(kubectl: string, gitops: string, stack: string): Record<string, unknown>[] {
  return unitDirsOnDisk(gitops, stack).flatMap((u) => kustomizeDir(kubectl, path.join(gitops, u)));
}
