// The page served at the control UI's base path until the full dashboard exists: it takes
// `?token=` from the address, removes it from the address bar (and so from history and
// screenshots), keeps it in localStorage, connects over WebSocket and shows `status`, and
// a plain chat box with the agent's main session (`chat.history`, `chat.send`, `chat` events).
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
<section id="chat" hidden>
  <h2>Chat</h2>
  <ol id="messages" aria-live="polite"></ol>
  <form id="chat-form"><textarea id="message" rows="2" placeholder="Message the agent (Enter sends, Shift+Enter for a new line)" aria-label="message"></textarea><button id="send">Send</button><button id="stop" type="button">Stop</button></form>
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
#messages{list-style:none;padding:0;display:flex;flex-direction:column;gap:.5rem}
#messages li{white-space:pre-wrap;padding:.5rem .75rem;border-radius:.5rem;max-width:85%}
#messages .user{align-self:flex-end;background:#dbe8ff}#messages .assistant{align-self:flex-start;background:#fff;border:1px solid #dde1e6}
#messages .failed{color:#b42318}#chat-form{display:flex;align-items:flex-start}textarea{flex:1;padding:.4rem;font:inherit}
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

  // The chat: the agent's main session. Replies stream in as \`chat\` events carrying the text so far.
  const bubbles = new Map();
  let sessionKey = 'main';
  function bubble(role, text, id) {
    let li = id ? bubbles.get(id) : undefined;
    if (!li) {
      li = document.createElement('li');
      li.className = role;
      $('messages').append(li);
      if (id) bubbles.set(id, li);
    }
    li.textContent = text;
    li.scrollIntoView({ block: 'end' });
    return li;
  }
  const textOf = (message) => {
    if (!message) return '';
    if (typeof message.content === 'string') return message.content;
    return (message.content || []).filter((p) => p && p.type === 'text').map((p) => p.text).join('');
  };
  function onChat(event) {
    if (event.sessionKey !== sessionKey) return;
    const text = textOf(event.message);
    if (event.state === 'error') bubble('assistant failed', 'The agent could not answer: ' + (event.errorMessage || 'unknown error'), event.runId);
    else if (text || event.state === 'final') bubble('assistant', text + (event.state === 'aborted' ? ' [stopped]' : ''), event.runId);
  }

  function connect() {
    show('error', false);
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + location.pathname);
    let ids = 0;
    const pending = new Map();
    const send = (method, params) => {
      const id = String(++ids);
      pending.set(id, method);
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    };
    $('chat-form').onsubmit = (event) => {
      event.preventDefault();
      const message = $('message').value.trim();
      if (!message) return;
      $('message').value = '';
      bubble('user', message);
      // randomUUID exists only in secure contexts (https, localhost); a tailnet http:// URL is not one.
      const runId = crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
      bubble('assistant', '…', runId);
      send('chat.send', { sessionKey, message, idempotencyKey: runId });
    };
    $('message').onkeydown = (event) => {
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); $('chat-form').requestSubmit(); }
    };
    $('stop').onclick = () => send('chat.abort', { sessionKey });
    ws.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        const token = localStorage.getItem(KEY) || undefined;
        send('connect', {
          minProtocol: 3, maxProtocol: 4,
          client: { id: 'openclaw-control-ui', version: 'status-page', platform: navigator.platform || 'web', mode: 'ui' },
          role: 'operator', scopes: ['operator.read', 'operator.write'], auth: token ? { token } : undefined,
          userAgent: navigator.userAgent, locale: navigator.language,
        });
      } else if (frame.type === 'res' && pending.get(frame.id) === 'connect') {
        pending.delete(frame.id);
        if (!frame.ok) {
          setState('not connected');
          fail(frame.error ? frame.error.message : 'connect failed');
          show('auth', true);
          return;
        }
        show('auth', false);
        setState('connected');
        send('status', {});
        send('chat.history', { sessionKey, limit: 50 });
      } else if (frame.type === 'res') {
        const method = pending.get(frame.id);
        pending.delete(frame.id);
        if (!frame.ok) { if (method !== 'status') fail(method + ': ' + (frame.error ? frame.error.message : 'failed')); return; }
        if (method === 'status') render(frame.payload);
        if (method === 'chat.history') {
          sessionKey = frame.payload.sessionKey || sessionKey;
          $('messages').replaceChildren();
          for (const m of frame.payload.messages || []) if (m.role === 'user' || m.role === 'assistant') bubble(m.role, textOf(m));
          show('chat', true);
        }
      } else if (frame.type === 'event' && frame.event === 'chat') {
        onChat(frame.payload);
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
