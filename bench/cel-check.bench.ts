// What checking tag expressions costs a preview: the environment's first compile, then the steady-state
// cost per expression (check vs parse only). Medians over several rounds; a report, not a test.
//
//   npm run bench:cel
import { checkTagExpression } from "../envoy-cel/check-expression";
import { celEnvironment, compileEnvironment } from "../envoy-cel/environment";

const EXPRESSIONS: readonly string[] = [
  "response.code >= 500 ? 'server_error' : (response.code >= 400 ? 'client_error' : 'none')",
  "request.duration > duration('1s') ? 'true' : 'false'",
  "has(filter_state.downstream_peer.namespace) ? filter_state.downstream_peer.namespace : 'unknown'",
  "request.headers['x-tenant']",
  // Failures cost more: the fix is built by checking a rewritten expression.
  "response.duration > 1000 ? 'true' : 'false'",
  "source.namespace | 'unknown'",
];
const ROUNDS = 7;
const ITERATIONS = 2000;

const now = () => process.hrtime.bigint();
const micros = (ns: bigint | number) => Number(ns) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function perCall(fn: () => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = now();
    for (let i = 0; i < ITERATIONS; i++) fn();
    rounds.push(micros(now() - start) / ITERATIONS);
  }
  return median(rounds);
}

function parseOnly(expr: string): void {
  try {
    celEnvironment().parse(expr);
  } catch {
    // A parse error is a result here.
  }
}

let start = now();
celEnvironment();
const firstCompile = micros(now() - start);
start = now();
checkTagExpression(EXPRESSIONS[0]);
const firstCheck = micros(now() - start);
const compiles: number[] = [];
for (let r = 0; r < ROUNDS * 3; r++) {
  start = now();
  compileEnvironment();
  compiles.push(micros(now() - start));
}

console.log(`node ${process.version}, ${ROUNDS} rounds x ${ITERATIONS} calls, medians`);
console.log(`environment: first compile ${firstCompile.toFixed(0)} us, warm compile ${median(compiles).toFixed(0)} us (done once per process)`);
console.log(`first check after compile: ${firstCheck.toFixed(0)} us`);
console.log("");
console.log("check us   parse us   ratio   ok     expression");
let total = 0;
for (const expr of EXPRESSIONS) {
  const check = perCall(() => checkTagExpression(expr));
  const parse = perCall(() => parseOnly(expr));
  total += check;
  const ok = checkTagExpression(expr).ok ? "ok" : "error";
  console.log(`${check.toFixed(1).padStart(8)}   ${parse.toFixed(1).padStart(8)}   ${(check / parse).toFixed(1).padStart(5)}   ${ok.padEnd(5)}  ${expr}`);
}
console.log("");
console.log(`mean of the medians: ${(total / EXPRESSIONS.length).toFixed(1)} us per expression`);
