import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '@roomcast/shared';
import { buildDashboard } from '../../server/scripts/build-dashboard';
import { createCharacteristic, jsonHeaders, mintToken, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, describeIf, publish, uniqueId } from '../support/mqtt';

/**
 * The dashboard as an operator uses it: built with the real build, served by a real gateway, driven in
 * headless Chromium while devices publish over MQTT. Screenshots of the key steps go to test-artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '../../test-artifacts');
const VIEWPORT = { width: 1280, height: 800 };

function freshDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

describe('the dashboard route', () => {
  let builtDir: string;
  let emptyDir: string;
  let built: TestGateway;
  let unbuilt: TestGateway;

  beforeAll(async () => {
    builtDir = freshDir('roomcast-dashboard-');
    emptyDir = freshDir('roomcast-no-dashboard-');
    await buildDashboard(builtDir);
    [built, unbuilt] = await Promise.all([setup({ DASHBOARD_DIR: builtDir }), setup({ DASHBOARD_DIR: emptyDir })]);
  });
  afterAll(async () => {
    await Promise.all([built?.cleanup(), unbuilt?.cleanup()]);
    rmSync(builtDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('serves index.html at / uncached, under a content security policy, without a token', async () => {
    const response = await fetch(`${built.url}/?token=whatever`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self' ws: wss:");
    expect(policy).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toMatch(/assets\/app-[A-Z0-9]+\.js/);
  });

  it('serves the hashed assets as immutable, and a missing one as the JSON 404', async () => {
    const html = await (await fetch(`${built.url}/`)).text();
    const script = /src="(assets\/app-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    const style = /href="(assets\/styles-[A-Z0-9]+\.css)"/.exec(html)?.[1];
    for (const [asset, type] of [
      [script, /javascript/],
      [style, /text\/css/],
    ] as const) {
      const response = await fetch(`${built.url}/${asset ?? 'missing'}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('cache-control')).toContain('immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const missing = await fetch(`${built.url}/assets/app-NOPE.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('leaves the REST API and its 404 alone', async () => {
    const me = await fetch(`${built.url}/me`, { headers: jsonHeaders('viewer') });
    expect(await me.json()).toMatchObject({ sub: 'viewer-user', role: 'viewer' });
    expect((await fetch(`${built.url}/nope`)).status).toBe(404);
    expect((await fetch(`${built.url}/`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 503 UNAVAILABLE, saying to build, when the dashboard was never built', async () => {
    const response = await fetch(`${unbuilt.url}/`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.message).toContain('npm run build');
  });
});

describeIf(existsSync(CHROMIUM), `${CHROMIUM} not installed`)('dashboard in Chromium', () => {
  const deviceId = uniqueId('press');
  const location = uniqueId('plant');
  const characteristicId = uniqueId('bore');
  let dashboardDir: string;
  let gw: TestGateway;
  let publisher: MqttClient;
  let browser: Browser;
  const pages: Page[] = [];
  const problems: string[] = [];

  async function openPage(role: Role, sub: string): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    pages.push(page);
    page.setDefaultTimeout(8000);
    page.on('pageerror', (error) => problems.push(`${sub}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${sub}: ${message.text()}`);
    });
    const rooms = [`device:${deviceId}`, `location:${location}`, `characteristic:${characteristicId}`].join(',');
    await page.goto(`${gw.url}/?token=${mintToken({ role, sub })}&rooms=${rooms}`);
    await page.locator('[data-testid="connection-indicator"][data-state="connected"]').waitFor();
    return page;
  }

  const shoot = (page: Page, name: string): Promise<Buffer> =>
    page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`) });

  const metric = (page: Page, name: string, text: string) =>
    page.locator(`[data-testid="metric-value"][data-metric="${name}"]`, { hasText: new RegExp(`^${text}$`) });

  const sendTemperature = (temperature: number) =>
    publish(publisher, `devices/${deviceId}/telemetry`, { temperature, running: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dashboardDir = freshDir('roomcast-dashboard-');
    await buildDashboard(dashboardDir);
    gw = await setup({ DASHBOARD_DIR: dashboardDir, BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    const rules = await fetch(`${gw.url}/alert-rules`, {
      method: 'PUT',
      headers: jsonHeaders('admin'),
      body: JSON.stringify({
        rules: [
          {
            id: 'press-temperature',
            devices: deviceId,
            metric: 'temperature',
            comparison: 'gt',
            alarm_level_1: 60,
            alarm_level_2: 80,
          },
        ],
      }),
    });
    expect(rules.status).toBe(200);
    const characteristic = await createCharacteristic(gw.url, characteristicId, {
      name: 'Bore diameter',
      unit: 'mm',
      chart: 'individuals',
      limits: { centre: 25, ucl: 25.3, lcl: 24.7 },
    });
    expect(characteristic.status).toBe(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 30_000);

  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await browser?.close();
    await publisher?.endAsync();
    await gw?.cleanup();
    if (dashboardDir !== undefined) rmSync(dashboardDir, { recursive: true, force: true });
  });

  it('takes the token out of the address, keeps it for a reload, and shows the live value as it changes', async () => {
    const page = await openPage('operator', 'alice');
    expect(page.url()).not.toContain('token=');
    expect(page.url()).toContain(`rooms=device:${deviceId}`);
    await page.locator('[data-testid="user-badge"][data-role="operator"]').waitFor();

    await sendTemperature(21.5);
    await metric(page, 'temperature', '21.5').waitFor();
    await sendTemperature(23.25);
    await metric(page, 'temperature', '23.25').waitFor();
    await page.locator('[data-testid="device-chart"] canvas').waitFor();

    await page.reload();
    await page.locator('[data-testid="connection-indicator"][data-state="connected"]').waitFor();
    expect(await page.getByTestId('token-form').count()).toBe(0);
    // The history the subscription brings puts the last value back at once.
    await metric(page, 'temperature', '23.25').waitFor();
  });

  it('colours an AQI tile by its category and charts SPC samples with their limits and violations', async () => {
    const [page] = pages as [Page];
    await publish(publisher, `aqi/${location}/readings`, { pm25: 40.2, o3: 0.05 });
    const tile = page.locator(`[data-testid="aqi-tile"][data-location="${location}"]`);
    await tile.locator('[data-testid="aqi-value"]', { hasText: /^\d+$/ }).waitFor();
    expect(await tile.getAttribute('data-category')).toBe('Unhealthy for Sensitive Groups');

    for (const value of [25.02, 24.95, 25.1, 24.9, 25.6]) {
      await publish(publisher, `spc/${characteristicId}/samples`, { value });
    }
    const card = page.locator(`[data-testid="spc-card"][data-characteristic="${characteristicId}"]`);
    await card.locator('[data-testid="spc-limits"]', { hasText: 'UCL 25.3' }).waitFor();
    await card.locator('[data-testid="violation-row"][data-acknowledged="false"]').first().waitFor();
    expect(await card.locator('[data-testid="violation-ack-button"]').count()).toBeGreaterThan(0);
    await shoot(page, '1-live-values');
  });

  it('raises an alert past the threshold; an acknowledgement in one page shows live in another', async () => {
    const [first] = pages as [Page];
    await sendTemperature(86);
    const firstRow = first.locator(`[data-testid="alert-row"][data-device="${deviceId}"]`);
    await firstRow.and(first.locator('[data-acknowledged="false"][data-severity="critical"]')).waitFor();
    await shoot(first, '2-alert-raised');

    // A viewer watches the same device: the alert is there, without an Acknowledge button.
    const second = await openPage('viewer', 'victor');
    const secondRow = second.locator(`[data-testid="alert-row"][data-device="${deviceId}"]`);
    await secondRow.and(second.locator('[data-acknowledged="false"]')).waitFor();
    expect(await second.getByTestId('alert-ack-button').count()).toBe(0);

    await firstRow.getByTestId('alert-ack-button').click();
    await firstRow.getByTestId('alert-ack-reason').fill('coolant valve opened');
    await firstRow.getByTestId('alert-ack-confirm').click();

    await secondRow.and(second.locator('[data-acknowledged="true"]')).waitFor();
    expect(await secondRow.getByTestId('alert-ack-state').textContent()).toBe(
      'Acknowledged by alice · “coolant valve opened”',
    );
    await firstRow.and(first.locator('[data-acknowledged="true"]')).waitFor();
    await shoot(first, '3-acknowledged-operator');
    await shoot(second, '3-acknowledged-viewer');

    expect(problems).toEqual([]);
  });
});
