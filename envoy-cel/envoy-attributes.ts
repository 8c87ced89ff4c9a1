/**
 * The attributes Envoy hands to CEL, as Istio's metric tag expressions see them.
 *
 * Envoy's table: https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes
 * Istio's peer metadata (`filter_state.downstream_peer` / `upstream_peer`): the fields of
 * WorkloadMetadataObject in istio/proxy `extensions/common/metadata_object.h`.
 *
 * Data only: `environment.ts` builds the typed CEL environment from it, `hints.ts` suggests from it.
 * When Envoy adds an attribute, add a row here.
 */
export const ENVOY_ATTRIBUTES_DOC =
  "https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/advanced/attributes";

/**
 * An attribute's CEL type. `duration` and `timestamp` are google.protobuf.Duration / Timestamp; a dotted
 * `name` makes its parent a message (`upstream.locality.region` makes `upstream.locality` one).
 */
export type AttributeType =
  | "string"
  | "int"
  | "uint"
  | "bool"
  | "duration"
  | "timestamp"
  | "map<string, string>"
  | "map<string, dyn>"
  | "map<string, map<string, dyn>>";

export interface EnvoyAttribute {
  /** The CEL variable: `request`, `filter_state`, ... */
  readonly root: string;
  /** The path below the root, dotted for nested messages: `duration`, `downstream_peer.namespace`. */
  readonly name: string;
  readonly type: AttributeType;
  readonly note: string;
  /** The standard Istio metric label that already carries this value, when there is one. */
  readonly label?: string;
}

const a = (root: string, name: string, type: AttributeType, note: string, label?: string): EnvoyAttribute =>
  label === undefined ? { root, name, type, note } : { root, name, type, note, label };

const tls = (root: string, side: string): EnvoyAttribute[] => [
  a(root, "tls_version", "string", `TLS version of the ${side} connection`),
  a(root, "subject_local_certificate", "string", `subject of the local certificate (${side})`),
  a(root, "subject_peer_certificate", "string", `subject of the peer certificate (${side})`),
  a(root, "dns_san_local_certificate", "string", `first DNS SAN of the local certificate (${side})`),
  a(root, "dns_san_peer_certificate", "string", `first DNS SAN of the peer certificate (${side})`),
  a(root, "uri_san_local_certificate", "string", `first URI SAN of the local certificate (${side})`),
  a(root, "uri_san_peer_certificate", "string", `first URI SAN of the peer certificate (${side})`),
  a(root, "sha256_peer_certificate_digest", "string", `SHA256 digest of the peer certificate (${side})`),
  a(root, "peer_certificate", "string", `URL-encoded PEM peer certificate (${side})`),
  a(root, "transport_failure_reason", "string", `transport failure reason (${side})`),
];

// Istio's workload metadata of the caller (downstream) or the callee (upstream), exchanged by the proxies.
// On a waypoint the labels named here are filled from the same data.
const peer = (
  name: "downstream_peer" | "upstream_peer",
  side: "source" | "destination",
  who: string,
): EnvoyAttribute[] => [
  a("filter_state", `${name}.namespace`, "string", `the ${who}'s namespace`, `${side}_workload_namespace`),
  a(
    "filter_state",
    `${name}.workload`,
    "string",
    `the ${who}'s workload (Deployment, Job, ...) name`,
    `${side}_workload`,
  ),
  a("filter_state", `${name}.cluster`, "string", `the ${who}'s Istio cluster`, `${side}_cluster`),
  a("filter_state", `${name}.service`, "string", `the ${who}'s canonical service`, `${side}_canonical_service`),
  a("filter_state", `${name}.revision`, "string", `the ${who}'s canonical revision`, `${side}_canonical_revision`),
  a("filter_state", `${name}.app`, "string", `the ${who}'s app label`, `${side}_app`),
  a("filter_state", `${name}.version`, "string", `the ${who}'s version label`, `${side}_version`),
  a("filter_state", `${name}.name`, "string", `the ${who}'s pod name`),
  a("filter_state", `${name}.type`, "string", `the ${who}'s workload kind (pod, deployment, job, cronjob)`),
  a("filter_state", `${name}.identity`, "string", `the ${who}'s SPIFFE identity`, `${side}_principal`),
  a("filter_state", `${name}.region`, "string", `the ${who}'s locality region`),
  a("filter_state", `${name}.availability_zone`, "string", `the ${who}'s locality zone`),
  a("filter_state", `${name}.labels`, "map<string, string>", `the ${who}'s exchanged pod labels`),
];

const metadata = (root: string, name: string, what: string) =>
  a(root, `${name}.filter_metadata`, "map<string, map<string, dyn>>", `${what} metadata by filter name`);

