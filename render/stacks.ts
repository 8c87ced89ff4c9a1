import { CaptureError, captureProgram } from "../capture/capture-program";
import { parseSettings } from "../config/parse-settings";
import { ConfigError } from "../config/problems";
import { loadStackConfig } from "../config/project-files";
import { MeshSettings } from "../config/settings";
import { ConfigProblems, RenderError } from "./errors";
import { KubeObject, kubeObjects } from "./objects";

export interface LoadedStack {
  readonly stack: string;
  readonly settings: MeshSettings;
  /** Keys whose value is `secure:` ciphertext: left out, never decrypted, never printed. */
  readonly secureKeys: readonly string[];
}

export interface CapturedStack extends LoadedStack {
  readonly objects: readonly KubeObject[];
}

/**
 * Every stack's settings, from its stack file and the Pulumi.yaml defaults, validated. All stacks are read
 * before any fails, so one run reports every bad key of every stack (ConfigProblems).
 */
export function loadStacks(root: string, stacks: readonly string[]): LoadedStack[] {
  const problems: string[] = [];
  const loaded: LoadedStack[] = [];
  for (const stack of stacks) {
    let secureKeys: readonly string[] = [];
    try {
      const config = loadStackConfig(root, stack);
      secureKeys = config.secureKeys;
      loaded.push({ stack, settings: parseSettings(stack, config.raw), secureKeys });
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        problems.push(`stack "${stack}": ${(e as Error).message}`);
        continue;
      }
      for (const p of e.problems) {
        const secure = secureKeys.find((k) => p.startsWith(`key "${k}"`));
        // A key that is set but encrypted reads as missing: say why rather than let "missing" mislead.
        problems.push(`stack "${stack}": ${p}${secure ? ` (it is set, but as a secure: value, which only the Pulumi CLI can decrypt; the render reads no secrets)` : ""}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigProblems(problems);
  return loaded;
}

/** Runs the real program once per stack, in-process against the recording mock, and keeps its Kubernetes objects. */
export async function captureStacks(stacks: readonly LoadedStack[]): Promise<CapturedStack[]> {
  const out: CapturedStack[] = [];
  for (const s of stacks) {
    let capture;
    try {
      capture = await captureProgram({ settings: s.settings });
    } catch (e) {
      // The program refusing its config (a check that needs the whole config) is bad config too.
      if (e instanceof CaptureError && e.cause instanceof ConfigError) throw new ConfigProblems(e.cause.problems.map((p) => `stack "${s.stack}": ${p}`));
      throw e;
    }
    if (capture.violations.length > 0) throw new RenderError(capture.violations.map((v) => `${s.stack}: ${v}`));
    out.push({ ...s, objects: kubeObjects(s.stack, capture.resources) });
  }
  return out;
}
