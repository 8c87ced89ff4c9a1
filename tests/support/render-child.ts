import { main } from "../../render/cli";

// The render CLI as its own process, on the project given first: for tests that SIGKILL a real render.
const [root, ...argv] = process.argv.slice(2);
main(argv, { root, cwd: root }).then((code) => (process.exitCode = code));
