import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/** server/dashboard: index.html, src/main.ts and src/styles.css. */
const DASHBOARD_ROOT = path.join(__dirname, '../dashboard');
const REPO_ROOT = path.join(__dirname, '../..');

/**
 * The entry points and the placeholder index.html uses for each: the built files carry a content hash
 * in their names (so the server may mark them immutable), and index.html is rewritten to name them.
 */
const ENTRIES = {
  app: { source: 'src/main.ts', placeholder: 'assets/app.js' },
  styles: { source: 'src/styles.css', placeholder: 'assets/styles.css' },
} as const;

/**
 * Builds the dashboard into `outDir`: `index.html` and `assets/` with the minified, hashed script and
 * stylesheet (uPlot's stylesheet bundled in). The SDK and the contract are bundled from the workspace
 * sources, so the dashboard does not depend on their own builds having run first.
 */
export async function buildDashboard(outDir: string): Promise<void> {
  const out = path.resolve(outDir);
  const assetsDir = path.join(out, 'assets');
  // Hashed names change with every edit: clear the old ones rather than letting them pile up.
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });

  const result = await build({
    absWorkingDir: DASHBOARD_ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, entry.source])),
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: 'es2020',
    format: 'esm',
    platform: 'browser',
    tsconfig: path.join(DASHBOARD_ROOT, 'tsconfig.json'),
    alias: {
      '@roomcast/client': path.join(REPO_ROOT, 'client-sdk/src/index.ts'),
      '@roomcast/shared': path.join(REPO_ROOT, 'shared/src/index.ts'),
    },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });

  let html = await readFile(path.join(DASHBOARD_ROOT, 'index.html'), 'utf8');
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const built = Object.entries(result.metafile.outputs).find(
      ([file, output]) => output.entryPoint === entry.source && !file.endsWith('.map'),
    );
    if (built === undefined) throw new Error(`esbuild produced no output for the ${name} entry (${entry.source})`);
    const href = path.relative(out, path.resolve(DASHBOARD_ROOT, built[0])).split(path.sep).join('/');
    if (!html.includes(entry.placeholder)) throw new Error(`index.html does not reference ${entry.placeholder}`);
    html = html.replace(entry.placeholder, href);
  }
  await writeFile(path.join(out, 'index.html'), html);
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (outDir === undefined) {
    process.stderr.write('usage: tsx scripts/build-dashboard.ts <out-dir>\n');
    process.exit(2);
  }
  buildDashboard(outDir).then(
    () => process.stdout.write(`dashboard built into ${path.resolve(outDir)}\n`),
    (error: unknown) => {
      process.stderr.write(`dashboard build failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
