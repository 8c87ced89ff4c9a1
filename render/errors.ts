/** Bad command-line usage: exit 2, nothing written. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** One or more stacks have bad or unreadable config: exit 2, nothing written. Each problem names its key. */
export class ConfigProblems extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigProblems";
  }
}

/**
 * The program registered something the tree cannot hold as it is (no fixed name, a secret, a schema-invalid
 * object, a component whose objects only exist at deploy time): exit 3, nothing written.
 */
export class RenderError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "RenderError";
  }
}

/** The output directory holds something the render must not touch (a foreign file, a symlink, a lock): exit 2, nothing written. */
export class Refusal extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "Refusal";
  }
}
