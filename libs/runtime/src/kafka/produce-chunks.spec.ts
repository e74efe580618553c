import { chunkByBytes, messageBytes } from './produce-chunks';

const message = (bytes: number) => ({ key: 'k', value: 'x'.repeat(bytes) });

describe('chunkByBytes', () => {
  it('keeps every chunk within the byte bound and every message in order', () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({
      key: `s-${i % 7}`,
      value: `{"id":"${i}","pad":"${'p'.repeat(i % 300)}"}`,
    }));
    const chunks = chunkByBytes(messages, 64 * 1024);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(64 * 1024);
    expect(chunks.flat()).toEqual(messages);
  });

  it('sends a message larger than the bound on its own', () => {
    const chunks = chunkByBytes([message(10), message(2000), message(10)], 1000);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
  });

  it('counts key, value and headers in bytes, not characters', () => {
    const plain = messageBytes({ key: 'a', value: 'é', headers: { h: 'ü', many: ['ab', Buffer.from('cd')] } });
    expect(plain).toBe(messageBytes({ key: null, value: null }) + 1 + 2 + 1 + 2 + 4 + 4);
  });

  it('makes no chunk of nothing', () => {
    expect(chunkByBytes([])).toEqual([]);
  });
});
