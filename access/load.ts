import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** Bad input to `npm run access`: the command prints the message and exits 2. */
export class AccessInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AccessInputError";
  }
}

const KUSTOMIZATIONS = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const isManifest = (f: string) => /\.(ya?ml|json)$/.test(f) && !KUSTOMIZATIONS.includes(path.basename(f));

/** `List` objects (kubectl get -o yaml) hold their items. */
function flatten(docs: readonly unknown[]): unknown[] {
  return docs.flatMap((d) => {
    const o = d as { kind?: unknown; items?: unknown };
    return typeof o === "object" &&
      o !== null &&
      typeof o.kind === "string" &&
      o.kind.endsWith("List") &&
      Array.isArray(o.items)
      ? flatten(o.items as unknown[])
      : [d];
  });
}

/** Every document of a YAML stream, empty ones dropped; the first syntax error, naming where it came from. */
function documents(text: string, where: string): unknown[] {
  const docs = parseAllDocuments(text);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) throw new AccessInputError(`${where} is not YAML: ${bad.errors[0].message.split("\n")[0]}`);
  return flatten(docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined));
}

const readFile = (file: string) => documents(fs.readFileSync(file, "utf8"), file);

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name.startsWith(".") ? [] : filesUnder(p);
      return isManifest(p) ? [p] : [];
    });
}

/** The overlays of a tree `npm run render` wrote: `clusters/<stack>/` with a kustomization, by stack. */
export function renderedClusters(dir: string): Map<string, string> {
  const clusters = path.join(dir, "clusters");
  const found = new Map<string, string>();
  if (!fs.existsSync(clusters) || !fs.statSync(clusters).isDirectory()) return found;
  for (const e of fs.readdirSync(clusters, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)))
    if (e.isDirectory() && KUSTOMIZATIONS.some((k) => fs.existsSync(path.join(clusters, e.name, k))))
      found.set(e.name, path.join(clusters, e.name));
  return found;
}

/**
 * The objects at `target`: a YAML file (any number of documents, `List`s unwrapped), a kustomization directory
 * (built with `kubectl kustomize`, as Argo CD and Flux build it), or a directory of YAML files (read recursively).
 */
export function loadManifests(target: string): unknown[] {
  if (!fs.existsSync(target)) throw new AccessInputError(`--manifests ${target}: no such file or directory`);
  if (!fs.statSync(target).isDirectory()) return readFile(target);
  if (KUSTOMIZATIONS.some((k) => fs.existsSync(path.join(target, k)))) {
    const kubectl = process.env.KUBECTL || "kubectl";
    let out: string;
    try {
      out = execFileSync(kubectl, ["kustomize", target], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      const err = e as { code?: string; stderr?: string; message: string };
      if (err.code === "ENOENT")
        throw new AccessInputError(
          `--manifests ${target} is a kustomization: building it needs kubectl (on PATH, or $KUBECTL); or pass the output of a kustomize build as a file`,
        );
      throw new AccessInputError(
        `--manifests ${target}: ${kubectl} kustomize failed: ${(err.stderr || err.message).trim()}`,
      );
    }
    return documents(out, `${kubectl} kustomize ${target}`);
  }
  const clusters = renderedClusters(target);
  if (clusters.size > 0)
    throw new AccessInputError(
      `--manifests ${target} is a rendered tree of ${clusters.size} cluster(s); pass one overlay, such as ${path.join(target, "clusters", [...clusters.keys()][0])}`,
    );
  const files = filesUnder(target);
  if (files.length === 0) throw new AccessInputError(`--manifests ${target}: no .yaml, .yml or .json file in it`);
  return files.flatMap(readFile);
}
