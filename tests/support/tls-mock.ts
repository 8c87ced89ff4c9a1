import * as x509 from "@peculiar/x509";
import * as pulumi from "@pulumi/pulumi";
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto } from "node:crypto";

// The tls provider does not run under mocks: this computes its outputs from the registered inputs, with real
// keys (node:crypto) and real certificates (@peculiar/x509), so tests check real X.509 structure.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const USES: Record<string, x509.KeyUsageFlags> = {
  cert_signing: x509.KeyUsageFlags.keyCertSign,
  crl_signing: x509.KeyUsageFlags.cRLSign,
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
};

// RSA 4096 takes about a second each: a key is made once per logical name and size in a test process, as a stack's
// state keeps it from one update to the next.
const keys = new Map<string, string>();

/** The PEM of this resource's RSA key of `bits`, the same for the same name and size. */
export function rsaKey(name: string, bits: number): string {
  const id = `${name}\0${bits}`;
  let pem = keys.get(id);
  if (pem === undefined) {
    pem = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({
      format: "pem",
      type: "pkcs1",
    }) as string;
    keys.set(id, pem);
  }
  return pem;
}

type Inputs = Record<string, unknown>;
interface Subject {
  commonName?: string;
  organization?: string;
  locality?: string;
}

function dn(s: Subject | undefined): string {
  const parts = [
    s?.organization && `O=${s.organization}`,
    s?.locality && `L=${s.locality}`,
    s?.commonName && `CN=${s.commonName}`,
  ];
  return parts.filter(Boolean).join(", ");
}

async function privateKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ format: "der", type: "pkcs8" });
  return webcrypto.subtle.importKey("pkcs8", der, ALG, true, ["sign"]);
}

async function publicKey(pem: string): Promise<CryptoKey> {
  const der = createPublicKey(pem).export({ format: "der", type: "spki" });
  return webcrypto.subtle.importKey("spki", der, ALG, true, ["verify"]);
}

async function caExtensions(inputs: Inputs, subjectKey: CryptoKey): Promise<x509.Extension[]> {
  const flags = ((inputs.allowedUses as string[]) ?? []).reduce((f, u) => f | (USES[u] ?? 0), 0);
  return [
    new x509.BasicConstraintsExtension(inputs.isCaCertificate === true, undefined, true),
    new x509.KeyUsagesExtension(flags, true),
    await x509.SubjectKeyIdentifierExtension.create(subjectKey),
  ];
}

function validity(inputs: Inputs): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date();
  return { notBefore, notAfter: new Date(notBefore.getTime() + Number(inputs.validityPeriodHours) * 3600_000) };
}

const serial = () =>
  randomBytes(16)
    .toString("hex")
    .replace(/^[89a-f]/, "1");

// Mock inputs keep secret inputs wrapped ({ <sig key>: <secret sig>, value }); the provider sees the plain value.
function unwrap(inputs: Inputs): Inputs {
  const plain = (v: unknown) =>
    typeof v === "object" && v !== null && pulumi.runtime.specialSigKey in v
      ? (v as unknown as { value: unknown }).value
      : v;
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, plain(v)]));
}

/** The outputs the tls provider would add for a `tls:` resource, or undefined for any other type. */
export async function tlsOutputs(type: string, name: string, wrapped: Inputs): Promise<Inputs | undefined> {
  const inputs = unwrap(wrapped);
  switch (type) {
    case "tls:index/privateKey:PrivateKey": {
      const pem = rsaKey(name, Number(inputs.rsaBits ?? 2048));
      return {
        privateKeyPem: pem,
        publicKeyPem: createPublicKey(pem).export({ format: "pem", type: "spki" }),
      };
    }
    case "tls:index/selfSignedCert:SelfSignedCert": {
      const pem = inputs.privateKeyPem as string;
      const keysPair = { privateKey: await privateKey(pem), publicKey: await publicKey(pem) };
      const { notBefore, notAfter } = validity(inputs);
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: dn(inputs.subject as Subject),
        notBefore,
        notAfter,
        keys: keysPair,
        signingAlgorithm: ALG,
        extensions: await caExtensions(inputs, keysPair.publicKey),
      });
      return {
        certPem: cert.toString("pem") + "\n",
        validityStartTime: notBefore.toISOString(),
        validityEndTime: notAfter.toISOString(),
      };
    }
    case "tls:index/certRequest:CertRequest": {
      const pem = inputs.privateKeyPem as string;
      const extensions = (inputs.dnsNames as string[] | undefined)?.length
        ? [
            new x509.SubjectAlternativeNameExtension(
              (inputs.dnsNames as string[]).map((value) => ({ type: "dns" as const, value })),
            ),
          ]
        : [];
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: dn(inputs.subject as Subject),
        keys: { privateKey: await privateKey(pem), publicKey: await publicKey(pem) },
        signingAlgorithm: ALG,
        extensions,
      });
      return { certRequestPem: csr.toString("pem") + "\n" };
    }
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const csr = new x509.Pkcs10CertificateRequest(inputs.certRequestPem as string);
      const issuer = new x509.X509Certificate(inputs.caCertPem as string);
      const subjectKey = await csr.publicKey.export(ALG, ["verify"]);
      const { notBefore, notAfter } = validity(inputs);
      const san = csr.extensions.find((e) => e.type === "2.5.29.17"); // subjectAltName
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: csr.subject,
        issuer: issuer.subject,
        notBefore,
        notAfter,
        publicKey: subjectKey,
        signingKey: await privateKey(inputs.caPrivateKeyPem as string),
        signingAlgorithm: ALG,
        extensions: [
          ...(await caExtensions(inputs, subjectKey)),
          await x509.AuthorityKeyIdentifierExtension.create(issuer),
          ...(san ? [san] : []),
        ],
      });
      return {
        certPem: cert.toString("pem") + "\n",
        validityStartTime: notBefore.toISOString(),
        validityEndTime: notAfter.toISOString(),
      };
    }
    default:
      return undefined;
  }
}
