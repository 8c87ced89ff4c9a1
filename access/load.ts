import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { findKubectl, UNITS_PER_BUILD, writeGroup } from "../render/kubectl";

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

/** The clusters of a tree `npm run render` wrote: their cluster units, `clusters/<stack>/` with a kustomization. */
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
 * The units of a cluster in a tree `npm run render` wrote (it has `.rendered-files`), when `target` is its cluster
 * unit (`<tree>/clusters/<stack>`, however spelt): that directory and each `<tree>/tenants/<stack>/<app>`. Just
 * `target` otherwise.
 */
function clusterUnits(target: string): string[] {
  const dir = path.resolve(target);
  const stack = path.basename(dir);
  const root = path.dirname(path.dirname(dir));
  const tenants = path.join(root, "tenants", stack);
  const rendered = fs.existsSync(path.join(root, ".rendered-files"));
  if (path.basename(path.dirname(dir)) !== "clusters" || !rendered || !fs.existsSync(tenants)) return [dir];
  const units = fs
    .readdirSync(tenants, { withFileTypes: true })
    .filter((e) => e.isDirectory() && KUSTOMIZATIONS.some((k) => fs.existsSync(path.join(tenants, e.name, k))))
    .map((e) => path.join(tenants, e.name))
    .sort();
  return [dir, ...units];
}

/** `kubectl kustomize` of kustomization directories, in groups of the render's size, each one kustomization. */
function kustomize(dirs: readonly string[], target: string): unknown[] {
  const kubectl = findKubectl();
  if (kubectl === undefined)
    throw new AccessInputError(
      `--manifests ${target} is a kustomization: building it needs kubectl (on PATH, or $KUBECTL); or pass the output of a kustomize build as a file`,
    );
  const scratch = dirs.length > 1 ? fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-access-")) : undefined;
  try {
    const docs: unknown[] = [];
    for (let i = 0; i < dirs.length; i += UNITS_PER_BUILD) {
      let dir = dirs[i];
      if (scratch !== undefined) {
        dir = path.join(scratch, String(i));
        writeGroup(dir, dirs.slice(i, i + UNITS_PER_BUILD));
      }
      let out: string;
      try {
        out = execFileSync(kubectl, ["kustomize", dir], {
          encoding: "utf8",
          maxBuffer: 1 << 30,
          stdio: ["ignore", "pipe", "pipe"],
        });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new AccessInputError(
          `--manifests ${target}: ${kubectl} kustomize failed: ${(err.stderr || err.message).trim()}`,
        );
      }
      docs.push(...documents(out, `${kubectl} kustomize ${target}`));
    }
    return docs;
  } finally {
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The objects at `target`: a YAML file (any number of documents, `List`s unwrapped), a kustomization directory
 * (built with `kubectl kustomize`, as Argo CD and Flux build it), or a directory of YAML files (read recursively).
 * A rendered tree's cluster unit (`gitops/clusters/<stack>`) stands for the whole cluster: it and the stack's
 * tenant units (`gitops/tenants/<stack>/*`).
 */
export function loadManifests(target: string): unknown[] {
  if (!fs.existsSync(target)) throw new AccessInputError(`--manifests ${target}: no such file or directory`);
  if (!fs.statSync(target).isDirectory()) return readFile(target);
  if (KUSTOMIZATIONS.some((k) => fs.existsSync(path.join(target, k)))) return kustomize(clusterUnits(target), target);
  // A rendered tree's tenants/<stack>: its units include ../../base and ../../apps, so read alone they hold no
  // workload; the cluster's unit brings them all.
  const resolved = path.resolve(target);
  const tree = path.dirname(path.dirname(resolved));
  const stack = path.basename(resolved);
  if (
    path.basename(path.dirname(resolved)) === "tenants" &&
    fs.existsSync(path.join(tree, ".rendered-files")) &&
    renderedClusters(tree).has(stack)
  )
    throw new AccessInputError(
      `--manifests ${target} holds the tenant units of ${stack}; pass the cluster's unit, ${path.join(path.dirname(path.dirname(target)), "clusters", stack)} (it brings the cluster's tenants/ units with it)`,
    );
  const clusters = renderedClusters(target);
  if (clusters.size > 0)
    throw new AccessInputError(
      `--manifests ${target} is a rendered tree of ${clusters.size} cluster(s); pass one cluster's unit, such as ${path.join(target, "clusters", [...clusters.keys()][0])} (it brings the cluster's tenants/ units with it)`,
    );
  const files = filesUnder(target);
  if (files.length === 0) throw new AccessInputError(`--manifests ${target}: no .yaml, .yml or .json file in it`);
  return files.flatMap(readFile);
}
