import { badPathProblem } from './bad-path';

const PATTERNS = ['/v1/accounts/:account', '/v1/accounts/:account/quotas', '/v1/accounts/:account/quotas/:meter', '/console/*'];
const errorsOf = (url: string) => badPathProblem(url, PATTERNS).toDocument().errors;

describe('a request path the router cannot decode', () => {
  it('is refused naming each path parameter whose segment is not percent-encoded UTF-8', () => {
    expect(errorsOf('/v1/accounts/%E0%A4%A/quotas')).toEqual([
      { field: 'account', reason: 'account must be percent-encoded UTF-8' },
    ]);
    expect(errorsOf('/V1/Accounts/%ZZ/?asOf=x')).toEqual([{ field: 'account', reason: 'account must be percent-encoded UTF-8' }]);
    expect(errorsOf('/v1/accounts/%C3/quotas/m%')).toEqual([
      { field: 'account', reason: 'account must be percent-encoded UTF-8' },
      { field: 'meter', reason: 'meter must be percent-encoded UTF-8' },
    ]);
  });

  it('is refused naming the path when no route takes the bad segment as a parameter', () => {
    const path = [{ field: 'path', reason: 'the path must be percent-encoded UTF-8' }];
    expect(errorsOf('/v1/acc%ZZounts/a')).toEqual(path);
    expect(errorsOf('/v1/accounts/%ZZ/credits')).toEqual(path);
    expect(errorsOf('/console/%ZZ')).toEqual(path);
    expect(errorsOf('http://[bad/v1/accounts/a')).toEqual(path);
  });
});
