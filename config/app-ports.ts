import { Reader } from "./readers";

export const PORT_PROTOCOLS = ["http", "grpc", "tcp"] as const;

/** One port an app serves: its name (the Service's and the container's), number and protocol. */
export interface AppPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: (typeof PORT_PROTOCOLS)[number];
}

// Kubernetes port names are IANA service names: at most 15 lowercase letters, digits and '-', with a letter.
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** Reads `ports`: a non-empty list of {name, port, protocol}, names and numbers each used once. */
export function readPorts(r: Reader, key: string, v: unknown): readonly AppPort[] | undefined {
  const ports = r.list(
    key,
    v,
    (k, x) => {
      const o = r.object(k, x, ["name", "port", "protocol"]);
      if (!o) return undefined;
      const name =
        typeof o.name === "string" && PORT_NAME.test(o.name)
          ? o.name
          : r.problems.add(
              `${k}.name`,
              o.name,
              "a port name: at most 15 lowercase letters, digits and single '-', with a letter",
            );
      const port = r.integer(`${k}.port`, o.port, 1, 65535);
      const protocol = r.oneOf(`${k}.protocol`, o.protocol, PORT_PROTOCOLS);
      return name && port && protocol ? { name, port, protocol } : undefined;
    },
    true,
    "ports ({name, port, protocol})",
  );
  if (!ports) return undefined;
  ports.forEach((p, j) => {
    const first = ports.findIndex((q) => q.name === p.name || q.port === p.port);
    if (first !== j)
      r.problems.add(`${key}[${j}]`, p, `a name and a port no other entry has (${key}[${first}] shares one)`);
  });
  return ports;
}

/** The port an HTTP caller uses (the demo caller, the policy check): the first HTTP one. */
export const httpPort = (app: { readonly ports: readonly AppPort[] }): AppPort | undefined =>
  app.ports.find((p) => p.protocol === "http");
