import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

const ENCRYPTION_KEY = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';
const METRICS_TOKEN = 'scrape-5f2d8c1e9a7b4063';

describe('What the API exposes without an API key', () => {
  describe('in production, by default', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApiHarness({ env: { NODE_ENV: 'production', ENCRYPTION_KEY, METRICS_TOKEN } });
    });
    afterAll(() => api.close());

    it('serves no OpenAPI page', async () => {
      expect((await call(api, 'GET', '/docs')).status).toBe(404);
      expect((await call(api, 'GET', '/docs-json')).status).toBe(404);
    });

    it('answers /metrics only with the METRICS_TOKEN bearer token', async () => {
      expect(await call(api, 'GET', '/metrics')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect((await call(api, 'GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-000000' } })).status).toBe(401);
      const scraped = await call(api, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('# HELP');
    });
  });

  describe('in production with API_DOCS=true', () => {
    let api: ApiHarness;
    beforeAll(async () => {
      api = await startApiHarness({ env: { NODE_ENV: 'production', ENCRYPTION_KEY, API_DOCS: 'true' } });
    });
    afterAll(() => api.close());

    it('serves the OpenAPI page, and /metrics stays open without a token configured', async () => {
      expect((await call(api, 'GET', '/docs-json')).status).toBe(200);
      expect((await call(api, 'GET', '/metrics')).status).toBe(200);
    });
  });
});
