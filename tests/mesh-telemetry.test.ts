import * as assert from "assert";
import { buildPlan } from "../plan/mesh-plan";
import { FIXTURE_APPS, fixtureSettings } from "./support/fixtures";
import { stackSettings, STACKS } from "./support/stacks";

// Whole objects: tests/gitops-snapshot.test.ts. Here: which apps get one, and that the spec follows the config.
const telemetries = (settings: ReturnType<typeof fixtureSettings>) =>
  buildPlan(settings)
    .objects.filter((o) => o.manifest.kind === "Telemetry")
    .map((o) => ({ name: o.name, manifest: o.manifest as { spec?: unknown } }));

describe("telemetry", () => {
  for (const stack of STACKS) {
    it(`${stack}: one Telemetry per serving app, carrying the stack's tag overrides`, () => {
      const settings = stackSettings(stack);
      const t = telemetries(settings);
      assert.deepStrictEqual(
        t.map((o) => o.name),
        settings.apps.filter((a) => a.port !== undefined).map((a) => `${a.name}-telemetry`),
      );
      const spec = t[0].manifest.spec as { metrics: { overrides: { match: { metric: string } }[] }[] };
      assert.deepStrictEqual(
        spec.metrics[0].overrides.map((o) => o.match.metric),
        settings.telemetry.overrides.map((o) => o.metric),
      );
    });
  }

  it("takes the tag set from stack config, REMOVE entries without a value, and no access log when off", () => {
    const telemetry = {
      accessLogging: false,
      overrides: [
        {
          match: { metric: "ALL_METRICS", mode: "SERVER" },
          tagOverrides: { request_protocol: { operation: "REMOVE" } },
        },
      ],
    };
    const [t] = telemetries(fixtureSettings(FIXTURE_APPS, { telemetry }));
    assert.deepStrictEqual(t.manifest.spec, {
      metrics: [
        {
          providers: [{ name: "prometheus" }],
          overrides: [
            {
              match: { metric: "ALL_METRICS", mode: "SERVER" },
              tagOverrides: { request_protocol: { operation: "REMOVE" } },
            },
          ],
        },
      ],
    });
  });

  it("logs access through Envoy by default, reports overrides to the configured provider, and has no metrics block without overrides", () => {
    const overrides = [
      { match: { metric: "REQUEST_COUNT" }, tagOverrides: { request_protocol: { operation: "REMOVE" } } },
    ];
    const [t] = telemetries(fixtureSettings(FIXTURE_APPS, { telemetry: { metricsProvider: "prom-2", overrides } }));
    assert.deepStrictEqual(t.manifest.spec, {
      metrics: [
        {
          providers: [{ name: "prom-2" }],
          overrides: [
            {
              match: { metric: "REQUEST_COUNT", mode: "CLIENT_AND_SERVER" },
              tagOverrides: { request_protocol: { operation: "REMOVE" } },
            },
          ],
        },
      ],
      accessLogging: [{ providers: [{ name: "envoy" }] }],
    });
    const [bare] = telemetries(fixtureSettings(FIXTURE_APPS, { telemetry: { metricsProvider: "prom-2" } }));
    assert.deepStrictEqual(bare.manifest.spec, { accessLogging: [{ providers: [{ name: "envoy" }] }] });
  });
});
