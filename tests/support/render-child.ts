// `node --require tsx/cjs tests/support/render-child.ts <projectRoot> [render args]`: the render CLI as its own
// process on a fixture project, for tests that kill a real render or run it as another user. The same entry as
// `npm run render` (render/cli.ts runAsCommand), with the project given instead of this repository.
import { runAsCommand } from "../../render/cli";

const [root, ...argv] = process.argv.slice(2);
runAsCommand(argv, { root, cwd: root });
