import { Row, Target } from "./report";

/** The issue's targets, from the rows of one run (undefined where a row was skipped). */
export function computeTargets(rows: readonly Row[], fleetStacks: readonly number[]): Target[] {
  const get = (id: string) => rows.find((r) => r.id === id && !r.skipped);
  const ratio = (a: string, b: string) => {
    const x = get(a);
    const y = get(b);
    return x && y ? x.medianMs / y.medianMs : undefined;
  };
  const [, mid, big] = fleetStacks.length >= 3 ? fleetStacks : [fleetStacks[0], fleetStacks[0], fleetStacks[fleetStacks.length - 1]];
  const growth = big / mid;
  // "Flat per stack": the issue allows 4.4 for 200/50 (4x the stacks, 10% slack); scaled for other fleet sizes.
  const flat = Number((growth * 1.1).toFixed(2));
  return [
    { name: "pulumi up's program start vs the SDK floor", value: ratio("start", "floor"), limit: 1.3, unit: "x", how: "program start / SDK floor" },
    { name: "program start vs the SDK floor with the compile cache too", value: ratio("start", "floor-cache"), limit: 1.3, unit: "x", how: "program start / SDK floor, cached", beyondIssue: "a faster floor: it gets the compile cache the program's preload turns on" },
    { name: "npm run render (repo's stacks) vs cdk8s synth of the same objects", value: ratio("render-repo", "cdk8s-repo"), limit: 3, unit: "x", how: "render --check / cdk8s" },
    { name: `${big} stacks x 2 apps: render vs cdk8s`, value: ratio(`render-${big}x2`, `cdk8s-${big}x2`), limit: 3, unit: "x", how: "render (build cache) / cdk8s" },
    { name: `${big} stacks x 2 apps, every overlay built (--no-build-cache): render vs cdk8s`, value: ratio(`render-cold-${big}x2`, `cdk8s-${big}x2`), limit: 3, unit: "x", how: "render --no-build-cache / cdk8s", beyondIssue: "a first render: every overlay built by a kubectl process, which cdk8s does not run" },
    { name: `render flat per stack, ${big}/${mid} stacks x 2 apps`, value: ratio(`render-${big}x2`, `render-${mid}x2`), limit: flat, unit: "x", how: `${big}-stack / ${mid}-stack render` },
    { name: `render peak memory, ${big} stacks x 2 apps`, value: largest(get(`render-${big}x2`)?.rssMb, get(`render-cold-${big}x2`)?.rssMb), limit: 200, unit: "MB", how: "peak RSS, the larger of both renders" },
    { name: `render flat per stack, ${big}/${mid} stacks x 20 apps`, value: ratio(`render-${big}x20`, `render-${mid}x20`), limit: flat, unit: "x", how: `${big}-stack / ${mid}-stack render` },
    { name: "npm test vs tsc --noEmit", value: ratio("test", "typecheck"), limit: 3, unit: "x", how: "npm test / npm run typecheck" },
    { name: "npm test vs tsc --noEmit, a fresh clone's first npm test", value: ratio("test-fresh", "typecheck"), limit: 3, unit: "x", how: "npm test, caches removed / npm run typecheck", beyondIssue: "a fresh clone's first run: the whole type check and every cache from scratch" },
  ];
}

function largest(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}
