import { ConfigError, NAMESPACE, Problems } from "./problems";
import { Reader } from "./readers";
import { INSTALL_DEFAULTS, InstallSettings } from "./install-settings";

export const INSTALL_KEY = `${NAMESPACE}:install`;
export const INSTALL_FIELDS = [
  "enabled",
  "istioVersion",
  "meshId",
  "chartRepo",
  "rootCa",
  "peers",
  "apiServer",
  "organization",
  "gatewayApiVersion",
  "rootCaHours",
  "intermediateCaHours",
] as const;

// Exact releases only: a range would let two stacks (or two runs) install different Istios. Ambient
// multicluster needs 1.27 or newer (DOMAIN: multi-cluster ambient is alpha from 1.27).
const VERSION = /^1\.(\d+)\.(\d+)$/;
export const VERSION_RULE = "an exact Istio release 1.MINOR.PATCH, 1.27.0 or newer (such as 1.28.1)";
const STACK = /^[A-Za-z0-9_.-]{1,100}$/;
const STACK_RULE = "a Pulumi stack name (letters, digits, '-', '_', '.')";
const MESH_ID = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const HTTPS_URL = /^https:\/\/[^\s/@]+(:\d+)?(\/[^\s@]*)?$/;

/** The install layer when nothing is configured: off. */
export const INSTALL_OFF: InstallSettings = {
  enabled: false,
  istioVersion: "",
  rootCaStack: "",
  peers: [],
  ...INSTALL_DEFAULTS,
};

/**
 * Reads `mesh-lab:install` (the JSON text Pulumi hands over, or undefined). Every field is checked even when the
 * layer is off, so a typo never waits for the day it is switched on. Returns undefined after recording problems.
 */
