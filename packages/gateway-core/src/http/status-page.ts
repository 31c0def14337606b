// The page served at the control UI's base path until the full dashboard exists: it takes
// `?token=` from the address, removes it from the address bar (and so from history and
// screenshots), keeps it in localStorage, connects over WebSocket and shows `status`.
// No inline script: the page works under a strict Content-Security-Policy.

/** The HTML of the status page; `basePath` ends with '/'. */
export function statusPageHtml(basePath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>openclaw</title>
<link rel="stylesheet" href="${basePath}status.css">
</head>
<body>
<header><h1>openclaw</h1><span id="state" class="state">connecting…</span></header>
<main>
<section id="auth" hidden>
  <p>This gateway needs its token. Paste it here, or open the URL <code>openclaw dashboard</code> prints.</p>
  <form id="token-form"><input id="token" type="password" autocomplete="off" placeholder="gateway token" aria-label="gateway token"><button>Connect</button></form>
</section>
<section id="status" hidden>
  <dl id="summary"></dl>
  <h2>Channels</h2><ul id="channels"><li>none configured</li></ul>
</section>
<p id="error" class="error" hidden></p>
</main>
<script src="${basePath}status.js" defer></script>
</body>
</html>
`;
}

/** The stylesheet of the status page. */
export const STATUS_PAGE_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
header{display:flex;gap:1rem;align-items:baseline;padding:1rem 1.5rem;background:#1d2329;color:#fff}
h1{font-size:1.2rem;margin:0}.state{opacity:.8}main{padding:1.5rem;max-width:48rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0;font-family:ui-monospace,monospace}
.error{color:#b42318}input{padding:.4rem;min-width:20rem}button{padding:.4rem .8rem;margin-left:.5rem}
`;

/** The script of the status page (plain browser JavaScript). */
export const STATUS_PAGE_JS = `(() => {
  const KEY = 'openclaw.gateway.token';
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    localStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const $ = (id) => document.getElementById(id);
  const show = (id, on) => { $(id).hidden = !on; };
  const setState = (text) => { $('state').textContent = text; };
  const fail = (text) => { $('error').textContent = text; show('error', true); };

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    localStorage.setItem(KEY, $('token').value);
    $('token').value = '';
    connect();
  });

  function render(status) {
    const rows = [
      ['version', status.version], ['uptime', Math.round((status.uptimeMs || 0) / 1000) + ' s'],
      ['pid', status.pid], ['listening', (status.bind && status.bind.hosts || []).join(', ') + ' port ' + status.port],
      ['state dir', status.stateDir], ['config', status.configPath],
      ['sessions', status.sessions ? status.sessions.count : 0],
    ];
    const dl = $('summary');
    dl.replaceChildren();
    for (const [k, v] of rows) {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v === undefined ? '—' : String(v);
      dl.append(dt, dd);
    }
    const list = $('channels');
    list.replaceChildren();
    const channels = status.channels || [];
    if (channels.length === 0) { const li = document.createElement('li'); li.textContent = 'none configured'; list.append(li); }
    for (const c of channels) {
      const li = document.createElement('li');
      li.textContent = c.id + ': ' + (c.connected ? 'connected' : c.lastError ? 'error: ' + c.lastError : 'not connected');
      list.append(li);
    }
    show('status', true);
  }

  function connect() {
    show('error', false);
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + location.pathname);
    let ids = 0;
    const send = (method, params) => ws.send(JSON.stringify({ type: 'req', id: String(++ids), method, params }));
    ws.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        const token = localStorage.getItem(KEY) || undefined;
        send('connect', {
          minProtocol: 3, maxProtocol: 4,
          client: { id: 'openclaw-control-ui', version: 'status-page', platform: navigator.platform || 'web', mode: 'ui' },
          role: 'operator', scopes: ['operator.read'], auth: token ? { token } : undefined,
          userAgent: navigator.userAgent, locale: navigator.language,
        });
      } else if (frame.type === 'res' && frame.id === '1') {
        if (!frame.ok) {
          setState('not connected');
          fail(frame.error ? frame.error.message : 'connect failed');
          show('auth', true);
          return;
        }
        show('auth', false);
        setState('connected');
        send('status', {});
      } else if (frame.type === 'res' && frame.ok && frame.payload) {
        render(frame.payload);
      } else if (frame.type === 'event' && frame.event === 'shutdown') {
        setState('gateway stopping');
      }
    });
    ws.addEventListener('close', () => { if ($('state').textContent === 'connected') setState('disconnected'); });
    ws.addEventListener('error', () => fail('cannot reach the gateway'));
  }
  connect();
})();
`;
