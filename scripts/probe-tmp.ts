import autocannon from "autocannon";
import { startEmulator } from "/work/main/emulator/src/index";
import { startAppServer } from "/work/main/tests/support/app-server";
import { appEnvFor, mintSessionToken } from "/work/main/tests/support/clerk-env";
import { makeTempDir } from "/work/main/tests/support/tmp";
const temp = await makeTempDir();
const emulator = await startEmulator({ port: 0, dataDir: temp.dir, latencyMs: 50, sessionTokenLifetimeSeconds: 3600, log: () => {} });
const token = await mintSessionToken(emulator, "sess_seed_alice");
const app = await startAppServer(appEnvFor(emulator));
for (const route of ["/api/me", "/api/get-token-example", "/api/me", "/api/get-token-example", "/healthz", "/api/me"]) {
  const r = await autocannon({ url: app.url + route, connections: 50, duration: 4, headers: { authorization: `Bearer ${token}` } });
  console.log(route, r.requests.average, r.latency.p50, r.latency.p99, r.non2xx);
}
await app.stop(); await emulator.close(); await temp.remove();
