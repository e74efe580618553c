import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it.each(['Zx9', 'change-me', '123456789012345'])(
    'refuses a METERING_ADMIN_TOKEN shorter than 16 characters, without showing it',
    (token) => {
      let error: unknown;
      try {
        loadConfig({ METERING_ADMIN_TOKEN: token });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('METERING_ADMIN_TOKEN must be at least 16 characters');
      expect((error as Error).message).not.toContain(token);
    },
  );

  it('accepts a token of 16 characters or more, and none at all', () => {
    expect(loadConfig({ METERING_ADMIN_TOKEN: '1234567890123456' }).adminToken).toBe('1234567890123456');
    expect(loadConfig({}).adminToken).toBeNull();
  });

  it('bounds the HTTP server by default and lets each limit be set', () => {
    expect(loadConfig({}).http).toEqual({
      maxConnections: 1000,
      maxConnectionsPerClient: 500,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      trustedProxies: [],
    });
    expect(loadConfig({}).auth).toEqual({ failureBurst: 30, failuresPerMinute: 10 });
    expect(loadConfig({ HTTP_TRUSTED_PROXIES: '10.0.0.5, ::1' }).http.trustedProxies).toEqual(['10.0.0.5', '::1']);
    expect(() => loadConfig({ HTTP_TRUSTED_PROXIES: '10.0.0.0/8' })).toThrow('HTTP_TRUSTED_PROXIES');
    expect(() => loadConfig({ AUTH_FAILURE_BURST: '0' })).toThrow('AUTH_FAILURE_BURST');
    expect(loadConfig({ HTTP_MAX_CONNECTIONS: '5', HTTP_REQUEST_TIMEOUT_MS: '2000' }).http).toMatchObject({
      maxConnections: 5,
      requestTimeoutMs: 2000,
    });
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow('HTTP_MAX_CONNECTIONS');
  });
});

describe('where Tally listens and where webhooks may go', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('refuses loopback webhooks and opens no internal network unless told to', () => {
    expect(loadConfig({}).webhooks).toMatchObject({ allowLoopback: false, allowedNetworks: [] });
    expect(
      loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, fd12::/16' }).webhooks,
    ).toMatchObject({
      allowLoopback: true,
      allowedNetworks: ['10.0.0.0/8', 'fd12::/16'],
    });
  });

  it.each([
    ['WEBHOOK_ALLOW_LOOPBACK', 'yes'],
    ['WEBHOOK_ALLOWED_NETWORKS', '10.0.0.0/33'],
    ['WEBHOOK_ALLOWED_NETWORKS', 'intranet'],
    ['WEBHOOK_ALLOWED_NETWORKS', '10.0.0.0/8/1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('embedded PGlite memory settings', () => {
  it('bounds PGlite by default and takes each setting as PostgreSQL spells it', () => {
    expect(loadConfig({}).pglite).toEqual({ shared_buffers: '16MB', work_mem: '4MB', maintenance_work_mem: '16MB' });
    expect(
      loadConfig({ PGLITE_SHARED_BUFFERS: '128MB', PGLITE_WORK_MEM: '512kB', PGLITE_MAINTENANCE_WORK_MEM: '1GB' }).pglite,
    ).toEqual({ shared_buffers: '128MB', work_mem: '512kB', maintenance_work_mem: '1GB' });
  });

  it.each([
    ['PGLITE_SHARED_BUFFERS', 'lots'],
    ['PGLITE_SHARED_BUFFERS', '32mb'],
    ['PGLITE_SHARED_BUFFERS', '4096'],
    ['PGLITE_SHARED_BUFFERS', '64kB'],
    ['PGLITE_SHARED_BUFFERS', '2GB'],
    ['PGLITE_WORK_MEM', '32kB'],
    ['PGLITE_WORK_MEM', '-4MB'],
    ['PGLITE_MAINTENANCE_WORK_MEM', '512kB'],
    ['PGLITE_MAINTENANCE_WORK_MEM', '1.5GB'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(`${name} must be a size between`);
  });
});
