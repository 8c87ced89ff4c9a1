import { NAMESPACE } from "../config/problems";
import { MeshSettings } from "../config/schema";

/**
 * The provider options adoption needs: with `upsertExistingObjects` pulumi-kubernetes creates by server-side
 * apply instead of a create that fails with AlreadyExists (await.go `Creation`). Empty when not adopting, so
 * the provider is registered exactly as before.
 */
export function adoptionProviderArgs(settings: MeshSettings): { upsertExistingObjects?: boolean } {
  return settings.adoptExisting ? { upsertExistingObjects: true } : {};
}

/**
 * Said on every `pulumi preview`/`up` while adoption is on: upsert brings back pulumi-kubernetes#2926, where a
 * renamed resource plans a create (which now silently takes over the live object) and then a delete of it.
 */
export function adoptionWarnings(settings: MeshSettings): string[] {
  if (!settings.adoptExisting) return [];
  return [
    `${NAMESPACE}:adoptExisting is true on stack "${settings.stack}": existing objects are taken over and applied with force. ` +
      `After the first successful pulumi up, run npm run adopt:release -- --stack ${settings.stack} --apply and set it back to false ` +
      `(pulumi config set ${NAMESPACE}:adoptExisting false; docs/adoption.md): while it is true, ` +
      `a renamed resource creates over its live object and then deletes it (pulumi-kubernetes#2926), and a kubectl edit is overwritten without a conflict.`,
  ];
}

/** The field manager of a client-side `kubectl apply`: what the workshop's objects are owned by. */
export const CLIENT_SIDE_MANAGER = "kubectl-client-side-apply";
/** The annotation a client-side `kubectl apply` computes its next three-way merge from. */
export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The prefix of the field managers pulumi-kubernetes names at random, one per resource (`fieldManagerName`). */
export const PULUMI_MANAGER_PREFIX = "pulumi-kubernetes-";

/** The live object, as far as releasing it needs. */
export interface LiveObject {
  readonly metadata: {
    readonly managedFields?: readonly {
      readonly manager?: string;
      readonly operation?: string;
      readonly subresource?: string;
      readonly time?: string;
    }[];
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

/** One JSON patch operation (RFC 6902), as `kubectl patch --type=json` takes it. */
export type PatchOperation =
  | { readonly op: "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string };

/** What {@link releaseOps} removes besides kubectl's ownership. */
export interface ReleaseOptions {
  /**
   * Also the apply entries of earlier pulumi-kubernetes resources of the object, all but the newest: for an app
   * that left the config with its objects kept and came back (its new resources apply under new random managers).
   * Only on request: any Pulumi program's server-side apply manager has that prefix, and the newest need not be
   * this stack's if another program applied the object since. @default false
   */
  readonly earlierPulumiManagers?: boolean;
}

/**
 * What ends the co-ownership a forced adoption leaves: the managedFields entries of `kubectl-client-side-apply`
 * and its last-applied annotation, and, when asked (ReleaseOptions), the apply entries of earlier
 * pulumi-kubernetes resources of the same object. A forced server-side apply takes over only the fields whose
 * values differ; fields both set to the same value stay co-owned, so a later unforced apply that changes one
 * (replicas, the image) conflicts (Kubernetes docs, "Server-Side Apply", Field management). Of the
 * pulumi-kubernetes apply entries, the newest stays (right after the adopting `pulumi up`, the re-added
 * resource's); the older ones go, and none goes when their times do not say which is newest. Each removal is
 * guarded by a `test` of the same entry, so a concurrent change fails the patch instead of removing the wrong
 * entry. Empty when there is nothing to release.
 */
export function releaseOps(live: LiveObject, opts: ReleaseOptions = {}): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const fields = live.metadata.managedFields ?? [];
  const stale = opts.earlierPulumiManagers ? stalePulumiManagers(fields) : new Set<number>();
  // From the last index down, so earlier indexes stay valid as entries are removed.
  for (let i = fields.length - 1; i >= 0; i--) {
    const manager = fields[i].manager;
    if (manager === undefined || (manager !== CLIENT_SIDE_MANAGER && !stale.has(i))) continue;
    ops.push({ op: "test", path: `/metadata/managedFields/${i}/manager`, value: manager });
    ops.push({ op: "remove", path: `/metadata/managedFields/${i}` });
  }
  const annotation = live.metadata.annotations?.[LAST_APPLIED];
  if (annotation !== undefined) {
    const path = `/metadata/annotations/${LAST_APPLIED.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    ops.push({ op: "test", path, value: annotation }, { op: "remove", path });
  }
  return ops;
}

/** The indexes of pulumi-kubernetes apply entries older than the newest one; none unless the times tell. */
function stalePulumiManagers(fields: NonNullable<LiveObject["metadata"]["managedFields"]>): Set<number> {
  const applies = fields
    .map((f, i) => ({ ...f, i }))
    .filter((f) => f.manager?.startsWith(PULUMI_MANAGER_PREFIX) && f.operation === "Apply" && !f.subresource);
  if (applies.length < 2 || applies.some((f) => f.time === undefined)) return new Set();
  const newest = applies.reduce((a, b) => (b.time! > a.time! ? b : a));
  if (applies.filter((f) => f.time === newest.time).length > 1) return new Set();
  return new Set(applies.filter((f) => f !== newest).map((f) => f.i));
}
