import { NAMESPACE } from "../config/problems";
import { MeshSettings } from "../config/settings";

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
      `Set it back to false after the first successful pulumi up (pulumi config set ${NAMESPACE}:adoptExisting false): while it is true, ` +
      `a renamed resource creates over its live object and then deletes it (pulumi-kubernetes#2926), and a kubectl edit is overwritten without a conflict.`,
  ];
}
