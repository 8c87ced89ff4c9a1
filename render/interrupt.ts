const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs `work`; if the process gets SIGINT (Ctrl-C), SIGTERM or SIGHUP meanwhile, runs `cleanup` and then lets the
 * same signal end the process as it would have without a listener. Node ends the process at once on these signals
 * when nothing listens, so `finally` blocks do not run: without this, an interrupted render would leave its scratch
 * tree in the temporary directory and its kubectl processes running.
 */
export async function cleanupOnInterrupt<T>(cleanup: () => void, work: () => Promise<T>): Promise<T> {
  const stop = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    stop();
    try {
      cleanup();
    } finally {
      process.kill(process.pid, signal);
    }
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await work();
  } finally {
    stop();
  }
}
