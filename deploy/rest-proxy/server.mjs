// Hearth's REST proxy: every Hearth process sends its Discord REST requests here (HEARTH_DISCORD_API_URL),
// and this one process keeps Discord's per-route buckets and the bot-wide global limit for all of them.
// It is discord.js's maintained @discordjs/proxy (Apache-2.0) around @discordjs/rest; the bot's own token
// travels in each request's Authorization header and is never stored here.
import { createServer } from 'node:http';
import { DefaultRestOptions, REST } from '@discordjs/rest';
import { populateErrorResponse, populateSuccessfulResponse } from '@discordjs/proxy';

const upstream = (process.env.DISCORD_API_URL || 'https://discord.com').replace(/\/+$/, '');
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 8080);
// 45, not 50: requests leave evenly spaced (below), and arrival jitter on a busy machine bunched up to five
// of them into one second at the other end (measured with tests/scale/test_rest_proxy.py at load 7-8).
const perSecond = Number(process.env.GLOBAL_REQUESTS_PER_SECOND || 45);

// @discordjs/rest counts the global limit in fixed one-second windows, which lets up to twice the rate through
// in a second that straddles two windows (measured: 97 in one second at 50/s), and per-route queues release
// requests in clumps. So every request that actually leaves for Discord takes the next evenly spaced slot;
// interaction replies are exempt from Discord's global limit and never wait.
const spacingMs = 1000 / perSecond;
const exempt = /\/(interactions|webhooks)\//;
let nextSlot = 0;

async function pacedRequest(url, init) {
  if (!exempt.test(String(url))) {
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + spacingMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
  return DefaultRestOptions.makeRequest(url, init);
}

const rest = new REST({
  api: `${upstream}/api`,
  globalRequestsPerSecond: perSecond,
  // Never answer a caller with a 429 the proxy could have waited out; Discord's own 429s are retried.
  rejectOnRateLimit: null,
  retries: 3,
  timeout: 15_000,
  makeRequest: pacedRequest,
});

// @discordjs/proxy's own handler (proxyRequests) streams the caller's body to Discord once: when Discord answers
// 429 and @discordjs/rest retries, the retry goes out with an empty body, and a reminder would be lost
// ("Cannot send an empty message"; found by tests/scale/test_rest_proxy.py). This is that handler with the
// body read first, so a retry sends the same bytes; the responses are still the package's own.
async function proxyBuffered(req, res) {
  const url = new URL(req.url ?? '/', 'http://noop');
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = { 'Content-Type': req.headers['content-type'] };
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  if (req.headers['x-audit-log-reason']) headers['x-audit-log-reason'] = req.headers['x-audit-log-reason'];
  try {
    const response = await rest.queueRequest({
      body,
      fullRoute: url.pathname.replace(/^\/api(\/v\d+)?/, ''),
      method: req.method,
      auth: false, // the caller's own Authorization header is forwarded
      passThroughBody: true,
      query: url.searchParams,
      headers,
    });
    await populateSuccessfulResponse(res, response);
  } catch (error) {
    if (!populateErrorResponse(res, error)) {
      res.statusCode = 502;
      console.error(`hearth-rest-proxy: ${req.method} request failed: ${error?.name ?? 'error'}`);
    }
  } finally {
    res.end();
  }
}

const server = createServer(proxyBuffered);
server.listen(port, host, () => {
  const { port: bound } = server.address();
  // One line an operator (or a test) can wait for; it names no secret.
  console.log(`hearth-rest-proxy listening on http://${host}:${bound} -> ${upstream} (${perSecond}/s global)`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
