import { unauthorized, withContext } from './errors.js';
import { route, type RestContext } from './route.js';

/**
 * `POST /api/2.x/login` exchanges an API token (header `api-token`) for a session token, sent
 * back in the `x-auth-token` response header; `POST /api/2.x/logout` ends the session.
 */
export function registerLogin(ctx: RestContext): void {
  route(
    ctx,
    'POST',
    'login',
    {},
    ({ request, reply }) => {
      const token = request.headers['api-token'];
      if (typeof token !== 'string' || token === '') throw unauthorized('login', 'Missing api-token header.');
      const user = token.length <= 128 ? withContext('login', () => ctx.model.apiTokenUser(ctx.array, token)) : null;
      if (user === null) throw unauthorized('login', 'Invalid API token.');
      reply.header('x-auth-token', ctx.sessions.open(user));
      return { items: [{ username: user }] };
    },
    { auth: false },
  );

  route(ctx, 'POST', 'logout', {}, ({ request }) => {
    ctx.sessions.close(String(request.headers['x-auth-token']));
    return undefined;
  });
}
