import * as assert from "assert";
import { createPrivateKey, generateKeyPairSync } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { keyFile, rsaKey } from "./support/tls-mock";

// The tls mock's RSA keys outlive a test run, as a stack's state keeps them (tests/support/tls-mock.ts). Small
// keys here: the cache's rules do not depend on the size.
const bitsOf = (pem: string) => createPrivateKey(pem).asymmetricKeyDetails?.modulusLength;
const pemOf = (bits: number) => generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ format: "pem", type: "pkcs1" }) as string;

describe("the tls mock's key cache", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lab-keys-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps a new key, readable by its owner only, and gives it back for the same name and size", () => {
    const pem = rsaKey("root-ca-key", 1024, dir);
    assert.strictEqual(bitsOf(pem), 1024);
    const file = keyFile(dir, "root-ca-key", 1024);
    assert.strictEqual(fs.readFileSync(file, "utf8"), pem);
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    assert.strictEqual(rsaKey("root-ca-key", 1024, dir), pem);
    assert.notStrictEqual(rsaKey("intermediate-ca-key", 1024, dir), pem);
  });

  it("reuses the key an earlier run left", () => {
    const left = pemOf(1024);
    fs.writeFileSync(keyFile(dir, "ca-key", 1024), left);
    assert.strictEqual(rsaKey("ca-key", 1024, dir), left);
  });

  for (const [what, content] of [
    ["a key of another size", () => pemOf(512)],
    ["a file that is no key", () => "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"],
  ] as const) {
    it(`replaces ${what}`, () => {
      const file = keyFile(dir, "ca-key", 1024);
      fs.writeFileSync(file, content());
      const pem = rsaKey("ca-key", 1024, dir);
      assert.strictEqual(bitsOf(pem), 1024);
      assert.strictEqual(fs.readFileSync(file, "utf8"), pem);
    });
  }

  it("still gives a key where the cache cannot be written", () => {
    const blocked = path.join(dir, "not-a-dir");
    fs.writeFileSync(blocked, "");
    const pem = rsaKey("ca-key", 1024, blocked);
    assert.strictEqual(bitsOf(pem), 1024);
    assert.strictEqual(rsaKey("ca-key", 1024, blocked), pem, "kept for this process");
  });
});
