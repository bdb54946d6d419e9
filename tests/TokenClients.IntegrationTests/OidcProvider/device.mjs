// The device authorization grant (RFC 8628) of the test server: features.deviceFlow on, a 1-second polling interval in
// the device authorization answer (the RFC's default of 5 seconds would only slow the tests down), and a test-only route
// standing in for the person at the verification page:
//   POST /test/device  user_code=…&action=approve|deny|slow_down|expire[&account=alice][&count=1]
//     approve, deny  decide the code as the server's own /device pages would (the grant handler then issues tokens or
//                    answers access_denied itself);
//     slow_down      answers the next <count> polls of the code with slow_down and records when each poll came;
//     expire         answers the next poll of the code with expired_token.
//   GET  /test/device?user_code=…  the recorded polls of a code, in milliseconds since the epoch: {"polls":[…]}.
import { parse } from 'node:querystring';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** The server configuration with the device flow enabled. */
export function withDevice(configuration) {
  return { ...configuration, features: { ...configuration.features, deviceFlow: { enabled: true } } };
}

/** Installs the interval, the test route and the scripted poll answers on the provider. */
export function device(provider) {
  // Codes the tests watch, by normalized user code: scripted answers and the times of polls.
  const watched = new Map();
  const watch = (userCode) => {
    if (!watched.has(userCode)) {
      watched.set(userCode, { slowDowns: 0, expire: false, polls: [] });
    }
    return watched.get(userCode);
  };

  provider.use(async (ctx, next) => {
    if (ctx.path === '/test/device') {
      await testRoute(provider, ctx, watch, watched);
      return;
    }

    // Only while a test watches a code is the token request read here (oidc-provider then uses the body read).
    if (watched.size > 0 && ctx.method === 'POST' && ctx.path === '/token' && ctx.is('application/x-www-form-urlencoded')) {
      const body = await readBody(ctx.req);
      ctx.req.body = body;
      const params = parse(body);
      if (params.grant_type === deviceGrant && params.device_code) {
        const code = await provider.DeviceCode.find(params.device_code, { ignoreExpiration: true });
        const state = code && watched.get(code.userCode);
        if (state) {
          state.polls.push(Date.now());
          if (state.slowDowns > 0 || state.expire) {
            const error = state.slowDowns > 0 ? 'slow_down' : 'expired_token';
            state.slowDowns = Math.max(0, state.slowDowns - 1);
            ctx.status = 400;
            ctx.set('Cache-Control', 'no-store');
            ctx.body = { error, error_description: `scripted ${error}` };
            return;
          }
        }
      }
    }

    await next();
    if (ctx.method === 'POST' && ctx.path === '/device/auth' && ctx.status === 200 && ctx.body && ctx.body.device_code) {
      ctx.body.interval = 1;
    }
  });
}

async function testRoute(provider, ctx, watch, watched) {
  if (ctx.method === 'GET') {
    const state = watched.get(normalize(ctx.query.user_code || ''));
    ctx.body = { polls: state ? state.polls : [] };
    return;
  }

  const params = parse(await readBody(ctx.req));
  const userCode = normalize(params.user_code || '');
  const code = await provider.DeviceCode.findByUserCode(userCode, { ignoreExpiration: true });
  if (!code) {
    ctx.status = 404;
    ctx.body = { error: 'unknown user_code' };
    return;
  }

  switch (params.action) {
    case 'approve': {
      const accountId = params.account || 'alice';
      const grant = new provider.Grant({ accountId, clientId: code.clientId });
      grant.addOIDCScope(code.params.scope || 'openid');
      const grantId = await grant.save();
      Object.assign(code, { accountId, grantId, authTime: Math.floor(Date.now() / 1000), scope: code.params.scope || 'openid' });
      await code.save();
      break;
    }
    case 'deny':
      Object.assign(code, { error: 'access_denied', errorDescription: 'the user denied the request' });
      await code.save();
      break;
    case 'slow_down':
      watch(userCode).slowDowns += Number(params.count || 1);
      break;
    case 'expire':
      watch(userCode).expire = true;
      break;
    default:
      ctx.status = 400;
      ctx.body = { error: 'unknown action' };
      return;
  }

  ctx.status = 204;
}

function normalize(userCode) {
  return userCode.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
