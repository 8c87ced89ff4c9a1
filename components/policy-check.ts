import { isCheckedRule } from "../config/parse-apps";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MeshSettings } from "../config/schema";
import { AppSettings } from "../config/parse-apps";
import { serviceHost } from "../plan/specs/workload";
import { KubeManifest } from "../plan/types";
import { sdkArgs } from "./register";
import { PROBE_NAMESPACE, verifyJobManifest } from "./verify-job-spec";

export interface PolicyCheckArgs {
  readonly settings: MeshSettings;
  readonly app: AppSettings & { readonly port: number };
  /** The specs the verdict depends on: a change to any of them re-runs the check. */
  readonly specs: readonly KubeManifest[];
  /** The applied policies, workload and probe namespace the Jobs must wait for. */
  readonly after: pulumi.Input<pulumi.Resource>[];
  readonly provider: k8s.Provider;
}

/**
 * Proves an app's policies on the cluster: one Job per allowed namespace (must get a 200) and one from the
 * probe namespace (must be refused). Pulumi waits for Jobs, so `pulumi up` fails when a check fails. The Jobs
 * are named with a random id kept by the policy and workload specs: new specs, new id, new Jobs.
 */
export class PolicyCheck extends pulumi.ComponentResource {
  public readonly jobNames: pulumi.Output<string[]>;

  constructor(name: string, args: PolicyCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mesh-lab:index:PolicyCheck", name, {}, opts);
    const { settings, app, provider } = args;
    const run = new random.RandomId(
      `${name}-run`,
      { byteLength: 4, keepers: { specs: JSON.stringify(args.specs) } },
      { parent: this },
    );
    const url = `http://${serviceHost(app)}:${app.port}/`;
    const checks = [
      // Only what a Job can prove (parse-apps.ts isCheckedRule): docs/safety.md lists what is not called.
      ...app.allowFrom
        .filter((rule) => isCheckedRule(rule, settings.apps))
        .map((rule) => ({ role: `from-${rule.namespace}`, namespace: rule.namespace, expect: "allowed" as const })),
      { role: "denied", namespace: PROBE_NAMESPACE, expect: "denied" as const },
    ];
    const jobs = checks.map((c) => {
      const manifest = verifyJobManifest(settings, {
        name: `verify-${app.name}-${c.role}`,
        namespace: c.namespace,
        url,
        expect: c.expect,
      });
      // The logical name is frozen; the Kubernetes name carries the run id, so new specs mean a new Job.
      const jobArgs: k8s.batch.v1.JobArgs = {
        ...sdkArgs<k8s.batch.v1.JobArgs>(manifest),
        metadata: { ...manifest.metadata, name: pulumi.interpolate`${manifest.metadata.name}-${run.hex}` },
      };
      return new k8s.batch.v1.Job(`${name}-${c.role}`, jobArgs, { parent: this, provider, dependsOn: args.after });
    });
    this.jobNames = pulumi.all(jobs.map((j) => j.metadata.name));
    this.registerOutputs({ jobNames: this.jobNames });
  }
}
