// The dashboard builder, loaded on first use: it pulls in the Grafana Foundation SDK (about 220 modules), which a
// stack that deploys no dashboard (the default, observability.deploy: none) should not pay for at every
// `pulumi up` start (docs/performance.md).
export function dashboards(): typeof import("./dashboard") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require("./dashboard") as typeof import("./dashboard");
}
