// Loaded only by Stryker (stryker.config.json, mochaOptions.require), never by `npm test`: it changes no test, only
// which tests Stryker's "perTest" coverage says reach a mutant.
//
// Stryker's mocha runner names the test that covers code in a root beforeEach hook (`currentTestId`, in
// @stryker-mutator/mocha-runner's mocha-test-runner.js), and the name stays set until the next test's beforeEach.
// A suite's before() hook runs between two tests, so what it covers (a fixture rendered once for the suite) was
// put down to the test that ran before it, often in another file. A mutant only such a hook reaches was then run
// against that unrelated test and reported as surviving, although the suite's own tests kill it (tried by hand:
// the Flux install command of the generated README, killed by tests/render-flux.test.ts, "survived").
//
// Here, the stretch between two tests gets a name of its own, and each suite keeps the stretch in which it
// started: its before() hooks ran there. Before each test, the coverage of the stretches of the test's suites is
// added to the test's, so a mutant a before() hook reaches is run against every test of that suite. Code in an
// after() hook is also put down to the next suites that start: it can only make Stryker run more tests.

const STRETCH = "stryker-hook-coverage: between tests ";
let stretch = 0;
const started = new Map();

const stryker = () => globalThis.__stryker__;

exports.mochaHooks = {
  beforeAll() {
    if (stryker()) stryker().currentTestId = `${STRETCH}${stretch}`;
  },
  beforeEach() {
    const ns = stryker();
    if (!ns) return;
    ns.mutantCoverage ??= { static: {}, perTest: {} };
    const perTest = ns.mutantCoverage.perTest;
    const test = this.currentTest;
    const own = (perTest[test.fullTitle()] ??= {});
    for (let suite = test.parent; suite; suite = suite.parent) {
      if (!started.has(suite)) started.set(suite, `${STRETCH}${stretch}`);
      for (const [mutant, hits] of Object.entries(perTest[started.get(suite)] ?? {}))
        own[mutant] = (own[mutant] ?? 0) + hits;
    }
  },
  afterEach() {
    if (stryker()) stryker().currentTestId = `${STRETCH}${++stretch}`;
  },
  afterAll() {
    const perTest = stryker()?.mutantCoverage?.perTest ?? {};
    for (const id of Object.keys(perTest)) if (id.startsWith(STRETCH)) delete perTest[id];
  },
};
