// Secrets another system makes (Drone's OAuth credentials, made by Gitea): never generated, a warning until copied in, and left out of converge's vars meanwhile.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convergeSecrets } from '../cli/converge-secrets.ts';
import { generateMissing, setSecret, storeContext, storeFindings } from '../members/secrets-ops.ts';
import { secretPath } from '../members/secrets-store.ts';
import { forgeModel, PINNED_DRONE, withDrone } from './helpers/forge-org.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const work = mkdtempSync(join(tmpdir(), 'made-by-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const identity = throwawayKey(work, 'deploy', 'deploy@test');
const model = forgeModel(undefined, (i) => ({
  ...withDrone(i),
  containers: PINNED_DRONE,
  org: { ...i.org, secrets: { deploy_key: readFileSync(`${identity}.pub`, 'utf8').trim() } },
}));
const store = join(work, 'secrets');
const ID = 'service/drone-server-ci/gitea-client-id';
const SECRET = 'service/drone-server-ci/gitea-client-secret';

describe('secrets Gitea makes', () => {
  it('are not generated, and check warns (not fails) with the output to copy them from', () => {
    const made = generateMissing(storeContext(model, store)).map((g) => g.key);
    expect(made).toContain('service/drone-server-ci/rpc-secret');
    expect(made).not.toContain(ID);
    expect(existsSync(secretPath(store, SECRET))).toBe(false);
    const findings = storeFindings(storeContext(model, store));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.map((f) => `${f.severity} ${f.path} ${f.message}`)).toEqual([
      `warning ${ID} is not in the store yet; made by Gitea (forge stack output drone_oauth_client_id_ci), copied in with npm run secrets -- set`,
      `warning ${SECRET} is not in the store yet; made by Gitea (forge stack output drone_oauth_client_secret_ci), copied in with npm run secrets -- set`,
    ]);
  });

  it("are left out of the Drone server's converge vars until copied in, then handed over like the rest", () => {
    const before = convergeSecrets(model, store, identity, ['ci', 'runner1']);
    try {
      const vars = readFileSync(before.args('ci')[1]!.slice(1), 'utf8');
      expect(vars).toContain('service/drone-server-ci/rpc-secret');
      expect(vars).not.toContain(ID);
    } finally {
      before.cleanup();
    }
    const ctx = storeContext(model, store);
    setSecret(ctx, ID, 'client0id');
    setSecret(ctx, SECRET, 'gto0secret');
    expect(storeFindings(storeContext(model, store))).toEqual([]);
    const after = convergeSecrets(model, store, identity, ['ci']);
    try {
      const vars = readFileSync(after.args('ci')[1]!.slice(1), 'utf8');
      expect(vars).toContain('client0id');
      expect(vars).toContain('gto0secret');
    } finally {
      after.cleanup();
    }
  });
});
