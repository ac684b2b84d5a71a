// A real OpenID Connect provider for Tanager's single sign-on tests (npm oidc-provider, by panva, OpenID certified).
// Usage: node oidc-provider.mjs PORT FRONT_CHANNEL_PORT WRONG_ISSUER_PORT
// PORT serves a provider whose issuer is its own address, with pushed authorization requests (PAR, RFC 9126), which
// ASP.NET Core's handler uses when offered: the request's parameters never pass through the browser.
// FRONT_CHANNEL_PORT serves the same without PAR, so that a test can alter the nonce or PKCE challenge on the way.
// WRONG_ISSUER_PORT serves a provider whose discovery document and id tokens name another issuer
// (https://issuer.invalid), as a look-alike or misconfigured provider would.
// One client: tanager / tanager-secret, any redirect URI (the server under test listens on a port chosen at run time).
// PKCE is required. There is no login page: the interaction signs in the account named by the test_account cookie
// ("subject~email~verified~name", set on the provider's address by the test's browser, as if it had signed in there)
// and grants what was asked.
import Provider from 'oidc-provider';

const [port, frontChannelPort, wrongIssuerPort] = process.argv.slice(2).map(Number);

function parseHint(hint) {
  const [sub, email, verified, name] = String(hint ?? '').split('~');
  return { sub, email, email_verified: verified === 'true', name: name || sub };
}

function start(issuer, listenPort, par) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'tanager',
      client_secret: 'tanager-secret',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['tanager-test-only'] },
    features: { devInteractions: { enabled: false }, pushedAuthorizationRequests: { enabled: par } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // Accounts exist for whatever the login hint says; findAccount is called with the hint as the account id.
    findAccount: (ctx, id) => {
      const account = parseHint(id);
      return { accountId: id, claims: () => ({ ...account, sub: account.sub }) };
    },
  });
  // The server under test runs on a port chosen at run time; every redirect URI is allowed for the one test client.
  provider.Client.prototype.redirectUriAllowed = () => true;
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (ctx.method !== 'GET' || !match) {
      return next();
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const cookie = ctx.cookies.get('test_account', { signed: false });
    const accountId = cookie && decodeURIComponent(cookie);
    if (!accountId) {
      ctx.status = 400;
      ctx.body = 'the test_account cookie is required by this test provider';
      return undefined;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return undefined;
  });
  return new Promise((resolve) => {
    const server = provider.listen(listenPort, '127.0.0.1', () => resolve(server));
  });
}

await start(`http://127.0.0.1:${port}`, port, true);
await start(`http://127.0.0.1:${frontChannelPort}`, frontChannelPort, false);
await start('https://issuer.invalid', wrongIssuerPort, false);
console.log(`oidc-provider listening on ${port}, ${frontChannelPort} and ${wrongIssuerPort}`);
