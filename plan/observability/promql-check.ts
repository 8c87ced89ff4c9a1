import { parser } from "@prometheus-io/lezer-promql";

/**
 * Labels `istio_requests_total` carries as the waypoint reports it (istio/istio
 * tests/integration/ambient/baseline_test.go, buildQuery), plus the cluster labels of a multi-cluster mesh.
 */
export const ISTIO_STANDARD_LABELS = [
  "reporter",
  "source_workload",
  "source_workload_namespace",
  "source_principal",
  "source_app",
  "source_version",
  "source_canonical_service",
  "source_canonical_revision",
  "source_cluster",
  "destination_workload",
  "destination_workload_namespace",
  "destination_principal",
  "destination_app",
  "destination_version",
  "destination_service",
  "destination_service_name",
  "destination_service_namespace",
  "destination_canonical_service",
  "destination_canonical_revision",
  "destination_cluster",
  "request_protocol",
  "response_code",
  "grpc_response_status",
  "response_flags",
  "connection_security_policy",
] as const;

/** What one expression reads: its syntax errors (with offsets) and every label name it names. */
export interface PromqlReading {
  readonly errors: readonly { readonly offset: number; readonly text: string }[];
  readonly labels: readonly { readonly name: string; readonly offset: number }[];
}

/** Parses PromQL with the grammar of Prometheus' own UI; labels come from matchers, by/without and on/ignoring. */
export function readPromql(expr: string): PromqlReading {
  const tree = parser.parse(expr);
  const errors: { offset: number; text: string }[] = [];
  const labels: { name: string; offset: number }[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push({ offset: node.from, text: expr.slice(node.from, Math.max(node.to, node.from + 1)) });
      else if (node.name === "LabelName") labels.push({ name: expr.slice(node.from, node.to), offset: node.from });
      else if (node.name === "QuotedLabelName")
        labels.push({ name: JSON.parse(expr.slice(node.from, node.to)) as string, offset: node.from });
    },
  });
  return { errors, labels };
}

/** 1-based line and column of an offset, as an editor shows them. */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** Syntax errors of one expression (with their position) and the labels it reads that are not in `known`. */
export function checkPromql(expr: string, known: ReadonlySet<string>): { syntax: string[]; unknownLabels: string[] } {
  const { errors, labels } = readPromql(expr);
  const syntax = errors.map(
    (e) =>
      `PromQL syntax error at ${position(expr, e.offset)} ${e.text === "" ? "(end of expression)" : `near ${JSON.stringify(e.text.slice(0, 20))}`}`,
  );
  const unknownLabels = [...new Set(labels.map((l) => l.name).filter((n) => !known.has(n)))];
  return { syntax, unknownLabels };
}
