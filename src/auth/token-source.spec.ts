import type { IncomingMessage } from 'node:http';
import { bearerToken, cookieValue, presentedToken } from './token-source';

const request = (headers: Record<string, string>, url = '/session'): IncomingMessage => ({ headers, url }) as unknown as IncomingMessage;

describe('where the token is read from', () => {
  it('reads the ducke_token cookie among others', () => {
    expect(presentedToken(request({ cookie: 'theme=dark; ducke_token=abc.def.ghi; other=1' }))).toBe('abc.def.ghi');
  });

  it('reads Authorization: Bearer (any case), and prefers it to the cookie', () => {
    expect(presentedToken(request({ authorization: 'bearer h.e.ader', cookie: 'ducke_token=c.o.okie' }))).toBe('h.e.ader');
  });

  it('never reads the query string', () => {
    expect(presentedToken(request({}, '/session?token=a.b.c&access_token=a.b.c'))).toBeUndefined();
  });

  it('ignores other schemes, other cookie names and empty values', () => {
    expect(bearerToken('Basic YWxpY2U6c2VjcmV0')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(cookieValue('my_ducke_token=x; ducke_token_old=y', 'ducke_token')).toBeUndefined();
    expect(cookieValue('ducke_token=', 'ducke_token')).toBeUndefined();
    expect(cookieValue('ducke_token="q.u.oted"', 'ducke_token')).toBe('q.u.oted');
  });
});