export const ENVOY_ATTRIBUTES: readonly EnvoyAttribute[] = [
  a("request", "path", "string", "URL path with the query string"),
  a("request", "url_path", "string", "URL path without the query string"),
  a("request", "host", "string", "host portion of the URL"),
  a("request", "scheme", "string", "URL scheme, e.g. http"),
  a("request", "method", "string", "request method, e.g. GET"),
  a("request", "headers", "map<string, string>", "request headers by lower-cased name"),
  a("request", "headers_bytes", "int", "size of the request headers in bytes"),
  a("request", "referer", "string", "Referer header"),
  a("request", "useragent", "string", "User-Agent header"),
  a("request", "time", "timestamp", "time of the first byte received"),
  a("request", "id", "string", "x-request-id header"),
  a("request", "protocol", "string", "HTTP/1.0, HTTP/1.1, HTTP/2 or HTTP/3"),
  a("request", "query", "string", "query portion of the URL"),
  a("request", "duration", "duration", "total duration of the request"),
  a("request", "size", "int", "size of the request body"),
  a("request", "total_size", "int", "request size including headers"),

  a("response", "code", "int", "HTTP status code"),
  a("response", "code_details", "string", "internal response code details"),
  a("response", "flags", "int", "response flags as a bit vector"),
  a("response", "grpc_status", "int", "gRPC status code"),
  a("response", "headers", "map<string, string>", "response headers by lower-cased name"),
  a("response", "headers_bytes", "int", "size of the response headers in bytes"),
  a("response", "trailers", "map<string, string>", "response trailers by lower-cased name"),
  a("response", "size", "int", "size of the response body"),
  a("response", "total_size", "int", "response size including headers and trailers"),
  a("response", "backend_latency", "duration", "first byte sent upstream to last byte received"),

  a("source", "address", "string", "downstream connection remote address"),
  a("source", "port", "int", "downstream connection remote port"),
  a("destination", "address", "string", "downstream connection local address"),
  a("destination", "port", "int", "downstream connection local port"),

  a("connection", "id", "uint", "downstream connection ID"),
  a("connection", "mtls", "bool", "TLS with a peer certificate on the downstream connection"),
  a("connection", "requested_server_name", "string", "SNI of the downstream TLS connection"),
  ...tls("connection", "downstream"),
  a("connection", "termination_details", "string", "internal termination details"),

  a("upstream", "address", "string", "upstream connection remote address"),
  a("upstream", "port", "int", "upstream connection remote port"),
  a("upstream", "num_endpoints", "uint", "endpoints of the upstream cluster"),
  a("upstream", "local_address", "string", "local address of the upstream connection"),
  ...tls("upstream", "upstream"),
  a("upstream", "request_attempt_count", "uint", "upstream request attempts (0: never attempted)"),
  a("upstream", "cx_pool_ready_duration", "duration", "request creation to connection pool ready"),
  a("upstream", "locality.region", "string", "upstream host's region"),
  a("upstream", "locality.zone", "string", "upstream host's zone"),
  a("upstream", "locality.sub_zone", "string", "upstream host's sub-zone"),

  a("xds", "node.id", "string", "local node ID"),
  a("xds", "node.cluster", "string", "local node cluster"),
  a("xds", "node.metadata", "map<string, dyn>", "local node metadata"),
  a("xds", "cluster_name", "string", "upstream cluster name"),
  metadata("xds", "cluster_metadata", "upstream cluster"),
  a("xds", "listener_direction", "int", "listener traffic direction (1 inbound, 2 outbound)"),
  metadata("xds", "listener_metadata", "listener"),
  a("xds", "route_name", "string", "route name"),
  metadata("xds", "route_metadata", "route"),
  a("xds", "virtual_host_name", "string", "virtual host name"),
  metadata("xds", "virtual_host_metadata", "virtual host"),
  metadata("xds", "upstream_host_metadata", "upstream host"),
  metadata("xds", "upstream_host_locality_metadata", "upstream host locality"),
  a("xds", "filter_chain_name", "string", "listener filter chain name"),

  // Envoy's filter_state is a map of any filter's state; only Istio's peer metadata is declared, so a
  // typo in it is caught instead of silently reading nothing.
  ...peer("downstream_peer", "source", "caller"),
  ...peer("upstream_peer", "destination", "callee"),
];

/**
 * Where Mixer-era `source.*` / `destination.*` workload attributes live now: `source.namespace` is
 * `filter_state.downstream_peer.namespace`. Envoy's `source` and `destination` are only addresses.
 */
export const PEER_OF: Readonly<Record<string, string>> = {
  source: "filter_state.downstream_peer",
  destination: "filter_state.upstream_peer",
};
