import { billingLine } from './billing';

const key = { account: 'acme', meter: 'geocoding', month: '2026-11' };
const terms = { blockSize: 1000, blockPrice: '0.50', includedUnits: 0, currency: 'USD' };

describe('billing lines', () => {
  it('sells whole blocks, rounding a started block up', () => {
    expect(billingLine(key, 2001, terms)).toMatchObject({ billableUnits: 2001, blocks: 3, amount: '1.50' });
  });

  it('gives included units for free', () => {
    expect(billingLine(key, 2500, { ...terms, includedUnits: 1000 })).toMatchObject({
      billableUnits: 1500,
      blocks: 2,
      amount: '1.00',
    });
    expect(billingLine(key, 300, { ...terms, includedUnits: 1000 })).toMatchObject({
      billableUnits: 0,
      blocks: 0,
      amount: '0.00',
    });
  });

  it('multiplies decimals exactly, where floating point would drift', () => {
    // 0.1 × 3 is 0.30000000000000004 in binary floating point.
    expect(billingLine(key, 3, { ...terms, blockSize: 1, blockPrice: '0.1' }).amount).toBe('0.30');
    expect(billingLine(key, 123_456_789_000, { ...terms, blockPrice: '19.99' }).amount).toBe('2467901212.11');
  });

  it('rounds sub-cent prices half up to cents', () => {
    expect(billingLine(key, 3000, { ...terms, blockPrice: '0.125' }).amount).toBe('0.38');
  });
});
