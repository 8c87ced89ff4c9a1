import * as assert from "assert";
import { withDeployMarks } from "../components/deploy-marks";
import { KubeManifest } from "../plan/types";

describe("deploy marks", () => {
  it("awaits Programmed only on Gateway API Gateways: not on Istio's own Gateway kind nor on routes", () => {
    const marks = { adopt: false, awaitWaypoints: true };
    const obj = (apiVersion: string, kind: string) =>
      ({ apiVersion, kind, metadata: { name: "w", namespace: "n" } }) as unknown as KubeManifest;
    const waits = (m: KubeManifest) => withDeployMarks(m, marks).metadata.annotations?.["pulumi.com/waitFor"];
    assert.strictEqual(waits(obj("gateway.networking.k8s.io/v1", "Gateway")), "condition=Programmed");
    assert.strictEqual(waits(obj("networking.istio.io/v1", "Gateway")), undefined);
    assert.strictEqual(waits(obj("gateway.networking.k8s.io/v1", "HTTPRoute")), undefined);
  });
});
