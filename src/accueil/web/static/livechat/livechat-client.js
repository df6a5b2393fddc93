// Usager side of the live chat, usable by any widget: import { LiveChatClient } from '/static/livechat/livechat-client.js'
//   const chat = new LiveChatClient({ token });      // the conversation token (the chatbot's token works)
//   chat.addEventListener('message', (e) => render(e.detail));   // each message once (deduplicated by id)
//   chat.addEventListener('state' | 'queue' | 'typing' | 'status' | 'error', ...); chat.connect();
//   await chat.send('Bonjour'); chat.typing(); await chat.cancel(); await chat.rate(5, 'Merci');
import { ReconnectingSocket, Throttle, newClientId } from './socket.js';

const API = '/api/v1/livechat';

export class LiveChatClient extends EventTarget {
  constructor({ token, base = '', after = 0 }) {
    super();
    this.token = token;
    this.base = base;
    this.lastId = after;
    this.messages = new Map();
    this.status = null;
    this.socket = null;
    this.typingThrottle = new Throttle(2000);
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  connect() {
    this.socket = new ReconnectingSocket(
      () => `${this.base}${API}/ws/usager?token=${encodeURIComponent(this.token)}&after=${this.lastId}`,
      { onMessage: (data) => this.handle(data), onStatus: (s, reason) => this.emit('connection', { state: s, reason }) },
    ).start();
    return this;
  }

  close() { if (this.socket) this.socket.stop(); }

  handle(data) {
    switch (data.type) {
      case 'state':
        this.addMessages(data.messages || []);
        if (data.status !== this.status) { this.status = data.status; this.emit('status', data); }
        this.emit('state', data);
        break;
      case 'message': this.addMessages([data.message]); break;
      case 'queue': this.emit('queue', data); break;
      case 'typing': this.emit('typing', data); break;
      case 'error': this.emit('error', data); break;
      default: break;
    }
  }

  addMessages(list) {
    for (const message of list.slice().sort((a, b) => a.id - b.id)) {
      if (this.messages.has(message.id)) continue;
      this.messages.set(message.id, message);
      this.lastId = Math.max(this.lastId, message.id);
      this.emit('message', message);
    }
  }

  async request(method, path, body) {
    const response = await fetch(`${this.base}${API}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Conversation-Token': this.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || 'Une erreur est survenue.');
    return data;
  }

  async send(text) {
    const clientId = newClientId();
    if (this.socket && this.socket.send({ type: 'message', text, client_id: clientId })) return clientId;
    await this.request('POST', '/conversation/messages', { text, client_id: clientId });
    const state = await this.request('GET', `/conversation?after=${this.lastId}`);
    this.handle({ type: 'state', ...state });
    return clientId;
  }

  typing() {
    if (this.typingThrottle.ready() && this.socket) this.socket.send({ type: 'typing' });
  }

  cancel() { return this.request('POST', '/conversation/cancel'); }

  rate(value, comment = '') { return this.request('POST', '/conversation/rating', { value, comment }); }

  leaveMessage(text, email) { return this.request('POST', '/conversation/leave-message', { text, email }); }

  static async start({ publicCode, skill, text, organisation = null, base = '' }) {
    const response = await fetch(`${base}${API}/conversations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ public: publicCode, skill, text, organisation }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || 'Impossible de joindre un conseiller.');
    return data;
  }
}
