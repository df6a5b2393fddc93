// A WebSocket that reconnects with backoff and pings; messages are JSON objects.
export function wsUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class ReconnectingSocket {
  constructor(urlFn, { onMessage, onStatus } = {}) {
    this.urlFn = urlFn;
    this.onMessage = onMessage || (() => {});
    this.onStatus = onStatus || (() => {});
    this.delay = 500;
    this.stopped = false;
    this.ws = null;
    this.pinger = null;
  }

  start() { this.stopped = false; this.connect(); return this; }

  connect() {
    if (this.stopped) return;
    const ws = new WebSocket(wsUrl(this.urlFn()));
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.delay = 500;
      this.onStatus('open');
      this.pinger = window.setInterval(() => this.send({ type: 'ping' }), 20000);
    });
    ws.addEventListener('message', (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      this.onMessage(data);
    });
    ws.addEventListener('close', (event) => {
      window.clearInterval(this.pinger);
      if (this.ws !== ws) return;
      if (event.code === 1008) { this.stopped = true; this.onStatus('refused', event.reason); return; }
      this.onStatus('closed');
      if (!this.stopped) {
        window.setTimeout(() => this.connect(), this.delay);
        this.delay = Math.min(this.delay * 2, 10000);
      }
    });
  }

  get open() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  send(data) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(data));
    return true;
  }

  stop() {
    this.stopped = true;
    window.clearInterval(this.pinger);
    if (this.ws) this.ws.close();
  }
}

export function newClientId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2);
}

export class Throttle {
  constructor(ms) { this.ms = ms; this.last = 0; }
  ready() { const now = Date.now(); if (now - this.last < this.ms) return false; this.last = now; return true; }
}

// Copy an already-escaped snippet (text with <mark> only) into `target`: text nodes and <mark> only.
export function appendSnippet(target, html) {
  const doc = new DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html');
  for (const node of doc.body.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) target.appendChild(document.createTextNode(node.textContent));
    else if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      target.appendChild(mark);
    } else target.appendChild(document.createTextNode(node.textContent || ''));
  }
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}