export function readInstall(r: Reader, stack: string, v: unknown): InstallSettings | undefined {
  if (v === undefined) return INSTALL_OFF;
  const o = r.object(INSTALL_KEY, v, INSTALL_FIELDS);
  if (!o) return undefined;
  const key = (k: string) => `${INSTALL_KEY}.${k}`;
  const before = r.problems.list.length;
  const enabled = o.enabled === undefined ? false : r.boolean(key("enabled"), o.enabled);
  const istioVersion =
    o.istioVersion === undefined
      ? enabled
        ? r.problems.missing(key("istioVersion"), VERSION_RULE)
        : ""
      : readVersion(r, key("istioVersion"), o.istioVersion);
  const meshId =
    o.meshId === undefined
      ? INSTALL_DEFAULTS.meshId
      : typeof o.meshId === "string" && MESH_ID.test(o.meshId)
        ? o.meshId
        : r.problems.add(
            key("meshId"),
            o.meshId,
            "a mesh ID: a Kubernetes label value (alphanumeric, '-', '_', '.', at most 63 characters)",
          );
  const chartRepo =
    o.chartRepo === undefined
      ? INSTALL_DEFAULTS.chartRepo
      : typeof o.chartRepo === "string" && HTTPS_URL.test(o.chartRepo)
        ? o.chartRepo
        : r.problems.add(key("chartRepo"), o.chartRepo, "an https URL of a Helm chart repository, no credentials");
  const rootCaStack = readRootCa(r, key("rootCa"), o.rootCa, enabled === true);
  const peers =
    o.peers === undefined ? [] : r.list(key("peers"), o.peers, (k, x) => readStack(r, k, x), false, "stack names");
  if (peers?.includes(stack)) r.problems.add(key("peers"), peers, `other stacks than "${stack}" itself`);
  if (peers && new Set(peers).size !== peers.length) r.problems.add(key("peers"), peers, "each stack once");
  const apiServer =
    o.apiServer === undefined
      ? undefined
      : typeof o.apiServer === "string" && HTTPS_URL.test(o.apiServer)
        ? o.apiServer
        : r.problems.add(
            key("apiServer"),
            o.apiServer,
            "an https URL of this cluster's API server, as the peer clusters reach it",
          );
  if (enabled && o.apiServer === undefined && peers && peers.length > 0)
    r.problems.missing(
      key("apiServer"),
      "this cluster's API server URL as the peers reach it (https://host:port), because peers is not empty",
    );
  const organization =
    o.organization === undefined
      ? INSTALL_DEFAULTS.organization
      : typeof o.organization === "string" && STACK.test(o.organization)
        ? o.organization
        : r.problems.add(key("organization"), o.organization, "a Pulumi organization name");
  const gatewayApiVersion =
    o.gatewayApiVersion === undefined
      ? INSTALL_DEFAULTS.gatewayApiVersion
      : o.gatewayApiVersion === false ||
          (typeof o.gatewayApiVersion === "string" && /^v1\.\d+\.\d+$/.test(o.gatewayApiVersion))
        ? o.gatewayApiVersion
        : r.problems.add(
            key("gatewayApiVersion"),
            o.gatewayApiVersion,
            "a Gateway API release v1.MINOR.PATCH (such as v1.4.0), or false when the CRDs are installed by someone else",
          );
  const rootCaHours =
    o.rootCaHours === undefined
      ? INSTALL_DEFAULTS.rootCaHours
      : r.integer(key("rootCaHours"), o.rootCaHours, 24, 876000);
  const intermediateCaHours =
    o.intermediateCaHours === undefined
      ? INSTALL_DEFAULTS.intermediateCaHours
      : r.integer(key("intermediateCaHours"), o.intermediateCaHours, 24, 876000);
  if (rootCaHours !== undefined && intermediateCaHours !== undefined && intermediateCaHours > rootCaHours) {
    r.problems.add(
      key("intermediateCaHours"),
      intermediateCaHours,
      `at most rootCaHours (${rootCaHours}): an intermediate cannot outlive its root`,
    );
  }
  if (r.problems.list.length > before) return undefined;
  return {
    enabled: enabled!,
    istioVersion: istioVersion!,
    meshId: meshId!,
    chartRepo: chartRepo!,
    rootCaStack: rootCaStack!,
    peers: peers!,
    ...(apiServer === undefined ? {} : { apiServer }),
    organization: organization!,
    gatewayApiVersion: gatewayApiVersion!,
    rootCaHours: rootCaHours!,
    intermediateCaHours: intermediateCaHours!,
  };
}

function readVersion(r: Reader, key: string, v: unknown): string | undefined {
  const m = typeof v === "string" ? VERSION.exec(v) : null;
  if (!m || Number(m[1]) < 27) return r.problems.add(key, v, VERSION_RULE);
  return v as string;
}

function readStack(r: Reader, key: string, v: unknown): string | undefined {
  return typeof v === "string" && STACK.test(v) ? v : r.problems.add(key, v, STACK_RULE);
}

function readRootCa(r: Reader, key: string, v: unknown, required: boolean): string | undefined {
  if (v === undefined)
    return required ? r.problems.missing(key, `{ stack: <the stack that holds the mesh's root CA> }`) : "";
  const o = r.object(key, v, ["stack"]);
  if (!o) return undefined;
  if (o.stack === undefined) return r.problems.missing(`${key}.stack`, STACK_RULE);
  return readStack(r, `${key}.stack`, o.stack);
}

/** The install setting as Pulumi hands it over (JSON text), decoded; a problem when it is not JSON. */
export function rawInstall(problems: Problems, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return problems.add(INSTALL_KEY, text, "an object (set it as a YAML mapping in the stack file)");
  }
}

/** One stack's install settings from its raw config, or a ConfigError naming every problem. */
export function parseInstallSettings(stack: string, raw: Readonly<Record<string, string>>): InstallSettings {
  const problems = new Problems();
  const install = readInstall(new Reader(problems), stack, rawInstall(problems, raw[INSTALL_KEY]));
  if (!install || problems.list.length > 0) throw new ConfigError(stack, problems.list);
  return install;
}
