/** The workshop's three tag expressions: two are broken the way the issue describes, error_type is valid. */
export const WORKSHOP = {
  error_type: "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')",
  slow_request: "response.duration > 1000 ? 'true' : 'false'",
  source_namespace: "source.namespace | 'unknown'",
};

/** A telemetry setting with one override of `metric` holding these tags. */
export const requestCount = (tags: Record<string, unknown>, metric = "REQUEST_COUNT") => ({
  overrides: [{ match: { metric }, tagOverrides: tags }],
});

/** UPSERT tag specs from tag → expression. */
export const upsert = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([t, value]) => [t, { operation: "UPSERT", value }]));

/** What the config check says about the workshop's slow_request tag. */
export const SLOW_REQUEST_PROBLEM = [
  'key "mesh-lab:telemetry.overrides[0].tagOverrides.slow_request.value" (metric REQUEST_COUNT, tag slow_request): unknown attribute at column 1: response.duration is not an Envoy attribute',
  "      response.duration > 1000 ? 'true' : 'false'",
  "      ^~~~~~~~~~~~~~~~~",
  `    fix: did you mean request.duration (duration: total duration of the request)? With it, ">" is not defined for duration and int; ` +
    "write the number as a duration: request.duration > duration('1s') ? 'true' : 'false' (1000 read as milliseconds)",
].join("\n");

/** What the config check says about the workshop's source_namespace tag. */
export const SOURCE_NAMESPACE_PROBLEM = [
  'key "mesh-lab:telemetry.overrides[0].tagOverrides.source_namespace.value" (metric REQUEST_COUNT, tag source_namespace): syntax error at column 18: "|" is not a CEL operator',
  "      source.namespace | 'unknown'",
  "                       ^",
  `    fix: "x | y" is Mixer syntax; CEL writes a fallback as has(x) ? x : y. source.namespace is not an Envoy attribute either: ` +
    "did you mean filter_state.downstream_peer.namespace (string: the caller's namespace; the standard label source_workload_namespace already carries it)? " +
    "Together: has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'",
].join("\n");
